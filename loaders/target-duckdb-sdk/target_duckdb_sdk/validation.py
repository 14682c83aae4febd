"""Record validation with a fast path that only ever accepts what jsonschema accepts.

The SDK validates every record with ``jsonschema`` (about half of this target's CPU time on
wide records). Singer schemas use a small part of JSON Schema: ``type``, ``properties``,
``items``, ``additionalProperties``, ``required`` and annotations. For schemas made only of
those, a checker compiled once per schema accepts the records that are plainly valid; any
record it does not accept (or any schema using other keywords) goes to the SDK's jsonschema
validator, which accepts it or reports the error exactly as before. The fast path is
conservative (a float for ``integer``, for instance, is left to jsonschema), so the outcome of
validation never changes, only its cost.
"""

from __future__ import annotations

import decimal
import typing as t

from singer_sdk.sinks.core import JSONSchemaValidator

Check = t.Callable[[object], bool]

#: Keywords that only annotate (no effect on validity).
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "$comment",
        "default",
        "examples",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
    }
)
_STRUCTURAL = frozenset({"type", "properties", "items", "additionalProperties", "required"})


class _UnsupportedError(Exception):
    """The schema uses a keyword the fast path does not handle."""


def _is_integer(value: object) -> bool:
    return type(value) is int


def _is_number(value: object) -> bool:
    return type(value) in {int, float} or type(value) is decimal.Decimal


_TYPE_CHECKS: dict[str, Check] = {
    "null": lambda v: v is None,
    "boolean": lambda v: type(v) is bool,
    "integer": _is_integer,
    "number": _is_number,
    "string": lambda v: type(v) is str,
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
}


def _compile_type(kind: object) -> Check | None:
    if kind is None:
        return None
    names = [kind] if isinstance(kind, str) else kind
    if not isinstance(names, list) or not names:
        raise _UnsupportedError
    checks = []
    for name in names:
        if name not in _TYPE_CHECKS:
            raise _UnsupportedError
        checks.append(_TYPE_CHECKS[name])
    if len(checks) == 1:
        return checks[0]
    if len(names) == 2 and "null" in names:  # noqa: PLR2004 - the usual ["x", "null"]
        other = checks[1] if names[0] == "null" else checks[0]
        return lambda v: v is None or other(v)
    return lambda v: any(check(v) for check in checks)


def _compile(schema: object, *, formats: bool) -> Check:  # noqa: C901 - one keyword per branch
    """A function that returns True only for values the schema plainly accepts."""
    if schema is True or schema == {}:
        return lambda _v: True
    if schema is False:  # e.g. ``additionalProperties: false``: leave it to jsonschema
        return lambda _v: False
    if not isinstance(schema, dict):
        raise _UnsupportedError
    for key in schema:
        if key in _STRUCTURAL or key in _ANNOTATIONS:
            continue
        if key == "format" and not formats:
            continue  # formats are not asserted when format validation is off
        raise _UnsupportedError
    type_check = _compile_type(schema.get("type"))
    props = {
        name: _compile(sub, formats=formats) for name, sub in schema.get("properties", {}).items()
    }
    extra = schema.get("additionalProperties", True)
    extra_check = None if extra is True else _compile(extra, formats=formats)
    required = list(schema.get("required", []))
    items = schema.get("items")
    if items is not None and not isinstance(items, dict):
        raise _UnsupportedError
    item_check = None if items is None else _compile(items, formats=formats)

    def check(value: object) -> bool:  # noqa: C901 - a flat series of keyword checks
        if type_check is not None and not type_check(value):
            return False
        if type(value) is dict:
            for name in required:
                if name not in value:
                    return False
            for name, sub in value.items():
                prop_check = props.get(name)
                if prop_check is not None:
                    if not prop_check(sub):
                        return False
                elif extra_check is not None and not extra_check(sub):
                    return False
        elif type(value) is list and item_check is not None:
            for item in value:
                if not item_check(item):
                    return False
        return True

    return check


def compile_fast_check(schema: dict[str, t.Any], *, formats: bool) -> Check | None:
    """The fast checker of a schema, or None when the schema needs full JSON Schema.

    Args:
        schema: The stream's JSON Schema.
        formats: Whether string formats are validated (then ``format`` is unsupported).

    Returns:
        A function that returns True only for values the schema accepts, or None.
    """
    try:
        return _compile(schema, formats=formats)
    except _UnsupportedError:
        return None


class FastJSONSchemaValidator(JSONSchemaValidator):
    """The SDK's jsonschema validator, skipped for records the fast path accepts."""

    def __init__(self, schema: dict[str, t.Any], *, validate_formats: bool = False) -> None:
        """Compile the schema (and the SDK's validator, used for everything else).

        Args:
            schema: The stream's JSON Schema.
            validate_formats: Whether string formats are validated.
        """
        super().__init__(schema, validate_formats=validate_formats)
        self._fast = compile_fast_check(schema, formats=validate_formats)

    def validate(self, record: dict[str, t.Any]) -> None:
        """Accept a plainly valid record at once; let jsonschema judge any other.

        Args:
            record: The record.
        """
        if self._fast is not None and self._fast(record):
            return
        super().validate(record)
