"""What each kind of column the tap emits becomes in PostgreSQL: one load, many streams."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.pg.harness import (
    ARRAY_NO_ITEMS,
    BOOL,
    DATE,
    ID,
    JSON_ARRAY,
    JSON_OBJECT,
    NUMBER,
    STRING_ARRAY,
    TEXT,
    TIME,
    column_types,
    fetch,
    long_name,
    record,
    schema_message,
)

pytestmark = pytest.mark.postgres

MAX_SAFE_INTEGER = 2**53 - 1  # 9007199254740991
IDS = [
    1,
    2**31,
    MAX_SAFE_INTEGER - 1,
    MAX_SAFE_INTEGER,
    MAX_SAFE_INTEGER + 1,
    MAX_SAFE_INTEGER + 2,
    2**63 - 1,
    -MAX_SAFE_INTEGER,
]
NUMBERS = ["0", "-3", "0.1", "1e-7", "12345678901234.5678", "9007199254740993", "2.5E+10"]
FLAGS = ["true", "false", "null"]
STAMPS = {
    1: "2024-03-01T10:00:00+00:00",  # what the tap emits (epoch -> UTC ISO-8601)
    2: "2024-03-01T10:00:00Z",
    3: "2024-03-01T15:30:00+05:30",
    4: "2024-03-01T05:00:00-05:00",
}
SCRUBBED = 'Zo\ufffde \ufffd\ufffd ✓ 𝄞 \t\n"quoted" \\ é'  # the tap's NUL -> U+FFFD output
NAME_63 = long_name(63)  # the longest name the tap's fit_identifier produces
NAME_63_MULTIBYTE = long_name(63, "é")
NUL_SCHEMA = {"id": ID, "s": TEXT, "obj": JSON_OBJECT, "tags": STRING_ARRAY}
SHAPES = {
    "id": ID,
    "name": TEXT,
    "amount": NUMBER,
    "active": BOOL,
    "created_time": TIME,
    "birthday": DATE,
    "address": JSON_OBJECT,
    "files": JSON_ARRAY,
    "choices": STRING_ARRAY,
    "loose": ARRAY_NO_ITEMS,
}
DOCS = {
    1: {
        "obj": {"a": {"b": [1, "x", None, True]}, "n": 1.25},
        "arr": [{"k": "v"}, [1, 2], None],
        "loose": [{"k": "v"}, [1, 2], None],
    },
    2: {"obj": {}, "arr": [], "loose": []},
    3: {"obj": None, "arr": None, "loose": None},
    4: {},
}


def raw_record(stream: str, body: str) -> str:
    """A RECORD line written by hand, so numbers stay the JSON literals given."""
    return f'{{"type": "RECORD", "stream": "{stream}", "record": {{{body}}}}}'


def messages() -> list[str | dict[str, object]]:
    out: list[str | dict[str, object]] = [
        schema_message("shapes", SHAPES),
        record(
            "shapes",
            {
                "id": 1,
                "name": "Ada",
                "amount": 12.5,
                "active": True,
                "created_time": "2024-03-01T10:00:00+00:00",
                "birthday": "1990-12-31",
                "address": {"city": "Pune", "zip": ["411", 1]},
                "files": [{"name": "a.pdf"}, "b", 3],
                "choices": ["red", "blue"],
                "loose": [[1, 2], [3], {"k": None}],
            },
        ),
        schema_message("ids", {"id": ID, "owner_id": ID}),
        *(raw_record("ids", f'"id": {i}, "owner_id": {i}') for i in IDS),
        schema_message("scalars", {"id": ID, "n": NUMBER, "b": BOOL}),
        *(
            raw_record("scalars", f'"id": {i}, "n": {n}, "b": {FLAGS[i % 3]}')
            for i, n in enumerate(NUMBERS)
        ),
        raw_record("scalars", '"id": 99'),
        schema_message("times", {"id": ID, "at": TIME}),
        *(record("times", {"id": i, "at": s}) for i, s in STAMPS.items()),
        schema_message(
            "docs", {"id": ID, "obj": JSON_OBJECT, "arr": JSON_ARRAY, "loose": ARRAY_NO_ITEMS}
        ),
        *(record("docs", {"id": i, **v}) for i, v in DOCS.items()),
        schema_message("ragged", {"id": ID, "arr": ARRAY_NO_ITEMS}),
        record("ragged", {"id": 1, "arr": [[1, 2], [3]]}),
        schema_message("scrubbed", NUL_SCHEMA),
        record(
            "scrubbed",
            {"id": 1, "s": SCRUBBED, "obj": {SCRUBBED: [SCRUBBED]}, "tags": [SCRUBBED, ""]},
        ),
        schema_message("nul", NUL_SCHEMA),
        record("nul", {"id": 1, "s": "a\x00b"}),
        record("nul", {"id": 2, "obj": {"k": "a\x00b"}}),
        record("nul", {"id": 3, "tags": ["a\x00b"]}),
        schema_message("fields", {"id": ID, NAME_63: TEXT, NAME_63_MULTIBYTE: TEXT}),
        record("fields", {"id": 1, NAME_63: "ascii", NAME_63_MULTIBYTE: "multibyte"}),
    ]
    return [m if isinstance(m, str) else json.dumps(m) for m in out]


@pytest.fixture(scope="module")
def loaded(make_target, pg_server):
    target = make_target("types")
    target.run(messages()).ok()  # the declared settings and env (PGTZ=UTC)
    with pg_server.connect() as conn:
        yield target.schema, conn


def test_each_json_type_gets_its_column_type(loaded):
    schema, conn = loaded
    assert column_types(conn, schema, "shapes") == {
        "id": "bigint",
        "name": "text",
        "amount": "numeric",
        "active": "boolean",
        "created_time": "timestamp with time zone",  # 0.8.1: without (the patch's change)
        "birthday": "date",
        "address": "jsonb",
        "files": "jsonb[]",  # `items: {}`: a PostgreSQL array of jsonb, not one document
        "choices": "text[]",
        "loose": "jsonb",  # no `items`: one jsonb document
        "_sdc_extracted_at": "timestamp with time zone",
        "_sdc_received_at": "timestamp with time zone",
        "_sdc_batched_at": "timestamp with time zone",
        "_sdc_deleted_at": "timestamp with time zone",
        "_sdc_sequence": "bigint",
        "_sdc_table_version": "bigint",
        "_sdc_sync_started_at": "bigint",
    }


def test_each_value_reads_back(loaded):
    schema, conn = loaded
    columns = ", ".join(SHAPES)
    assert fetch(conn, f"SELECT {columns} FROM {schema}.shapes") == [
        (
            1,
            "Ada",
            Decimal("12.5"),
            True,
            dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC),
            dt.date(1990, 12, 31),
            {"city": "Pune", "zip": ["411", 1]},
            [{"name": "a.pdf"}, "b", 3],
            ["red", "blue"],
            [[1, 2], [3], {"k": None}],
        )
    ]


def test_ids_are_exact_bigints_up_to_and_past_2_53(loaded):
    schema, conn = loaded
    types = column_types(conn, schema, "ids")
    assert (types["id"], types["owner_id"]) == ("bigint", "bigint")
    rows = fetch(conn, f"SELECT id, owner_id, id::text FROM {schema}.ids")
    assert sorted(rows) == sorted((i, i, str(i)) for i in IDS)


def test_numbers_are_exact_numerics_and_booleans_stay_booleans(loaded):
    schema, conn = loaded
    rows = fetch(conn, f"SELECT id, n, b FROM {schema}.scalars ORDER BY id")
    expected = [(i, Decimal(n), [True, False, None][i % 3]) for i, n in enumerate(NUMBERS)]
    assert rows == [*expected, (99, None, None)]


def test_date_times_are_instants_in_a_timestamptz_column(loaded):
    # Four spellings of one instant land as one value; read in UTC and in the server's own zone
    # (Asia/Kolkata) it is the same instant.
    schema, conn = loaded
    assert column_types(conn, schema, "times")["at"] == "timestamp with time zone"
    rows = fetch(
        conn,
        f"SELECT DISTINCT at, (at AT TIME ZONE 'UTC')::text, (at AT TIME ZONE 'Asia/Kolkata')::text"
        f" FROM {schema}.times",
    )
    assert rows == [
        (
            dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC),
            "2024-03-01 10:00:00",
            "2024-03-01 15:30:00",
        )
    ]


def test_objects_and_arrays_round_trip(loaded):
    schema, conn = loaded
    rows = fetch(
        conn,
        f"SELECT id, obj, arr, loose, obj IS NULL, jsonb_typeof(obj), arr IS NULL,"
        f" loose IS NULL FROM {schema}.docs ORDER BY id",
    )
    assert rows == [
        (
            1,
            {"a": {"b": [1, "x", None, True]}, "n": 1.25},
            [{"k": "v"}, [1, 2], None],
            [{"k": "v"}, [1, 2], None],
            False,
            "object",
            False,
            False,
        ),
        (2, {}, [], [], False, "object", False, False),
        # A null or missing jsonb value is stored as JSON null, not SQL NULL
        # (a null jsonb[] value is SQL NULL).
        (3, None, None, None, False, "null", True, False),
        (4, None, None, None, False, "null", True, False),
    ]


def test_nested_arrays_of_different_lengths_land_in_a_jsonb_column(loaded):
    schema, conn = loaded
    assert fetch(conn, f"SELECT arr FROM {schema}.ragged") == [([[1, 2], [3]],)]


def test_text_the_tap_scrubbed_lands_byte_exact(loaded):
    schema, conn = loaded
    rows = fetch(conn, f"SELECT s, obj, tags, convert_to(s, 'UTF8') FROM {schema}.scrubbed")
    assert rows == [(SCRUBBED, {SCRUBBED: [SCRUBBED]}, [SCRUBBED, ""], SCRUBBED.encode())]


def test_nul_in_top_level_text_becomes_fffd_as_declared(loaded):
    # sanitize_null_text_characters: true in the declaration (one level deep only).
    schema, conn = loaded
    rows = fetch(conn, f"SELECT id, s, obj, tags FROM {schema}.nul ORDER BY id")
    assert rows == [
        (1, "a\ufffdb", None, None),
        (2, None, {"k": "a\ufffdb"}, None),
        (3, None, None, ["a\ufffdb"]),
    ]


def test_63_byte_column_names_are_kept_whole(loaded):
    schema, conn = loaded
    assert {NAME_63, NAME_63_MULTIBYTE} <= set(column_types(conn, schema, "fields"))
    rows = fetch(conn, f'SELECT "{NAME_63}", "{NAME_63_MULTIBYTE}" FROM {schema}.fields')
    assert rows == [("ascii", "multibyte")]
