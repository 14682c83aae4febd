"""Whautomate's ``customFields`` as typed ``cf_`` columns.

A contact's ``customFields`` is an object keyed by field name; the API lists no field
definitions, so a field's type comes from the JSON type of its values:

- a JSON string is text (digit strings such as ``"007"`` stay text, exactly);
- a JSON number is a number, ``true``/``false`` a boolean, a list an array (JSON), an object
  an object (JSON). Nothing else is guessed (no dates from numbers, no JSON inside strings).

The first time a field is seen (on the first page, read for the schema, or on a later page,
then from the next run on) its column takes the type of that value and keeps it for good:
columns are named by ``crm_core.custom_fields`` (``"Member Code"`` -> ``cf_member_code``) and
remembered in the stream's state. A later value of another JSON type is never forced into
that column: it goes to the field's column of its own type, ``<column>_<type>``
(``cf_age_string``), which the field gets in the first run that sees such a value. Until a
column exists for a value (a field or a type first seen after the schema was sent), the
value is only in the raw ``customFields`` column, which always keeps every field as sent.
"""

from __future__ import annotations

import typing as t

from crm_core.conform import scrub
from crm_core.custom_fields import KINDS, ColumnMap, name_identity

#: JSON type -> column kind.
_KIND_OF_TYPE: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),
    ((int, float), "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def json_kind(value: t.Any) -> str:  # noqa: ANN401
    """The column kind of a value: its JSON type.

    Args:
        value: The value as sent.

    Returns:
        ``string``, ``number``, ``boolean``, ``array`` or ``object``; "" for null.
    """
    for types, kind in _KIND_OF_TYPE:
        if isinstance(value, types):
            return kind
    return ""


class CustomColumns:
    """The ``cf_`` columns of the contacts, stable over runs, and how to fill them."""

    def __init__(
        self,
        *,
        reserved: t.Iterable[str],
        known: t.Mapping[str, t.Any] | None,
        sample: t.Iterable[t.Mapping[str, t.Any]],
    ) -> None:
        """Name the columns: the state's, then those of the values in a first page.

        Args:
            reserved: The stream's other columns.
            known: The column map of earlier runs (from the state), or None.
            sample: ``customFields`` objects of a first page, in order.
        """
        self.map = ColumnMap(reserved=reserved, known=known)
        for fields in sample:
            for name, value in fields.items():
                kind = json_kind(value)
                if kind:
                    self.map.column_for(name_identity(name), name, kind)
        #: Every column in this run's schema.
        self.in_schema = frozenset(self.map.schema_properties())
        #: Fields (or types of fields) first seen after the schema was sent.
        self.late: set[tuple[str, str]] = set()

    def schema_properties(self) -> dict[str, dict[str, t.Any]]:
        """The typed columns of this run's schema.

        Returns:
            Column name -> JSON schema.
        """
        return {column: dict(KINDS[kind]) for column, kind in self._held()}

    def _held(self) -> list[tuple[str, str]]:
        return [
            (held["column"], held["type"])
            for entry in self.map.columns.values()
            for held in entry["columns"]
            if held["column"] in self.in_schema
        ]

    def column_of(self, name: str, kind: str) -> str | None:
        """The column holding a field's values of a kind, if it is in this run's schema.

        Args:
            name: The field's name.
            kind: The value's kind.

        Returns:
            The column, or None.
        """
        entry = self.map.columns.get(name_identity(name))
        for held in entry["columns"] if entry else []:
            if held["type"] == kind and held["column"] in self.in_schema:
                return str(held["column"])
        return None

    def flatten(self, fields: t.Any) -> dict[str, t.Any]:  # noqa: ANN401
        """The typed columns of one contact's ``customFields``.

        Args:
            fields: The raw ``customFields`` (anything but an object gives no columns).

        Returns:
            Column -> value.
        """
        out: dict[str, t.Any] = {}
        if not isinstance(fields, dict):
            return out
        for name, value in fields.items():
            kind = json_kind(value)
            if not kind or not isinstance(name, str):
                continue
            column = self.column_of(name, kind)
            if column is None:
                if (name, kind) not in self.late:
                    self.late.add((name, kind))
                    self.map.column_for(name_identity(name), name, kind)
                continue
            out[column] = scrub(value)
        return out
