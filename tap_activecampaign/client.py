"""The base of every ActiveCampaign stream: ``{api_url}/api/3``, the token header, envelopes.

Lists page with ``limit`` and ``offset`` (``crm_core.offset_paging``); answers are envelopes
(``{"contacts": [...], "meta": {"total": "123"}}``). A 403 is sorted by
``crm_core.forbidden``: a wrong token stops the run at once, other 403s (ActiveCampaign sends
them now and then) are retried a few times.
"""

from __future__ import annotations

import datetime as dt
import time
import typing as t
from functools import cached_property

from requests.auth import AuthBase

from crm_core.errors import UnexpectedBodyError, Vocabulary
from crm_core.forbidden import ForbiddenRetries, check_forbidden
from crm_core.http import CRMStream
from crm_core.incremental import RESUME
from crm_core.offset_paging import EnvelopeError, EnvelopeOffsetPaginator, records_in, total_of
from crm_core.pagination import Page

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    import requests
    from singer_sdk.helpers.types import Context

VOCABULARY = Vocabulary(
    vendor="ActiveCampaign",
    credentials_hint="Check the `api_token` setting (ActiveCampaign: Settings -> Developer -> "
    "API Access) and that `api_url` is this account's URL.",
    # No daily quota: a 429 is the per-second limit, retried after its Retry-After.
    quota_markers=(),
    auth_markers=("no result found for subscriber with id 0",),
)
#: Texts that, in a 403's body, mean the token was refused (anything else is retried).
AUTH_FAILURE_MARKERS = (
    "no result found for subscriber with id 0",
    "authentication failed",
    "invalid api token",
    "invalid api key",
    "api token is invalid",
    "unauthorized",
)
#: Retries of one request after 403s that are not about the token.
FORBIDDEN_RETRIES = 3


class TokenAuth(AuthBase):
    """The ``Api-Token`` header."""

    def __init__(self, token: str) -> None:
        """Keep the token.

        Args:
            token: The API token.
        """
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Add the header.

        Args:
            request: The request.

        Returns:
            The request with the header.
        """
        request.headers["Api-Token"] = self.token
        return request


def utc_iso(seconds: float) -> str:
    """A time as ISO-8601 in UTC with an explicit offset (``2024-05-01T12:00:00+00:00``).

    Args:
        seconds: Epoch seconds.

    Returns:
        The text.
    """
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).isoformat(timespec="seconds")


def seconds_of(value: t.Any) -> float | None:  # noqa: ANN401
    """Epoch seconds of an ISO-8601 time; a time without an offset is read as UTC.

    Args:
        value: The text.

    Returns:
        The seconds, or None for no time (null, empty, ``0000-00-00``) or an unreadable one.
    """
    if not isinstance(value, str) or not value.strip() or value.startswith("0000"):
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()


def _explicit_offsets(row: Mapping[str, t.Any], keys: tuple[str, ...]) -> dict[str, t.Any]:
    """Times sent without an offset (``created_utc_timestamp``), given their UTC offset.

    Args:
        row: The raw record.
        keys: Its time keys.

    Returns:
        The changed keys only.
    """
    out: dict[str, t.Any] = {}
    for key in keys:
        value = row.get(key)
        if not isinstance(value, str) or not value.strip() or value.startswith("0000"):
            continue
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            continue
        if when.tzinfo is None:
            out[key] = when.replace(tzinfo=dt.UTC).isoformat()
    return out


class ACStream(CRMStream):
    """Base of every ActiveCampaign stream.

    Attributes:
        records_key: The envelope's key holding the records (``contacts``, ``dealStages``).
        time_keys: Top-level keys holding ISO-8601 times (checked: an unreadable one goes
            to ``extra_fields``, its column null).
    """

    vocabulary = VOCABULARY
    api_prefix = "/api/3"
    url_hint = " (your account's URL, e.g. https://youraccount.api-us1.com)"
    epoch_seconds_fields = ()
    records_key: t.ClassVar[str] = ""
    time_keys: t.ClassVar[tuple[str, ...]] = ()
    STATE_MSG_FREQUENCY = 100

    @cached_property
    def authenticator(self) -> TokenAuth:
        """The ``Api-Token`` header."""
        return TokenAuth(str(self.config["api_token"]))

    @property
    def page_size(self) -> int:
        """Records asked for per page (ActiveCampaign's most is 100)."""
        return min(100, int(self.config.get("page_size", 100)))

    @cached_property
    def forbidden_retries(self) -> ForbiddenRetries:
        """How many times a 403 that is not about the token is retried."""
        return ForbiddenRetries(FORBIDDEN_RETRIES)

    def send(self, request: requests.PreparedRequest, context: Context | None) -> t.Any:  # noqa: ANN401
        """Send with retries, a new request starting with its full 403 allowance.

        Args:
            request: The prepared request.
            context: The partition or parent context.

        Returns:
            The response.
        """
        self.forbidden_retries.start()
        return super().send(request, context)

    def validate_response(self, response: requests.Response) -> None:
        """Sort a 403 (``crm_core.forbidden``), then classify as every source does.

        Args:
            response: The answer.
        """
        check_forbidden(
            response,
            vendor=self.vocabulary.vendor,
            auth_markers=AUTH_FAILURE_MARKERS,
            credentials_hint=self.vocabulary.credentials_hint,
            retries=self.forbidden_retries,
            redact=self.redact,
        )
        super().validate_response(response)

    def records_of(self, payload: t.Any, key: str | None = None) -> list[dict[str, t.Any]]:  # noqa: ANN401
        """The records of an envelope.

        Args:
            payload: The decoded answer.
            key: The envelope's key, when not ``records_key``.

        Returns:
            The records under the key.

        Raises:
            UnexpectedBodyError: When the answer is not the envelope (retried).
        """
        try:
            return records_in(payload, key or self.records_key)
        except EnvelopeError as exc:
            msg = f"{self.vocabulary.vendor} answered an unexpected body for {self.path}: {exc}"
            raise UnexpectedBodyError(msg) from exc

    def iter_offset_pages(
        self,
        context: Context | None,
        *,
        offset: int = 0,
        extra: Mapping[str, t.Any] | None = None,
        endpoint: tuple[str, str] | None = None,
        key: str | None = None,
    ) -> Iterator[tuple[Page, int | None]]:
        """Walk an offset-paged listing.

        Args:
            context: The partition or parent context.
            offset: Where to start (a saved offset, to resume).
            extra: More parameters for every page.
            endpoint: Another ``(method, path)`` than the stream's.
            key: The envelope's key, for another endpoint than the stream's.

        Yields:
            Each page, and the offset of the next one (None after the last).
        """
        paginator = EnvelopeOffsetPaginator(offset, self.page_size)
        while not paginator.finished:
            params = {**(extra or {}), "limit": self.page_size, "offset": paginator.current_value}
            payload, server_time = self.fetch(context, extra=params, endpoint=endpoint)
            records = self.records_of(payload, key)
            self.progress.page()
            paginator.remember_page(
                len(records), total_of(payload) if isinstance(payload, dict) else None
            )
            paginator.advance(None)  # type: ignore[arg-type]
            yield (
                Page(records, None, server_time),
                None if paginator.finished else paginator.current_value,
            )

    def read_offset_resumable(
        self, context: Context | None, extra: Mapping[str, t.Any] | None = None
    ) -> Iterator[dict[str, t.Any]]:
        """Every record of an offset listing, the next offset saved in the state after each page.

        Args:
            context: The partition or parent context.
            extra: More parameters for every page.

        Yields:
            Raw records.
        """
        state = self.get_context_state(context)
        resume = state.get(RESUME)
        start = resume.get("offset") if isinstance(resume, dict) else None
        offset = start if isinstance(start, int) and start > 0 else 0
        if offset:
            self.logger.info("%s: resuming from offset %d", self.name, offset)
        for page, next_offset in self.iter_offset_pages(context, offset=offset, extra=extra):
            yield from page.records
            if next_offset is not None:
                held = state.get(RESUME)
                state[RESUME] = {**(held if isinstance(held, dict) else {}), "offset": next_offset}
                self.state_manager.is_flushed = False
        state.pop(RESUME, None)

    def get_records(self, context: Context | None) -> t.Iterable[dict[str, t.Any]]:
        """Every record of the stream's listing (paged by offset), resumable.

        Args:
            context: The partition or parent context.

        Yields:
            Raw records.
        """
        yield from self.read_offset_resumable(context, self.list_params(context))
        self.log_value_problems()

    @cached_property
    def time_columns(self) -> tuple[str, ...]:
        """The keys holding times: ``time_keys`` and every date-time column of the schema."""
        props = self.schema.get("properties", {})
        declared = [k for k, v in props.items() if v.get("format") == "date-time"]
        return tuple(dict.fromkeys([*self.time_keys, *declared]))

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Fit the record to the schema; a time that cannot be read is kept raw.

        Args:
            row: The raw record.
            context: The partition or parent context.

        Returns:
            The record.
        """
        keys = self.time_columns
        row = {**row, **_explicit_offsets(row, keys)}
        if row.get("links") == []:  # what custom field data sends for "no links"
            row["links"] = {}
        bad = {
            key: row[key]
            for key in keys
            if isinstance(row.get(key), str) and row[key] and seconds_of(row[key]) is None
        }
        if bad:
            row = {k: (None if k in bad else v) for k, v in row.items()}
            extra = row.get("extra_fields")
            row["extra_fields"] = {**(extra if isinstance(extra, dict) else {}), **bad}
            for key in bad:
                name = f"{self.name}.{key}"
                self.value_problems[name] = self.value_problems.get(name, 0) + 1
        return super().post_process(row, context)


def now() -> float:
    """The current time (a seam for tests).

    Returns:
        Epoch seconds.
    """
    return time.time()
