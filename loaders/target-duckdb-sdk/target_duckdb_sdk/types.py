"""JSON Schema to DuckDB column types, and Python values to what the staging file holds.

One table decides every column type (``duckdb_type``); one function per column type turns a
parsed record value into the JSON value written to the staging file (``converter_for``). The
staging file is read back with explicit column types, so DuckDB never guesses anything.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import typing as t

BIGINT = "BIGINT"
DOUBLE = "DOUBLE"
BOOLEAN = "BOOLEAN"
TIMESTAMPTZ = "TIMESTAMPTZ"
DATE = "DATE"
TIME = "TIME"
VARCHAR = "VARCHAR"
JSON = "JSON"

#: How information_schema.columns.data_type spells the types above.
_INFO_SCHEMA_NAMES = {
    "TIMESTAMP WITH TIME ZONE": TIMESTAMPTZ,
    "TIME WITH TIME ZONE": "TIMETZ",
    "INTEGER": "INTEGER",
}

_SCALARS = {
    "integer": BIGINT,
    "number": DOUBLE,
    "boolean": BOOLEAN,
    "object": JSON,
    "array": JSON,
}
_STRING_FORMATS = {"date-time": TIMESTAMPTZ, "date": DATE, "time": TIME}

#: NUL characters in text columns are replaced by this (DuckDB could store them, but most tools
#: downstream of a warehouse cannot).
NUL_REPLACEMENT = "\ufffd"


def normalize_type_name(data_type: str) -> str:
    """Spell an information_schema type name the way this module does.

    Args:
        data_type: ``information_schema.columns.data_type``.

    Returns:
        The canonical name (``TIMESTAMPTZ`` for ``TIMESTAMP WITH TIME ZONE``).
    """
    upper = data_type.upper()
    return _INFO_SCHEMA_NAMES.get(upper, upper)


def _single_type(schema: dict[str, t.Any]) -> str | None:
    """The column type of a schema that is not a union, or None when it says nothing."""
    kind = schema.get("type")
    if kind == "string":
        return _STRING_FORMATS.get(str(schema.get("format")), VARCHAR)
    if isinstance(kind, str):
        return _SCALARS.get(kind)
    return None


def _combine(types: list[str]) -> str:
    """One column type for a union of column types: equal types stay, else JSON or VARCHAR."""
    distinct = set(types)
    if len(distinct) == 1:
        return types[0]
    if distinct == {BIGINT, DOUBLE}:
        return DOUBLE
    if JSON in distinct:
        return JSON
    return VARCHAR


def duckdb_type(schema: dict[str, t.Any]) -> str:
    """The DuckDB column type for one property's JSON Schema.

    ``integer`` is BIGINT, ``number`` DOUBLE, ``boolean`` BOOLEAN, ``string`` VARCHAR (or
    TIMESTAMPTZ / DATE / TIME for the ``date-time`` / ``date`` / ``time`` formats), ``object``
    and ``array`` JSON. ``null`` in a union is ignored; a union of several other types (in
    ``type`` or ``anyOf``/``oneOf``) is JSON when one of them is structured, DOUBLE for
    integer-or-number, else VARCHAR. A schema that says nothing (``{}``) is JSON.

    Args:
        schema: The property's JSON Schema.

    Returns:
        A DuckDB type name.
    """
    kind = schema.get("type")
    if isinstance(kind, list):
        members = [k for k in kind if k != "null"]
        if not members:
            return VARCHAR
        return _combine([duckdb_type({**schema, "type": k}) for k in members])
    if (single := _single_type(schema)) is not None:
        return single
    for union in ("anyOf", "oneOf"):
        if union in schema:
            options = [s for s in schema[union] if s.get("type") != "null"]
            return _combine([duckdb_type(s) for s in options] or [VARCHAR])
    # No type (``{}``, or only ``properties``): any JSON value; an unknown type name: text.
    return JSON if kind is None else VARCHAR


_LOSSLESS_WIDENINGS = {
    ("TINYINT", BIGINT),
    ("SMALLINT", BIGINT),
    ("INTEGER", BIGINT),
    ("TIMESTAMP", TIMESTAMPTZ),  # naive times are read as UTC (the session time zone)
}


def evolve(existing: str, wanted: str) -> str | None:
    """The type an existing column must change to so it can hold values meant for ``wanted``.

    Never loses data: the same type or an existing VARCHAR needs nothing; a few exact widenings
    (small integers to BIGINT, TIMESTAMP to TIMESTAMPTZ) are applied; any other change turns the
    column into VARCHAR, which holds the text of every old and new value.

    Args:
        existing: The column's current type (``normalize_type_name`` spelling).
        wanted: The type the current schema asks for.

    Returns:
        The new column type, or None when the column stays as it is.
    """
    if existing in {wanted, VARCHAR}:
        return None
    if (existing, wanted) in _LOSSLESS_WIDENINGS:
        return wanted
    return VARCHAR


# ---- values ------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Replace NUL characters (U+0000) by U+FFFD.

    Args:
        value: A string.

    Returns:
        The string without NUL characters.
    """
    return value.replace("\x00", NUL_REPLACEMENT) if "\x00" in value else value


def json_default(value: object) -> object:
    """``json.dumps`` hook for the values the SDK parses records into.

    Args:
        value: A value json cannot write by itself.

    Returns:
        A JSON-writable value.

    Raises:
        TypeError: For values with no JSON form.
    """
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    msg = f"Cannot write {type(value).__name__} to JSON"
    raise TypeError(msg)


def dumps(value: object) -> str:
    """Compact JSON text, non-ASCII kept as is.

    Args:
        value: A JSON-like value (Decimal and dates allowed).

    Returns:
        The JSON text.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=json_default)


def _to_text(value: object) -> object:
    if value is None or type(value) is str:
        return None if value is None else clean_text(value)  # type: ignore[arg-type]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _to_timestamp(value) if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (dict, list)):
        return clean_text(dumps(value))
    if isinstance(value, decimal.Decimal):
        return str(json_default(value))
    return clean_text(str(value))


def _to_timestamp(value: object) -> object:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # a naive time is taken as UTC
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    return value


def _to_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _to_time(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.time) else value


def _to_number(value: object) -> object:
    return float(value) if isinstance(value, decimal.Decimal) else value


def _to_integer(value: object) -> object:
    if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _as_is(value: object) -> object:
    return value


_CONVERTERS: dict[str, t.Callable[[object], object]] = {
    VARCHAR: _to_text,
    TIMESTAMPTZ: _to_timestamp,
    DATE: _to_date,
    TIME: _to_time,
    DOUBLE: _to_number,
    BIGINT: _to_integer,
    BOOLEAN: _as_is,
    JSON: _as_is,
}


def converter_for(column_type: str) -> t.Callable[[object], object]:
    """The function that prepares a record value for a column of the given type.

    Args:
        column_type: A DuckDB type name (as returned by ``duckdb_type`` or read back).

    Returns:
        A function from a parsed record value to a JSON value DuckDB casts exactly.
    """
    return _CONVERTERS.get(column_type, _as_is)
