"""Agile CRM's ``properties`` and deals' ``custom_data`` as typed columns.

Contacts and companies carry ``properties``: ``[{type: SYSTEM|CUSTOM, name, value, subtype}]``.
A documented SYSTEM property gets a column of its own name (``<name>_property`` when the
record already has a key of that name); the SYSTEM ``address`` holds JSON inside a string
and becomes an object. A CUSTOM field gets a ``cf_`` column (``crm_core.custom_fields``).
Deals carry ``custom_data``: ``[{name, value}]``, each a custom field the same way.

Agile CRM's API lists no field definitions, so a custom field's type comes from its values
(``crm_core.custom_fields.kind_of_value``): the values of the first page read for the schema,
then the type the state remembers. A field first seen after the schema was sent has no
column in this run; its values stay in the raw ``properties``/``custom_data`` column and the
next run gives it one. A value that does not fit its column leaves the column null (counted
for a warning); the raw column always keeps every value as sent.
"""

from __future__ import annotations

import typing as t

from crm_core.conform import InvalidValueError, scrub
from crm_core.custom_fields import (
    KINDS,
    ColumnMap,
    kind_of_value,
    kind_of_values,
    name_identity,
    parse_value,
)

#: The documented SYSTEM properties of each entity, and their kinds.
SYSTEM_FIELDS: dict[str, dict[str, str]] = {
    "contacts": {
        "first_name": "string",
        "last_name": "string",
        "email": "string",
        "phone": "string",
        "company": "string",
        "title": "string",
        "website": "string",
        "address": "object",
        "image": "string",
    },
    "companies": {
        "name": "string",
        "name_lower": "string",
        "url": "string",
        "email": "string",
        "phone": "string",
        "website": "string",
        "address": "object",
    },
    "deals": {},
}


class FieldColumns:
    """The SYSTEM and custom columns of one stream, and how to fill them from a record."""

    def __init__(
        self,
        entity: str,
        *,
        record_keys: t.Iterable[str],
        known: t.Mapping[str, t.Any] | None,
        sample: t.Iterable[tuple[str, t.Any]],
    ) -> None:
        """Name the columns: SYSTEM fields, the state's custom columns, the sample's fields.

        Args:
            entity: contacts, companies or deals.
            record_keys: The stream's record columns (SYSTEM columns avoid them).
            known: The custom columns of earlier runs (from the state), or None.
            sample: ``(name, value)`` of custom fields seen in a first page.
        """
        keys = set(record_keys)
        self.system = {
            name: (name if name not in keys else f"{name}_property", kind)
            for name, kind in SYSTEM_FIELDS.get(entity, {}).items()
        }
        reserved = keys | {column for column, _ in self.system.values()}
        self.map = ColumnMap(reserved=reserved, known=known)
        seen: dict[str, list[t.Any]] = {}
        for name, value in sample:
            seen.setdefault(name, []).append(value)
        for name, values in seen.items():
            self.map.column_for(name_identity(name), name, kind_of_values(values))
        #: identity -> (column, kind): what this run's schema has.
        self.custom = self.map.remembered()
        #: Custom fields first seen after the schema was sent (named for the next run).
        self.late: set[str] = set()

    def schema_properties(self) -> dict[str, dict[str, t.Any]]:
        """The typed columns.

        Returns:
            Column name -> JSON schema.
        """
        out = {column: dict(KINDS[kind]) for column, kind in self.system.values()}
        out.update(self.map.schema_properties())
        return out

    def flatten(
        self,
        system: t.Iterable[tuple[str, t.Any]],
        custom: t.Iterable[tuple[str, t.Any]],
        counter: dict[str, int],
        stream: str,
    ) -> dict[str, t.Any]:
        """The typed columns of one record (the first value of a repeated property).

        Args:
            system: ``(name, value)`` of its SYSTEM properties.
            custom: ``(name, value)`` of its custom fields.
            counter: Where values that did not fit are counted.
            stream: The stream name, for the counter.

        Returns:
            Column -> typed value.
        """
        out: dict[str, t.Any] = {}
        for name, value in system:
            found = self.system.get(name)
            if found is not None and found[0] not in out:
                self._put(out, found, value, counter, stream)
        for name, value in custom:
            ident = name_identity(name)
            found = self.custom.get(ident)
            if found is None:
                if value not in (None, "") and ident not in self.late:
                    self.late.add(ident)
                    self.map.column_for(ident, name, kind_of_value(value))
                continue
            if found[0] not in out:
                self._put(out, found, value, counter, stream)
        return out

    @staticmethod
    def _put(
        out: dict[str, t.Any],
        found: tuple[str, str],
        value: t.Any,  # noqa: ANN401
        counter: dict[str, int],
        stream: str,
    ) -> None:
        column, kind = found
        try:
            out[column] = scrub(parse_value(kind, value))
        except InvalidValueError:
            out[column] = None
            key = f"{stream}.{column}"
            counter[key] = counter.get(key, 0) + 1


def properties_of(
    record: t.Mapping[str, t.Any],
) -> tuple[list[tuple[str, t.Any]], list[tuple[str, t.Any]]]:
    """The SYSTEM and CUSTOM ``(name, value)`` pairs of a contact or company.

    Args:
        record: The raw record.

    Returns:
        SYSTEM pairs, CUSTOM pairs.
    """
    system: list[tuple[str, t.Any]] = []
    custom: list[tuple[str, t.Any]] = []
    raw = record.get("properties")
    for prop in raw if isinstance(raw, list) else []:
        if not isinstance(prop, dict) or not isinstance(prop.get("name"), str):
            continue
        pair = (prop["name"], prop.get("value"))
        (custom if str(prop.get("type", "")).upper() == "CUSTOM" else system).append(pair)
    return system, custom


def custom_data_of(record: t.Mapping[str, t.Any]) -> list[tuple[str, t.Any]]:
    """The ``(name, value)`` pairs of a deal's ``custom_data``.

    Args:
        record: The raw deal.

    Returns:
        The pairs.
    """
    raw = record.get("custom_data")
    return [
        (item["name"], item.get("value"))
        for item in (raw if isinstance(raw, list) else [])
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    ]
