"""Custom fields as typed columns: names, the mapping kept in state, value kinds and parsing.

Column names (stable, collision-free, valid identifiers of at most 63 bytes):
- ``cf_`` + the field's name folded to ASCII snake case (``"Deal Size"`` -> ``cf_deal_size``,
  ``"Café ☕"`` -> ``cf_cafe``); a name that folds to nothing becomes ``cf_field_<hash>``;
- when two fields fold to the same name, the first one named keeps it and the others get
  ``_<6 hex of the SHA-1 of their exact name>``;
- a name longer than 63 bytes is cut to 54 characters plus ``_<8 hex>`` of its exact name.
After the first run a field keeps its column for good: ``ColumnMap.columns`` (kept in the
stream's state) maps ``field identity -> name and columns`` and only ever grows. A field whose
kind changes to one with another column type gets a new column ``<its column>_<kind>``; its
old column keeps its type.

Kinds: ``string``, ``number``, ``boolean``, ``date-time``, ``date``, ``array``, ``object``.
A tap decides a field's kind from its definition where the API has one, else from its values
(``kind_of_value``).
"""

from __future__ import annotations

import hashlib
import json
import re
import typing as t
import unicodedata

from crm_core.conform import InvalidValueError, epoch_to_iso

if t.TYPE_CHECKING:
    import logging

MAX_IDENTIFIER_BYTES = 63
KINDS: dict[str, dict[str, t.Any]] = {
    "string": {"type": ["string", "null"]},
    "number": {"type": ["number", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "date-time": {"type": ["string", "null"], "format": "date-time"},
    "date": {"type": ["string", "null"], "format": "date"},
    "array": {"type": ["array", "null"]},
    "object": {"type": ["object", "null"], "additionalProperties": True},
}
_NUMBER_RE = re.compile(r"^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
#: Integers in this range are taken for epoch seconds (1973-03-03 to 2286-11-20).
EPOCH_SECONDS_RANGE = (100_000_000, 9_999_999_999)
CHECKBOX_VALUES = {"on": True, "off": False}


def _hash(text: str, length: int) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]  # noqa: S324 - a name, not a secret


def fold(name: str) -> str:
    """Fold a field name to ASCII snake case.

    Args:
        name: The name as the CRM shows it.

    Returns:
        Lower-case letters, digits and single underscores, possibly empty.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def fit_identifier(column: str, exact: str) -> str:
    """Cut a column name to 63 bytes, keeping it unique with a hash of the exact name.

    Args:
        column: The folded column name.
        exact: The exact name it came from.

    Returns:
        A name of at most 63 bytes.
    """
    if len(column.encode("utf-8")) <= MAX_IDENTIFIER_BYTES:
        return column
    return f"{column[:54].rstrip('_')}_{_hash(exact, 8)}"


def free_name(candidate: str, exact: str, identity: str, taken: set[str]) -> str:
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


#: Where a stream's state keeps its custom-field column map (``bookmarks.<stream>.custom_columns``).
CUSTOM_COLUMNS = "custom_columns"


class ColumnsStateError(ValueError):
    """A column map in the state that is not one."""


def read_columns_state(value: t.Any) -> dict[str, dict[str, t.Any]]:  # noqa: ANN401
    """Check the column map an earlier run left in the state.

    The shape: ``{identity: {"name": ..., "columns": [{"column": ..., "type": ...}, ...]}}``,
    every column a valid identifier held by one field only.

    Args:
        value: What the state holds.

    Returns:
        The map.

    Raises:
        ColumnsStateError: Saying what is wrong with it.
    """
    if not isinstance(value, dict):
        msg = f"expected an object of field identities, found {type(value).__name__}"
        raise ColumnsStateError(msg)
    seen: set[str] = set()
    for identity, entry in value.items():
        columns = entry.get("columns") if isinstance(entry, dict) else None
        if not isinstance(columns, list) or not columns:
            msg = f"field {identity}: expected a non-empty list of columns"
            raise ColumnsStateError(msg)
        for held in columns:
            column = held.get("column") if isinstance(held, dict) else None
            kind = held.get("type") if isinstance(held, dict) else None
            if not isinstance(column, str) or not isinstance(kind, str):
                msg = f"field {identity}: a column without a name and a type: {held!r}"
                raise ColumnsStateError(msg)
            if not re.fullmatch(r"[a-z0-9_]+", column) or len(column) > MAX_IDENTIFIER_BYTES:
                msg = f"field {identity}: {column!r} is not a column name"
                raise ColumnsStateError(msg)
            if column in seen:
                msg = f"column {column} is held by two fields"
                raise ColumnsStateError(msg)
            seen.add(column)
    return value


class ColumnMap:
    """Every custom field's columns, ever, for one stream: stable over runs."""

    def __init__(
        self,
        *,
        reserved: t.Iterable[str] = (),
        known: t.Mapping[str, t.Any] | None = None,
        schema_of: t.Callable[[str], dict[str, t.Any]] | None = None,
    ) -> None:
        """Start from the columns of earlier runs.

        Args:
            reserved: Column names the stream uses for other things.
            known: The map of earlier runs (checked by ``read_columns_state``), or None.
            schema_of: A kind's JSON schema (two kinds with one schema share a column);
                defaults to ``KINDS``.
        """
        self.schema_of = schema_of or (lambda kind: KINDS.get(kind, KINDS["string"]))
        self.columns: dict[str, dict[str, t.Any]] = {
            identity: {
                "name": entry.get("name", ""),
                "columns": [dict(c) for c in entry["columns"]],
            }
            for identity, entry in (known or {}).items()
        }
        self.taken = set(reserved) | {
            c["column"] for e in self.columns.values() for c in e["columns"]
        }
        #: Changes worth a warning (a field whose column type changed).
        self.notes: list[str] = []
        #: This run's column of each field: identity -> (column, kind).
        self.current: dict[str, tuple[str, str]] = {}

    def column_for(self, identity: str, exact: str, kind: str) -> str:
        """The column of a field of a kind: the one it had, or a name no field ever held.

        Args:
            identity: What identifies the field across renames (its id, or ``name:<name>``).
            exact: Its name now.
            kind: Its kind now.

        Returns:
            The column.
        """
        wanted = self.schema_of(kind)
        entry = self.columns.get(identity)
        if entry is None:
            base = fold(exact)
            column = free_name(
                f"cf_{base}" if base else f"cf_field_{_hash(exact, 8)}", exact, identity, self.taken
            )
            self.columns[identity] = {"name": exact, "columns": [{"column": column, "type": kind}]}
            self.current[identity] = (column, kind)
            return column
        entry["name"] = exact
        held_columns: list[dict[str, str]] = entry["columns"]
        for held in held_columns:
            if self.schema_of(held["type"]) == wanted:
                held["type"] = kind
                self.current[identity] = (held["column"], kind)
                return held["column"]
        first = held_columns[0]["column"]
        column = free_name(f"{first}_{fold(kind) or 'text'}", exact, identity, self.taken)
        earlier = ", ".join(f"{c['column']} ({c['type']})" for c in held_columns)
        self.notes.append(
            f"custom field {exact!r} is now {kind}: its values go to a new column {column}; "
            f"{earlier} keep their type and earlier values"
        )
        held_columns.append({"column": column, "type": kind})
        self.current[identity] = (column, kind)
        return column

    def remembered(self) -> dict[str, tuple[str, str]]:
        """Each field's latest column of earlier runs, for fields this run has not named.

        Returns:
            identity -> (column, kind).
        """
        out = {}
        for identity, entry in self.columns.items():
            held = entry["columns"][-1]
            out[identity] = (held["column"], held["type"])
        out.update(self.current)
        return out

    def schema_properties(self) -> dict[str, dict[str, t.Any]]:
        """Every column any field ever held, with its type (old columns stay in the schema).

        Returns:
            Column name -> JSON schema.
        """
        return {
            held["column"]: dict(self.schema_of(held["type"]))
            for entry in self.columns.values()
            for held in entry["columns"]
        }


def kind_of_value(value: t.Any) -> str:  # noqa: ANN401, C901, PLR0911
    """The kind of a custom field's value when no definition names its type.

    - ``true``/``false`` and the checkbox texts ``"on"``/``"off"`` -> boolean;
    - a JSON integer (not a string) in the epoch-seconds range -> date-time;
    - any other JSON number -> number;
    - a string holding a JSON array or object -> array or object;
    - every other string -> string, digit strings included (``"007"`` stays ``"007"``).

    Args:
        value: The value as sent.

    Returns:
        The kind, or "" for no value (null, empty string).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or (isinstance(value, str) and value in CHECKBOX_VALUES):
        return "boolean"
    if isinstance(value, int):
        lo, hi = EPOCH_SECONDS_RANGE
        return "date-time" if lo <= value <= hi else "number"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    text = str(value).strip()
    if text[:1] in {"[", "{"}:
        try:
            decoded = json.loads(text)
        except ValueError:
            return "string"
        if isinstance(decoded, list):
            return "array"
        if isinstance(decoded, dict):
            return "object"
    return "string"


def kind_of_values(values: t.Iterable[t.Any]) -> str:
    """One kind for several values of a field: theirs when they agree, else string.

    Args:
        values: Values seen.

    Returns:
        The kind ("string" when no value was seen).
    """
    kinds = {kind_of_value(v) for v in values} - {""}
    return kinds.pop() if len(kinds) == 1 else "string"


def parse_value(kind: str, value: t.Any) -> t.Any:  # noqa: ANN401, C901, PLR0911, PLR0912
    """Read a value as its column's kind, losslessly.

    Args:
        kind: The column's kind.
        value: The value as sent.

    Returns:
        The typed value (None for no value).

    Raises:
        InvalidValueError: When the value does not fit the kind.
    """
    if value is None or (value == "" and kind != "string"):
        return None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in CHECKBOX_VALUES:
            return CHECKBOX_VALUES[text]
        if text in {"true", "false"}:
            return text == "true"
        raise InvalidValueError(value)
    if kind == "date-time":
        return epoch_to_iso(value)
    if kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _NUMBER_RE.match(value):
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number
        raise InvalidValueError(value)
    if kind in {"array", "object"}:
        decoded = value
        if isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError as exc:
                raise InvalidValueError(value) from exc
        if isinstance(decoded, list if kind == "array" else dict):
            return decoded
        raise InvalidValueError(value)
    if kind == "date":
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def known_columns(
    stream_state: t.Mapping[str, t.Any], stream: str, logger: logging.Logger
) -> dict[str, dict[str, t.Any]] | None:
    """The column map earlier runs left in a stream's state; None if none or unreadable.

    An unreadable map gets one warning, and the stream's custom fields then get the columns a
    first run gives them.

    Args:
        stream_state: The stream's state.
        stream: The stream's name.
        logger: Where the warning goes.

    Returns:
        The checked map, or None.
    """
    known = stream_state.get(CUSTOM_COLUMNS)
    if known is None:
        return None
    try:
        return read_columns_state(known)
    except ColumnsStateError as exc:
        logger.warning(
            "%s: the state's bookmarks.%s.%s is unreadable (%s); custom fields get "
            "the columns a first run gives them",
            stream,
            stream,
            CUSTOM_COLUMNS,
            exc,
        )
        return None


def name_identity(name: str) -> str:
    """A custom field's identity where the API has no field ids: its exact name.

    Args:
        name: The field's name.

    Returns:
        ``name:<name>``.
    """
    return f"name:{name}"


class HasColumnMap(t.Protocol):
    """A tap's custom columns of one stream: anything holding its ``ColumnMap`` as ``map``."""

    map: ColumnMap


Columns = t.TypeVar("Columns", bound=HasColumnMap)


def columns_for_run(
    stream_state: dict[str, t.Any],
    stream: str,
    logger: logging.Logger,
    build: t.Callable[[dict[str, dict[str, t.Any]] | None], Columns],
) -> Columns:
    """A stream's custom columns for this run, kept in its state for the next.

    Reads the state's map (``known_columns``), builds the columns from it, warns once about
    each naming note (a clash, a changed type) and writes the map back to the state.

    Args:
        stream_state: The stream's state.
        stream: The stream's name.
        logger: Where the warnings go.
        build: Makes the tap's columns from the map of earlier runs (None: a first run).

    Returns:
        What ``build`` made.
    """
    found = build(known_columns(stream_state, stream, logger))
    for note in found.map.notes:
        logger.warning("%s: %s", stream, note)
    found.map.notes.clear()
    stream_state[CUSTOM_COLUMNS] = found.map.columns
    return found
