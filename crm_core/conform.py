"""Make raw API records fit their JSON schema without losing anything (any source).

Rules, applied to the top-level keys of every record:
- ids and other integers sent as strings (``"4503599627370497"``) become exact integers;
- epoch seconds (and, where the API uses them, milliseconds) become UTC ISO-8601 date-times;
  ``0`` means "never" and becomes null (``updated_time`` on records never updated);
- NUL characters in text are replaced by U+FFFD (PostgreSQL cannot store them);
- a value that does not fit its column's type becomes null in that column, and is kept as
  it came in ``extra_fields`` (counted, for a warning);
- keys the schema does not know are kept in ``extra_fields`` too, never dropped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import re
import typing as t

import msgspec

EXTRA_FIELDS = "extra_fields"
_INT_RE = re.compile(r"^\s*-?\d+\s*$")
_NUM_RE = re.compile(r"^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
_NUL = "\x00"
_ESCAPED_NUL = b"\\u0000"
_encode = msgspec.json.encode
_REPLACEMENT = "\ufffd"
# Epoch values beyond this (year 9999) are not times.
_MAX_EPOCH_SECONDS = 253_402_300_799
#: Keys of API records that are paging artefacts, not data.
PAGING_KEYS = frozenset({"cursor"})
#: Conversion plans remembered (one per stream schema and epoch keys; a few dozen per run).
_PLANS_REMEMBERED = 256


class InvalidValueError(ValueError):
    """A value that does not fit the type of its column."""


def has_nul(value: t.Any) -> bool:  # noqa: ANN401
    """Whether a value may hold a NUL character anywhere (keys included).

    One pass in C (msgspec's JSON encoder escapes every NUL as a backslash and ``u0000``)
    instead of a walk in Python. It can say yes for a value without NUL (a backslash followed by
    ``u0000`` in a text, or a value msgspec cannot write), never no for one with a NUL.

    Args:
        value: Any JSON value.

    Returns:
        False when there is certainly no NUL in it.
    """
    try:
        return _ESCAPED_NUL in _encode(value)
    except (TypeError, ValueError, OverflowError):
        return True


def scrub(value: t.Any) -> t.Any:  # noqa: ANN401
    """Replace NUL characters anywhere inside a value.

    Args:
        value: Any JSON value.

    Returns:
        The value with every NUL in its strings (keys included) replaced by U+FFFD (the value
        itself when it has none).
    """
    if isinstance(value, str):
        return value.replace(_NUL, _REPLACEMENT) if _NUL in value else value
    if isinstance(value, dict | list) and not has_nul(value):
        return value
    return _scrub_all(value)


def _scrub_all(value: t.Any) -> t.Any:  # noqa: ANN401
    if isinstance(value, str):
        return value.replace(_NUL, _REPLACEMENT) if _NUL in value else value
    if isinstance(value, dict):
        return {_scrub_all(k): _scrub_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_all(v) for v in value]
    return value


def epoch_to_iso(value: t.Any, *, milliseconds: bool = False) -> str | None:  # noqa: ANN401
    """Turn an epoch time into a UTC ISO-8601 string.

    Args:
        value: Seconds (or milliseconds) since 1970, as a number or a digit string.
        milliseconds: True when the value is in milliseconds.

    Returns:
        The ISO string, or None for 0, null and the empty string.

    Raises:
        InvalidValueError: When the value is not an epoch time.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        raise InvalidValueError(value)
    if value is None or value in {"", 0, "0"}:
        return None
    if isinstance(value, str):
        if not _NUM_RE.match(value):
            raise InvalidValueError(value)
        value = float(value)
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidValueError(value)
    seconds = value / 1000 if milliseconds else value
    if not 0 < seconds <= _MAX_EPOCH_SECONDS:
        raise InvalidValueError(value)
    when = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return when.isoformat(timespec="milliseconds" if milliseconds else "seconds")


_NON_NULL_TYPES: dict[t.Any, frozenset[str]] = {}


def _types(spec: t.Mapping[str, t.Any]) -> frozenset[str]:
    """The types a property allows besides null (remembered per distinct ``type``)."""
    kind = spec.get("type")
    key = tuple(kind) if isinstance(kind, list) else kind
    try:
        found = _NON_NULL_TYPES.get(key)
    except TypeError:  # a ``type`` that is not a name or a list of names
        found = None
    if found is None:
        named = set() if kind is None else {kind} if isinstance(kind, str) else set(kind)
        found = frozenset(named - {"null"})
        with contextlib.suppress(TypeError):
            _NON_NULL_TYPES.setdefault(key, found)
    return found


def coerce(value: t.Any, spec: t.Mapping[str, t.Any]) -> t.Any:  # noqa: ANN401, C901, PLR0911, PLR0912
    """Fit one value to a JSON-schema type, losslessly.

    Args:
        value: The value as sent.
        spec: The property's JSON schema.

    Returns:
        The value in the declared type.

    Raises:
        InvalidValueError: When no lossless conversion exists.
    """
    if value is None:
        return None
    types = _types(spec)
    if not types:
        return value
    if "integer" in types:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INT_RE.match(value):
            return int(value)
        if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
            return int(value)
    if "number" in types:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                raise InvalidValueError(value)
            return value
        if isinstance(value, str) and _NUM_RE.match(value):
            number = float(value)
            return int(number) if _INT_RE.match(value) else number
    if "boolean" in types:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
        if isinstance(value, int) and value in {0, 1}:
            return bool(value)
    if "object" in types and isinstance(value, dict):
        return value
    if "array" in types and isinstance(value, list):
        return value
    if "string" in types:
        if isinstance(value, str):
            if spec.get("format") in {"date-time", "date"} and not value:
                return None
            return value
        if spec.get("format") is None:
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, int | float):
                return str(value)
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    raise InvalidValueError(value)


def _unchanged(spec: t.Mapping[str, t.Any]) -> frozenset[type]:
    """The Python types whose every value ``coerce`` returns as it is, for this property.

    The plan passes those values through without a call; every other value goes to
    ``coerce``, so the result is always exactly ``coerce``'s.

    Args:
        spec: The property's JSON schema.

    Returns:
        Types (``NoneType`` always: null stays null).
    """
    types = _types(spec)
    if not types:
        return frozenset()  # no type: ``coerce`` returns anything as it is (all are fast)
    fast: set[type] = {type(None)}
    if types & {"integer", "number"}:
        fast.add(int)
    if "boolean" in types:
        fast.add(bool)
    if "object" in types:
        fast.add(dict)
    if "array" in types:
        fast.add(list)
    text_only = not types & {"integer", "number", "boolean"}
    if "string" in types and text_only and spec.get("format") not in {"date-time", "date"}:
        fast.add(str)
    return frozenset(fast)


_PASS_ALL = 0
_COERCE = 1
_SECONDS = 2
_MILLIS = 3
_DROP = 4
#: Every type a decoded JSON value has: what a column without a type passes as it is.
_JSON_TYPES = frozenset({type(None), bool, int, float, str, list, dict})


class _Plan(t.NamedTuple):
    """How each column of one schema is filled: built once, used for every record."""

    schema: t.Mapping[str, t.Any]
    size: int
    #: key -> (types passed as they are, what else to do, the property's schema)
    columns: dict[str, tuple[frozenset[type], int, t.Mapping[str, t.Any]]]


_PLANS: dict[tuple[int, tuple[str, ...], tuple[str, ...], frozenset[str]], _Plan] = {}


def _plan(
    schema: t.Mapping[str, t.Any],
    seconds: tuple[str, ...],
    millis: tuple[str, ...],
    paging: frozenset[str],
) -> _Plan:
    """The conversion plan of a schema (remembered while the schema object lives unchanged).

    Args:
        schema: The stream's JSON schema.
        seconds: Keys holding epoch seconds.
        millis: Keys holding epoch milliseconds.
        paging: Keys dropped (paging artefacts), whether the schema has them or not.

    Returns:
        The plan.
    """
    props: t.Mapping[str, t.Any] = schema.get("properties", {})
    key = (id(schema), seconds, millis, paging)
    plan = _PLANS.get(key)
    if plan is not None and plan.schema is schema and plan.size == len(props):
        return plan
    columns: dict[str, tuple[frozenset[type], int, t.Mapping[str, t.Any]]] = {}
    for name, spec in props.items():
        if name == EXTRA_FIELDS:
            continue
        if not isinstance(spec, t.Mapping):
            columns[name] = (_JSON_TYPES, _PASS_ALL, {})
        elif name in millis:
            columns[name] = (frozenset({type(None)}), _MILLIS, spec)
        elif name in seconds:
            columns[name] = (frozenset({type(None)}), _SECONDS, spec)
        elif not _types(spec):
            columns[name] = (_JSON_TYPES, _PASS_ALL, spec)
        else:
            columns[name] = (_unchanged(spec), _COERCE, spec)
    for name in paging:
        columns[name] = (frozenset(), _DROP, {})
    if len(_PLANS) >= _PLANS_REMEMBERED:
        _PLANS.clear()
    plan = _PLANS[key] = _Plan(schema, len(props), columns)
    return plan


_DAY_SECONDS = 86_400
_EPOCH_DAY = dt.date(1970, 1, 1)
#: ISO dates of epoch days seen (records of a run share few days); forgotten all at once.
_DATES: dict[int, str] = {}
_DATES_REMEMBERED = 4096


def _iso_of_seconds(value: int) -> str:
    """``epoch_to_iso`` of a whole number of seconds in range, without a datetime.

    Args:
        value: Seconds since 1970, ``0 < value <= _MAX_EPOCH_SECONDS``.

    Returns:
        What ``epoch_to_iso`` returns for it (``YYYY-MM-DDTHH:MM:SS+00:00``).
    """
    days, rest = divmod(value, _DAY_SECONDS)
    date = _DATES.get(days)
    if date is None:
        date = (_EPOCH_DAY + dt.timedelta(days=days)).isoformat()
        if len(_DATES) >= _DATES_REMEMBERED:
            _DATES.clear()
        _DATES[days] = date
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{date}T{hours:02d}:{minutes:02d}:{seconds:02d}+00:00"


def _scrubbed_items(row: t.Mapping[str, t.Any]) -> t.Iterator[tuple[t.Any, t.Any]]:
    for key, value in row.items():
        yield scrub(key), scrub(value)


def conform_record(  # noqa: C901, PLR0912, PLR0913 - one loop per record, kept inline
    row: t.Mapping[str, t.Any],
    schema: t.Mapping[str, t.Any],
    *,
    seconds_fields: t.Iterable[str] = (),
    ms_fields: t.Iterable[str] = (),
    counter: dict[str, int] | None = None,
    stream: str = "",
    paging_keys: t.AbstractSet[str] = PAGING_KEYS,
) -> dict[str, t.Any]:
    """Fit a record to its schema; what does not fit goes to ``extra_fields``.

    The schema's conversions are planned once (per schema object, epoch keys and paging keys)
    and reused for every record; a value whose Python type its column takes as it is costs no
    call, and a whole number of epoch seconds is written without building a datetime.

    Args:
        row: The record (already flattened, for streams with properties).
        schema: The stream's JSON schema.
        seconds_fields: Keys holding epoch seconds.
        ms_fields: Keys holding epoch milliseconds.
        counter: Where to count values that did not fit (``stream.key`` -> n).
        stream: The stream name, for the counter keys.
        paging_keys: Keys that are paging artefacts (dropped).

    Returns:
        A new record that validates against the schema.
    """
    paging = paging_keys if type(paging_keys) is frozenset else frozenset(paging_keys)
    columns = _plan(schema, tuple(seconds_fields), tuple(ms_fields), paging).columns
    out: dict[str, t.Any] = {}
    extra: dict[str, t.Any] = {}
    # The usual case: one check for the whole record. A paging key is matched before its
    # scrubbing, as it comes (no paging key holds U+FFFD, so that is the same).
    items = row.items() if not has_nul(row) else _scrubbed_items(row)
    for key, value in items:
        planned = columns.get(key)
        if planned is None:  # a key the schema does not know, or extra_fields itself
            if key == EXTRA_FIELDS and isinstance(value, dict) and value:
                extra.update(value)
            else:
                extra[key] = value
            continue
        fast, how, spec = planned
        if type(value) in fast:
            out[key] = value
            continue
        if how == _SECONDS and type(value) is int and 0 < value <= _MAX_EPOCH_SECONDS:
            out[key] = _iso_of_seconds(value)
            continue
        if how == _DROP:
            continue
        if how == _PASS_ALL:
            out[key] = value
            continue
        try:
            if how == _COERCE:
                out[key] = coerce(value, spec)
            else:
                out[key] = epoch_to_iso(value, milliseconds=how == _MILLIS)
        except InvalidValueError:
            out[key] = None
            extra[key] = value
            if counter is not None:
                name = f"{stream}.{key}" if stream else key
                counter[name] = counter.get(name, 0) + 1
    if extra:
        out[EXTRA_FIELDS] = extra
    return out
