"""Column types shared by the stream schemas, defined once."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

ID = th.IntegerType
TEXT = th.StringType
NUMBER = th.NumberType
BOOL = th.BooleanType
TIME = th.DateTimeType


def json_object() -> th.CustomType:
    """A nested object of any shape (a JSON column)."""
    return th.CustomType({"type": ["object", "null"], "additionalProperties": True})


def json_array() -> th.CustomType:
    """An array of anything (a JSON column; no ``items``, so PostgreSQL makes it jsonb)."""
    return th.CustomType({"type": ["array", "null"]})


def columns(*names: str, kind: t.Any) -> list[th.Property[t.Any]]:  # noqa: ANN401
    """Several columns of one type.

    Args:
        names: Column names.
        kind: A singer_sdk typing class or instance.

    Returns:
        The properties.
    """
    return [th.Property(name, kind) for name in names]


def schema(*props: th.Property[t.Any] | list[th.Property[t.Any]]) -> dict[str, t.Any]:
    """A record schema with the columns every stream carries.

    ``extra_fields`` keeps keys the schema does not know and values that did not fit.

    Args:
        props: Columns, or lists of columns.

    Returns:
        The JSON schema.
    """
    flat: list[th.Property[t.Any]] = []
    for prop in props:
        flat.extend(prop if isinstance(prop, list) else [prop])
    flat.append(th.Property("extra_fields", json_object()))
    return th.PropertiesList(*flat).to_dict()
