"""ActiveCampaign's custom fields as typed ``cf_`` columns on contacts, deals and accounts.

Definitions come from ``/fields`` (contacts: ``type``, ``title``), ``/dealCustomFieldMeta``
and ``/accountCustomFieldMeta`` (``fieldType``, ``fieldLabel``). A field's column follows
``crm_core.custom_fields`` (``cf_`` + its name in snake case, kept for good in the state);
its identity is its id, so a renamed field keeps its column. Kinds:

| ActiveCampaign type                         | column                                        |
|---------------------------------------------|-----------------------------------------------|
| text, textarea, hidden, dropdown, radio     | text (a lone ``||a||`` unwrapped to ``a``)    |
| multiselect, checkbox, listbox              | array of texts (``||a||b||`` or a JSON list)  |
| date                                        | date                                          |
| datetime                                    | date-time (as sent, with its offset)          |
| number                                      | number                                        |
| currency                                    | number in units (the API keeps cents: /100)   |

A value that does not fit its column leaves it null (counted for a warning); the long table
(``field_values``, ``deal_custom_field_data``, ``account_custom_field_data``) keeps every
value as sent.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t
from decimal import Decimal, InvalidOperation

from crm_core.conform import InvalidValueError, scrub
from crm_core.custom_fields import ColumnMap

KIND_OF_TYPE: dict[str, str] = {
    "text": "string",
    "textarea": "string",
    "hidden": "string",
    "dropdown": "string",
    "radio": "string",
    "multiselect": "array",
    "checkbox": "array",
    "listbox": "array",
    "date": "date",
    "datetime": "date-time",
    "number": "number",
    "currency": "currency",
}
#: The JSON schema of each kind (currency is a number column).
SCHEMAS: dict[str, dict[str, t.Any]] = {
    "string": {"type": ["string", "null"]},
    "array": {"type": ["array", "null"], "items": {"type": ["string", "null"]}},
    "date": {"type": ["string", "null"], "format": "date"},
    "date-time": {"type": ["string", "null"], "format": "date-time"},
    "number": {"type": ["number", "null"]},
    "currency": {"type": ["number", "null"]},
}
_LONE = re.compile(r"^\|\|([^|]*)\|\|$")
_NUMBER = re.compile(r"^\s*-?(\d+\.?\d*|\.\d+)\s*$")


def kind_of(field_type: t.Any) -> str:  # noqa: ANN401
    """The column kind of an ActiveCampaign field type (unknown types are text).

    Args:
        field_type: The definition's ``type`` or ``fieldType``.

    Returns:
        The kind.
    """
    return KIND_OF_TYPE.get(str(field_type or "").strip().lower(), "string")


def split_values(value: t.Any) -> list[str]:  # noqa: ANN401
    """The values of a multi-value field: ``||a||b||``, a JSON list, or one value.

    Args:
        value: As sent.

    Returns:
        The values, in order.
    """
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    text = str(value)
    if text.startswith("||") and text.endswith("||"):
        return [part for part in text[2:-2].split("||") if part != ""]
    return [text]


def _number(value: t.Any) -> Decimal:  # noqa: ANN401
    if isinstance(value, bool):
        raise InvalidValueError(value)
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str) and _NUMBER.match(value):
        try:
            return Decimal(value.strip())
        except InvalidOperation as exc:
            raise InvalidValueError(value) from exc
    raise InvalidValueError(value)


def _as_json_number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def parse(kind: str, value: t.Any) -> t.Any:  # noqa: ANN401, PLR0911
    """A custom field's value as its column's kind.

    Args:
        kind: The kind (``kind_of``).
        value: As sent.

    Returns:
        The typed value (None for no value).

    Raises:
        InvalidValueError: When the value does not fit.
    """
    if value is None or (value == "" and kind != "string"):
        return None
    if kind == "array":
        return split_values(value)
    if kind == "number":
        return _as_json_number(_number(value))
    if kind == "currency":
        return _as_json_number(_number(value) / 100)
    if kind in {"date", "date-time"}:
        text = str(value).strip()
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise InvalidValueError(value) from exc
        if kind == "date":
            return when.date().isoformat()
        return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, list):
        return "||".join(str(v) for v in value)
    text = str(value)
    lone = _LONE.match(text)
    return lone.group(1) if lone else text


class FieldColumns:
    """The custom columns of one stream, and how to fill them from field values."""

    def __init__(
        self,
        *,
        reserved: t.Iterable[str],
        known: t.Mapping[str, t.Any] | None,
        definitions: t.Iterable[tuple[str, str, str]],
    ) -> None:
        """Name a column for every defined field (the state's names kept).

        Args:
            reserved: The stream's other columns.
            known: The column map of earlier runs (from the state), or None.
            definitions: ``(field id, name, ActiveCampaign type)`` of each field.
        """
        self.map = ColumnMap(
            reserved=reserved,
            known=known,
            schema_of=lambda kind: SCHEMAS.get(kind, SCHEMAS["string"]),
        )
        for field_id, name, field_type in definitions:
            self.map.column_for(
                identity(field_id), name or f"field {field_id}", kind_of(field_type)
            )
        #: identity -> (column, kind) of this run's schema.
        self.columns = self.map.remembered()

    def schema_properties(self) -> dict[str, dict[str, t.Any]]:
        """Every column any field ever held.

        Returns:
            Column name -> JSON schema.
        """
        return self.map.schema_properties()

    def flatten(
        self, values: t.Iterable[tuple[str, t.Any]], counter: dict[str, int], stream: str
    ) -> dict[str, t.Any]:
        """The typed columns of one record.

        Args:
            values: ``(field id, value)`` pairs of the record.
            counter: Where values that did not fit are counted.
            stream: The stream name, for the counter.

        Returns:
            Column -> typed value (every column of the schema, null when not set).
        """
        out: dict[str, t.Any] = dict.fromkeys(self.schema_properties())
        for field_id, value in values:
            found = self.columns.get(identity(field_id))
            if found is None:
                continue
            column, kind = found
            try:
                out[column] = scrub(parse(kind, value))
            except InvalidValueError:
                key = f"{stream}.{column}"
                counter[key] = counter.get(key, 0) + 1
        return out


def identity(field_id: t.Any) -> str:  # noqa: ANN401
    """A field's identity: its id (a renamed field keeps its column).

    Args:
        field_id: The field's id.

    Returns:
        ``id:<id>``.
    """
    return f"id:{field_id}"
