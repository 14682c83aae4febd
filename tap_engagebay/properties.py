"""EngageBay ``properties`` arrays as typed columns.

A record with properties carries ``[{name, value, field_type, type: SYSTEM|CUSTOM, subtype}]``,
every value a string. Each becomes a column:

Column names (stable, collision-free, valid identifiers of at most 63 bytes):
- a SYSTEM property keeps its API name (``last_name``, ``phone``); if a record key of the
  stream already has that name, the column is ``<name>_property`` (contacts: ``name_property``);
- a CUSTOM field becomes ``cf_`` + its field name folded to ASCII snake case
  (``"Deal Size"`` -> ``cf_deal_size``, ``"Café ☕"`` -> ``cf_cafe``); a name that folds to
  nothing becomes ``cf_field_<hash>``;
- when two custom fields fold to the same name, the one created first (by ``created_time``,
  then ``id``) keeps it and the others get ``_<6 hex of the SHA-1 of their exact name>``;
- a name longer than 63 bytes is cut to 54 characters plus ``_<8 hex>`` of its exact name.
Those rules name the columns of a first run. After that a custom field keeps its column for
good: the map remembers ``field id -> columns`` (``custom_columns``, kept in the stream's
state) and only ever adds to it. A renamed field keeps its column; a deleted field's column
name is never given to another field; a new field gets the next name the rules give that no
field ever held. A field whose type changes to one with another column type (NUMBER -> TEXT)
gets a new column ``<its column>_<new type>`` (with a warning) and its old column keeps its
type; changed back, it returns to its old column.
When a property occurs more than once (``email`` with subtypes primary and secondary), the
column holds the first occurrence; all of them stay in the raw ``properties`` column.

Types by field_type: NUMBER, CURRENCY -> number; CHECKBOX -> boolean; MULTICHECKBOX -> array of
strings (split on commas); DATE -> date, read in the account's date format (``date_format``
setting) or as epoch seconds/milliseconds; FILE -> array (the JSON inside the string); the
SYSTEM ``address`` -> object (the JSON inside the string; plain text becomes
``{"address": text}``); TEXT, TEXTAREA, URL, PHONE, LIST and any other type -> string.

A value that does not parse (``"n/a"`` in a NUMBER) leaves its column null, is counted for a
warning, and keeps its raw value in ``properties``. A property no definition describes (a
field deleted since, or one created after discovery) is counted, and kept in ``properties``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import typing as t
import unicodedata
from dataclasses import dataclass

import msgspec

from crm_core.custom_fields import ColumnsStateError, read_columns_state

MAX_IDENTIFIER_BYTES = 63
RAW_PROPERTIES = "properties"

# Digits with optional thousands commas, a decimal part and an exponent: "1,234.50", "-3e2".
_NUMBER_RE = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?")
_NUMERIC = {"NUMBER", "CURRENCY", "DECIMAL", "FORMULA"}
_JSON_TEXT_SYSTEM = {"address"}
_DIGIT_RE = re.compile(r"\d")
_decode = msgspec.json.decode
#: Distinct DATE texts remembered per account format (dates repeat: birthdays, renewals...).
_DATE_CACHE_SIZE = 10_000
#: Property (name, type) pairs whose column is remembered.
_LOOKUPS_REMEMBERED = 10_000

#: The SYSTEM properties each entity documents (name -> field_type used for typing).
SYSTEM_FIELDS: dict[str, dict[str, str]] = {
    "CONTACT": {
        "name": "TEXT",
        "last_name": "TEXT",
        "email": "TEXT",
        "role": "TEXT",
        "phone": "PHONE",
        "website": "URL",
        "address": "JSON",
        "country": "TEXT",
    },
    "COMPANY": {
        "name": "TEXT",
        "url": "URL",
        "email": "TEXT",
        "phone": "PHONE",
        "website": "URL",
        "address": "JSON",
    },
    "DEAL": {},
    "TICKET": {},
}


def _hash(text: str, length: int) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]  # noqa: S324 - a name, not a secret


def fold(name: str) -> str:
    """Fold a field name to ASCII snake case.

    Args:
        name: The name as EngageBay shows it.

    Returns:
        Lower-case letters, digits and single underscores, possibly empty.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def fit_identifier(column: str, exact: str) -> str:
    """Cut a column name to 63 bytes, keeping it unique with a hash of the exact name.

    Args:
        column: The folded column name.
        exact: The exact field name it came from.

    Returns:
        A name of at most 63 bytes.
    """
    if len(column.encode("utf-8")) <= MAX_IDENTIFIER_BYTES:
        return column
    return f"{column[:54].rstrip('_')}_{_hash(exact, 8)}"


@dataclass(frozen=True, slots=True)
class Field:
    """One property as a column."""

    column: str
    name: str
    kind: str  # SYSTEM or CUSTOM
    field_type: str
    identity: str = ""  # CUSTOM: the definition's id (``name:<exact name>`` without one)

    @property
    def json_schema(self) -> dict[str, t.Any]:  # noqa: PLR0911
        """The column's JSON schema."""
        ftype = self.field_type.upper()
        if ftype in _NUMERIC:
            return {"type": ["number", "null"]}
        if ftype == "CHECKBOX":
            return {"type": ["boolean", "null"]}
        if ftype == "MULTICHECKBOX":
            return {"type": ["array", "null"], "items": {"type": "string"}}
        if ftype == "DATE":
            return {"type": ["string", "null"], "format": "date"}
        if ftype == "FILE":
            return {"type": ["array", "null"]}  # JSON: the items are whatever the JSON holds
        if ftype == "JSON":
            return {"type": ["object", "null"], "additionalProperties": True}
        return {"type": ["string", "null"]}


class PropertyParseError(ValueError):
    """A property value that does not fit its field type."""


class DateReader:
    """Read DATE values in the account's format (EngageBay: Preferences -> Date format)."""

    _TOKENS = (("YYYY", "%Y"), ("yyyy", "%Y"), ("DD", "%d"), ("dd", "%d"), ("MM", "%m"))

    def __init__(self, account_format: str) -> None:
        """Prepare the format.

        Args:
            account_format: Like ``DD/MM/YYYY``, ``MM/DD/YYYY`` or ``yyyy-MM-dd``.
        """
        pattern = account_format.strip()
        for token, directive in self._TOKENS:
            pattern = pattern.replace(token, directive)
        self.pattern = pattern
        self._seen: dict[str, str] = {}

    def read(self, value: str) -> str:
        """Parse a DATE value.

        Args:
            value: The property value: a date in the account format, optionally followed by a
                time, an ISO date, or epoch seconds/milliseconds.

        Returns:
            The date as ``YYYY-MM-DD``.

        Raises:
            PropertyParseError: When the value is none of those.
        """
        seen = self._seen.get(value)
        if seen is None:
            seen = self._read(value)
            if len(self._seen) < _DATE_CACHE_SIZE:
                self._seen[value] = seen
        return seen

    def _read(self, value: str) -> str:
        text = value.strip()
        if text.isdigit():
            number = int(text)
            seconds = number / 1000 if number > 100_000_000_000 else number  # noqa: PLR2004
            try:
                return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date().isoformat()
            except (OverflowError, OSError, ValueError) as exc:
                raise PropertyParseError(value) from exc
        head = re.split(r"[ T]", text, maxsplit=1)[0]
        for pattern in (self.pattern, "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(head, pattern).date().isoformat()  # noqa: DTZ007
            except ValueError:
                continue
        raise PropertyParseError(value)


class PropertyMap:
    """The columns of one entity's properties, and how to fill them from a record."""

    def __init__(
        self,
        entity: str,
        *,
        record_keys: t.Iterable[str],
        custom_definitions: t.Iterable[t.Mapping[str, t.Any]],
        date_format: str = "DD/MM/YYYY",
        known_columns: t.Mapping[str, t.Any] | None = None,
    ) -> None:
        """Build the map from the documented SYSTEM fields and the account's custom fields.

        Args:
            entity: CONTACT, COMPANY, DEAL or TICKET.
            record_keys: Top-level keys of the stream's records (collisions are avoided).
            custom_definitions: What ``/customfields/list/{entity}`` returned.
            date_format: The account's date format.
            known_columns: The columns custom fields were given before (``custom_columns``
                of an earlier run, checked by ``read_custom_columns``); None names them afresh.
        """
        taken = set(record_keys) | {RAW_PROPERTIES}
        self.dates = DateReader(date_format)
        self.system: dict[str, Field] = {}
        for name, ftype in SYSTEM_FIELDS.get(entity, {}).items():
            column = name if name not in taken else f"{name}_property"
            self.system[name] = Field(column, name, "SYSTEM", ftype)
        taken |= {f.column for f in self.system.values()}
        #: Every custom field's columns, ever: what ``custom_columns`` keeps between runs.
        self.custom_columns: dict[str, dict[str, t.Any]] = {
            identity: {
                "name": entry.get("name", ""),
                "columns": [dict(c) for c in entry["columns"]],
            }
            for identity, entry in (known_columns or {}).items()
        }
        taken |= {c["column"] for e in self.custom_columns.values() for c in e["columns"]}
        #: Changes worth a warning (a field whose column type changed).
        self.notes: list[str] = []
        self.custom: dict[str, Field] = {}
        self.by_identity: dict[str, Field] = {}
        self._custom_folded: dict[str, Field] = {}
        #: ``lookup``'s answers by the property's (name, type), as sent: how to fill the column.
        self._found: dict[tuple[t.Any, t.Any], _Slot | None] = {}
        ordered = sorted(
            (d for d in custom_definitions if isinstance(d, t.Mapping)),
            key=lambda d: (_int_or_zero(d.get("created_time")), _int_or_zero(d.get("id"))),
        )
        for definition in ordered:
            names = [
                str(definition[k])
                for k in ("field_name", "field_label", "field_label_case_sensitive")
                if definition.get(k)
            ]
            if not names:
                continue
            exact = names[0]
            ident = identity_of(definition, exact)
            ftype = str(definition.get("field_type") or "TEXT")
            column = self._column_of(ident, exact, ftype, taken)
            field = Field(column, exact, "CUSTOM", ftype, ident)
            self.by_identity.setdefault(ident, field)
            for name in names:
                self.custom.setdefault(name, field)
                self._custom_folded.setdefault(fold(name), field)

    def _column_of(self, identity: str, exact: str, field_type: str, taken: set[str]) -> str:
        """The column of a custom field: the one it had, or a name no field ever held.

        Args:
            identity: The field's identity.
            exact: Its name now.
            field_type: Its type now.
            taken: Every column name in use or ever held (updated).

        Returns:
            The column.
        """
        kind = Field("", exact, "CUSTOM", field_type).json_schema
        entry = self.custom_columns.get(identity)
        if entry is None:
            base = fold(exact)
            column = _free_name(
                f"cf_{base}" if base else f"cf_field_{_hash(exact, 8)}", exact, identity, taken
            )
            self.custom_columns[identity] = {
                "name": exact,
                "columns": [{"column": column, "type": field_type}],
            }
            return column
        entry["name"] = exact
        columns: list[dict[str, str]] = entry["columns"]
        for held in columns:
            if Field("", exact, "CUSTOM", held["type"]).json_schema == kind:
                held["type"] = field_type
                return held["column"]
        first = columns[0]["column"]
        column = _free_name(f"{first}_{fold(field_type) or 'text'}", exact, identity, taken)
        earlier = ", ".join(f"{c['column']} ({c['type']})" for c in columns)
        self.notes.append(
            f"custom field {exact!r} (id {identity}) is now {field_type}: its values go to a "
            f"new column {column}; {earlier} keep their type and earlier values"
        )
        columns.append({"column": column, "type": field_type})
        return column

    @property
    def fields(self) -> list[Field]:
        """Every column, SYSTEM first, each once."""
        seen: dict[str, Field] = {}
        for field in [*self.system.values(), *self.custom.values()]:
            seen.setdefault(field.column, field)
        return list(seen.values())

    def schema_properties(self) -> dict[str, dict[str, t.Any]]:
        """JSON schema of the property columns."""
        return {field.column: field.json_schema for field in self.fields}

    def lookup(self, prop: t.Mapping[str, t.Any]) -> Field | None:
        """Find the column of one property.

        Args:
            prop: One item of a ``properties`` array.

        Returns:
            Its field, or None when no definition describes it.
        """
        name = str(prop.get("name") or "")
        kind = str(prop.get("type") or "").upper()
        if kind != "CUSTOM" and name in self.system:
            return self.system[name]
        if kind != "SYSTEM":
            return self.custom.get(name) or self._custom_folded.get(fold(name))
        return None

    def _slot(self, prop: t.Mapping[str, t.Any]) -> _Slot | None:
        """``lookup`` and how to fill the column, from memory for a (name, type) seen before."""
        key = (prop.get("name"), prop.get("type"))
        try:
            return self._found[key]
        except KeyError:
            found = self._new_slot(prop)
            if len(self._found) >= _LOOKUPS_REMEMBERED:
                self._found.clear()
            self._found[key] = found
            return found
        except TypeError:  # a name or type that is not hashable (a list...)
            return self._new_slot(prop)

    def _new_slot(self, prop: t.Mapping[str, t.Any]) -> _Slot | None:
        field = self.lookup(prop)
        if field is None:
            return None
        parse = self.parser(field)
        if parse is _text:
            return (field.column, None, None, field)
        # Numbers, booleans and dates are immutable: each distinct text is read once.
        memo: dict[str, t.Any] | None = {} if field.field_type.upper() in _MEMO_TYPES else None
        return (field.column, parse, memo, field)

    def parse(self, field: Field, value: t.Any) -> t.Any:  # noqa: ANN401
        """Turn a property's string value into its column's type.

        Args:
            field: The column.
            value: The raw value (a string, by the API's contract).

        Returns:
            The typed value, or None for an empty value.
        """
        return self.parser(field)(value)

    def parser(self, field: Field) -> Parser:  # noqa: PLR0911
        """The function that types one field's values (chosen once per field, not per value).

        Args:
            field: The column.

        Returns:
            A function from a raw value to the typed value (None for an empty value); it
            raises ``PropertyParseError`` when the value does not parse.
        """
        ftype = field.field_type.upper()
        if ftype in _NUMERIC:
            return functools.partial(_parsed, _number)
        if ftype == "CHECKBOX":
            return functools.partial(_parsed, _checkbox)
        if ftype == "MULTICHECKBOX":
            return functools.partial(_parsed, _multi, strip=False)
        if ftype == "DATE":
            return functools.partial(_parsed, self.dates.read)
        if ftype == "FILE":
            return functools.partial(_parsed, _file)
        if ftype == "JSON" or field.name in _JSON_TEXT_SYSTEM:
            return functools.partial(_parsed, _json_object, strip=False)
        return _text

    def flatten(  # noqa: C901, PLR0912 - one loop per property, kept inline
        self,
        properties: t.Any,  # noqa: ANN401
        *,
        counter: dict[str, int] | None = None,
        stream: str = "",
    ) -> tuple[dict[str, t.Any], list[t.Any]]:
        """Spread a properties array into typed columns.

        Args:
            properties: The record's ``properties`` value.
            counter: Where to count unknown properties and values that did not parse.
            stream: The stream name, for the counter keys.

        Returns:
            The typed columns, and the properties that did not land cleanly in a column.
        """
        columns: dict[str, t.Any] = {}
        leftovers: list[t.Any] = []
        if not isinstance(properties, list):
            return columns, ([] if properties in (None, "") else [properties])
        remembered = self._found
        for prop in properties:
            if type(prop) is not dict and not isinstance(prop, t.Mapping):
                leftovers.append(prop)
                _count(counter, f"{stream}.properties[unreadable]")
                continue
            try:
                slot = remembered[prop.get("name"), prop.get("type")]
            except (KeyError, TypeError):
                slot = self._slot(prop)
            if slot is None:
                leftovers.append(prop)
                _count(counter, f"{stream}.properties[unknown:{prop.get('name')}]")
                continue
            column, parse, memo, field = slot
            if column in columns:
                leftovers.append(prop)  # a second email/phone/website: kept raw
                continue
            value = prop.get("value")
            if parse is None:  # text kept as sent, None when blank
                if type(value) is str:
                    columns[column] = value if value and not value.isspace() else None
                else:
                    columns[column] = _text(value)
                continue
            if memo is not None and type(value) is str:
                typed = memo.get(value, _NOT_READ)
                if typed is _NOT_READ:
                    typed = _read_or_unparsed(parse, value)
                    if len(memo) >= _MEMO_SIZE:
                        memo.clear()
                    memo[value] = typed
            else:
                typed = _read_or_unparsed(parse, value)
            if typed is _UNPARSED:
                columns[column] = None
                leftovers.append(prop)
                _count(counter, f"{stream}.{column}[{field.field_type}]")
            else:
                columns[column] = typed
        return columns, leftovers


#: Types one property value of a known field (``PropertyMap.parser``).
Parser = t.Callable[[t.Any], t.Any]
#: How ``flatten`` fills one property's column: (column, parser or None for text kept as
#: sent, remembered results by text or None, field).
_Slot = tuple[str, Parser | None, dict[str, t.Any] | None, Field]
#: Field types whose parsed values are immutable (numbers, booleans, date texts).
_MEMO_TYPES = frozenset({*_NUMERIC, "CHECKBOX", "DATE"})
#: Distinct texts remembered per field (then forgotten all at once).
_MEMO_SIZE = 4096
_NOT_READ = object()
#: A value that did not parse (``flatten`` keeps it raw).
_UNPARSED = object()


def _read_or_unparsed(parse: Parser, value: t.Any) -> t.Any:  # noqa: ANN401
    try:
        return parse(value)
    except PropertyParseError:
        return _UNPARSED


def _text(value: t.Any) -> t.Any:  # noqa: ANN401
    """A text field's value: a string kept as sent (None when blank).

    Args:
        value: The raw value.

    Returns:
        The string, None for a blank one; anything else as text (JSON for a list or object).
    """
    if type(value) is str:
        return value if value and not value.isspace() else None
    return _parsed(lambda text: text, value, strip=False)


def _parsed(read: t.Callable[[str], t.Any], value: t.Any, *, strip: bool = True) -> t.Any:  # noqa: ANN401
    """Read a value that must be parsed: None when blank, else ``read`` of its text.

    Args:
        read: Reads the text.
        value: The raw value (a string, by the API's contract; anything else as text).
        strip: Whether ``read`` gets the text stripped of surrounding blanks.

    Returns:
        What ``read`` returns.
    """
    if value is None:
        return None
    if type(value) is not str:
        value = json.dumps(value) if isinstance(value, dict | list) else str(value)
    if not value or value.isspace():
        return None
    return read(value.strip() if strip else value)


def _number(text: str) -> int | float:
    if not _NUMBER_RE.fullmatch(text) or not _DIGIT_RE.search(text):
        raise PropertyParseError(text)
    plain = text.replace(",", "")
    # The pattern leaves only digits and a minus sign unless there is a fraction or exponent.
    return float(plain) if "." in plain or "e" in plain or "E" in plain else int(plain)


def _checkbox(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"true", "yes", "on", "1"}:
        return True
    if lowered in {"false", "no", "off", "0"}:
        return False
    raise PropertyParseError(text)


def _multi(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _json_text(text: str) -> t.Any:  # noqa: ANN401
    """``json.loads``, through msgspec when it reads the text (same result, faster)."""
    try:
        return _decode(text)
    except (msgspec.DecodeError, ValueError):
        return json.loads(text)


def _file(text: str) -> list[t.Any]:
    try:
        parsed = _json_text(text)
    except ValueError:
        return [text]
    return parsed if isinstance(parsed, list) else [parsed]


def _json_object(value: str) -> dict[str, t.Any]:
    try:
        parsed = _json_text(value.strip())
    except ValueError:
        return {"address": value}
    if isinstance(parsed, dict):
        return parsed
    raise PropertyParseError(value)


def identity_of(definition: t.Mapping[str, t.Any], exact: str) -> str:
    """What identifies a custom field across renames: its id, else its exact name.

    Args:
        definition: One custom field definition.
        exact: Its name.

    Returns:
        The id as text, or ``name:<exact name>`` when the definition has none.
    """
    field_id = definition.get("id")
    if field_id in (None, "") or isinstance(field_id, bool | dict | list):
        return f"name:{exact}"
    return str(field_id)


def _free_name(candidate: str, exact: str, identity: str, taken: set[str]) -> str:
    """The first of a field's possible column names that no column holds or held; taken.

    Args:
        candidate: The folded name the rules give.
        exact: The field's exact name.
        identity: The field's identity.
        taken: Names in use or ever held (the chosen one is added).

    Returns:
        The column name.
    """
    first = fit_identifier(candidate, exact)
    options = [
        first,
        fit_identifier(f"{first}_{_hash(exact, 6)}", exact),
        fit_identifier(f"{first}_{_hash(f'{exact}#{identity}', 6)}", f"{exact}#{identity}"),
    ]
    column = next((c for c in options if c not in taken), "")
    number = 2
    while not column:
        option = fit_identifier(f"{first}_{number}", f"{exact}#{identity}#{number}")
        column = option if option not in taken else ""
        number += 1
    taken.add(column)
    return column


#: The state's custom-column map, read and checked by the core (EngageBay's former names).
CustomColumnsError = ColumnsStateError
read_custom_columns = read_columns_state


def _count(counter: dict[str, int] | None, key: str) -> None:
    if counter is not None:
        counter[key] = counter.get(key, 0) + 1


def _int_or_zero(value: t.Any) -> int:  # noqa: ANN401
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
