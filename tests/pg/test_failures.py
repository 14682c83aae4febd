"""Input target-postgres 0.8.1 cannot load; the tap must never send it."""

from __future__ import annotations

import pytest

from tests.pg.harness import (
    ID,
    JSON_ARRAY,
    JSON_OBJECT,
    STRING_ARRAY,
    TEXT,
    column_types,
    fetch,
    long_name,
    record,
    schema_message,
)

pytestmark = pytest.mark.postgres

NUL_SCHEMA = schema_message("nul", {"id": ID, "s": TEXT, "obj": JSON_OBJECT, "tags": STRING_ARRAY})


def test_nul_in_text_fails_the_load_without_sanitizing(target):
    run = target.run(
        [NUL_SCHEMA, record("nul", {"id": 1, "s": "a\x00b"})],
        sanitize_null_text_characters=False,
    )
    run.failed_with("PostgreSQL text fields cannot contain NUL (0x00) bytes")


def test_nul_nested_in_json_fails_the_load_even_when_sanitizing(target):
    run = target.run([NUL_SCHEMA, record("nul", {"id": 1, "obj": {"k": {"deeper": "a\x00b"}}})])
    run.failed_with("unsupported Unicode escape sequence")


def test_nested_arrays_of_different_lengths_fail_a_jsonb_array_column(target):
    # `items: {}` (the tap's json_array) makes a jsonb[] column; a list of lists is then read
    # as a multidimensional PostgreSQL array, which must be rectangular.
    run = target.run(
        [
            schema_message("ragged", {"id": ID, "arr": JSON_ARRAY}),
            record("ragged", {"id": 1, "arr": [[1, 2], [3]]}),
        ]
    )
    run.failed_with("malformed array literal")


def test_a_column_name_over_63_bytes_fails_every_load(target, pg_server):
    name = long_name(64)
    messages = [
        schema_message("too_long", {"id": ID, name: TEXT}),
        record("too_long", {"id": 1, name: "v"}),
    ]
    # PostgreSQL creates the table with the name cut to 63 bytes; the target then misses the
    # column under its full name, adds it again, and PostgreSQL refuses the duplicate.
    target.run(messages).failed_with("DuplicateColumn")
    target.run(messages).failed_with("DuplicateColumn")
    with pg_server.connect() as conn:
        columns = column_types(conn, target.schema, "too_long")
        rows = fetch(conn, f"SELECT count(*) FROM {target.schema}.too_long")
    assert name[:63] in columns
    assert name not in columns
    assert rows == [(0,)]
