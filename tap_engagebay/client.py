"""The base stream: URL, auth, headers, form bodies, paging and the error taxonomy."""

from __future__ import annotations

import dataclasses
import json
import typing as t
from functools import cached_property
from http import HTTPStatus

from singer_sdk import RESTStream
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.singerlib import StateMessage

from crm_core.errors import Vocabulary, classify
from crm_core.http import CONNECT_TRIES as CORE_CONNECT_TRIES
from crm_core.http import CRMStream
from crm_core.pagination import LastRecordCursorPaginator, Page
from crm_core.prefetch import PageReader
from crm_core.retry import RetryPolicy, server_time_of
from tap_engagebay.transform import conform_record

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from concurrent.futures import Executor, Future

    import requests
    from singer_sdk.helpers.types import Context

    from tap_engagebay.tap import TapEngageBay

API_PREFIX = "/dev/api/panel"
#: EngageBay's words, for ``crm_core.errors.classify``.
VOCABULARY = Vocabulary(
    vendor="EngageBay",
    credentials_hint="Check the `api_key` setting (EngageBay: Account Settings -> API -> REST "
    "API Key); the REST API is only available on paid (Pro) plans.",
    quota_markers=("limit reached", "api call limit"),
    empty_statuses=frozenset(),
    quota_name="daily API call limit",
    credentials_noun="API key",
    auth_statuses=frozenset({HTTPStatus.UNAUTHORIZED}),
    forbidden_hint=" (the account's plan or the key's user may not have this feature)",
    #: What a 5xx says when the cursor it was sent is refused (retrying it cannot help).
    invalid_cursor_markers=("invalid cursor",),
)
#: Pages of a listing read beyond the one being handled, when it is read to the end.
READ_AHEAD_PAGES = 2
#: What the state says while an incremental stream runs (the SDK's own note would say that
#: its progress is not resumable).
RESUME_NOTE = (
    "The bookmark moves when the stream ends; an interrupted run reads again from the "
    "previous bookmark, or, on a first sync, from the page cursor saved in `resume`."
)
DEFAULT_RETRY_WAIT_BASE = 2.0
#: Attempts to connect before a run whose api_url never answered stops (``crm_core.http``).
CONNECT_TRIES = CORE_CONNECT_TRIES


class Lookups(t.Protocol):
    """What streams share, read once per run (the tap answers)."""

    def tracks(self) -> list[int]:
        """Ids of every deal track."""
        ...

    def track_records(self) -> list[dict[str, t.Any]]:
        """The deal tracks."""
        ...

    def custom_field_definitions(self, scope: str) -> list[dict[str, t.Any]]:
        """Custom field definitions of CONTACT, DEAL, COMPANY or TICKET."""
        ...


def retry_wait_base(config: t.Mapping[str, t.Any]) -> float:
    """The first retry wait, in seconds.

    Args:
        config: The tap's settings.

    Returns:
        ``retry_wait_base``, or the deprecated ``retry_wait_base_ms`` when that is set.
    """
    old = config.get("retry_wait_base_ms")
    if old is not None:
        return int(old) / 1000
    return float(config.get("retry_wait_base", DEFAULT_RETRY_WAIT_BASE))


def deprecated_settings(config: t.Mapping[str, t.Any]) -> list[str]:
    """One line per deprecated setting in use, naming its replacement.

    Args:
        config: The tap's settings.

    Returns:
        The warnings.
    """
    old = config.get("retry_wait_base_ms")
    if old is None:
        return []
    message = (
        f"Setting retry_wait_base_ms is deprecated and will be removed: set retry_wait_base "
        f"(in seconds) instead; this run waits retry_wait_base_ms={old} ms, i.e. "
        f"retry_wait_base={retry_wait_base(config):g}."
    )
    return [message]


def payload_of(response: requests.Response) -> t.Any:  # noqa: ANN401
    """The decoded JSON body that ``validate_response`` stored on a response.

    Args:
        response: A validated response.

    Returns:
        The decoded body.
    """
    return getattr(response, "eb_payload", None)


class EngageBayStream(CRMStream):
    """Base for every EngageBay stream, on the core's ``CRMStream``.

    Subclasses are declarative: ``name``, ``path``, ``schema`` and, for lists, ``paged``.
    The core sends (gate, retries, the unreachable-host stop, redaction, progress); here are
    EngageBay's words, its key header, its sort order, its reads ahead and its full pass.
    """

    vocabulary = VOCABULARY
    api_prefix = API_PREFIX
    resume_note = RESUME_NOTE
    url_hint = " (EngageBay's is https://app.engagebay.com)"
    retry_line = (
        "Retrying %(method)s %(path)s in %(wait).2f s (attempt %(tries)d failed: %(error)s)"
    )
    http_method = "POST"
    #: Where the paging parameters go: "form" (POST body) or "query" (GET).
    paging_in: str = "form"
    #: Why this stream failed in this run (None: it did not); set once, by the tap or, for a
    #: child stream, by the stream itself. A failed stream sends no further request.
    failure: BaseException | None = None
    #: Any error but one that ends the run fails this stream alone (and its children).
    isolated_errors = (Exception,)

    def __init__(self, tap: TapEngageBay, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Take the lookups the streams share from the tap, typed.

        Args:
            tap: The tap.
            kwargs: As for the core's CRMStream.
        """
        super().__init__(tap=tap, **kwargs)
        #: What streams share, read once per run (deal tracks, custom field definitions).
        self.lookups: Lookups = tap

    def stream_failed(self, error: BaseException) -> None:
        """This top-level stream failed: it and its children stop, its state is saved at once.

        What the stream reached is saved, not finalized: its bookmark stays, its resume
        cursor is the last page whose records were all written (or was dropped). The tap's
        ``failure_report`` tells the endpoint and how to deselect it.

        Args:
            error: Why.
        """
        self.logger.error(
            "Stream '%s' failed: %s. Its state stays where its data landed; "
            "the other streams go on",
            self.name,
            error,
        )
        self.fail(error)
        for child in self.child_streams:
            if isinstance(child, EngageBayStream):
                child.fail(error)
        self._tap.write_message(StateMessage(value=self._tap.state))

    def fail(self, error: BaseException) -> None:
        """Mark this stream failed for the rest of the run and cancel its reads ahead.

        Args:
            error: Why.
        """
        if self.failure is None:
            self.failure = error
        self.close_readers()

    @property
    def emit_activate_version_messages(self) -> bool:
        """ACTIVATE_VERSION only on the full pass, where a missing record means deleted."""
        return bool(self.config.get("reconcile", False))

    # ---- the full pass: one version per stream, activated once it was read to the end ----

    def activate_pass(self) -> None:
        """Send ACTIVATE_VERSION for this stream and its children: their pass is complete.

        Called once this top-level stream was read to the end. A child stream (read per
        parent record) is activated only when it did not fail and read every parent's list.
        """
        if getattr(self, "failure", None) is not None:
            return
        if self._pass_version is not None:
            self.write_activate_version(self._pass_version)
        for child in self.child_streams:
            if isinstance(child, EngageBayStream):
                child.activate_child_pass()

    def activate_child_pass(self) -> None:
        """Send this child stream's ACTIVATE_VERSION, if its part of the pass is complete."""
        if not (
            self.selected
            and self.replication_method == "FULL_TABLE"
            and self.emit_activate_version_messages
        ):
            return
        if getattr(self, "failure", None) is not None:
            self.logger.warning(
                "%s failed during the full pass: no row of it is marked deleted this time",
                self.name,
            )
            return
        unread = self.unread_parents
        if unread:
            self.logger.warning(
                "%s: the lists of %d parent records could not be read during the full pass "
                "(e.g. %s); no row of it is marked deleted this time",
                self.name,
                len(unread),
                min(unread),
            )
            return
        version = self._pass_version
        if version is None:
            # No parent record at all, so nothing of this stream exists any more; the loader
            # needs its SCHEMA before its ACTIVATE_VERSION.
            version = self._initialized_at // 1000
            self._write_schema_message()
        self.write_activate_version(version)
        for child in self.child_streams:
            if isinstance(child, EngageBayStream):
                child.activate_child_pass()

    @cached_property
    def unread_parents(self) -> set[str]:
        """Parent records whose list this child stream could not read in this run."""
        return set()

    def finalize_state_progress_markers(self, state: dict[str, t.Any] | None = None) -> None:
        """Finish the stream's state; for a top-level stream's sync, activate its full pass.

        For a top-level stream whose ``sync()`` succeeded, the stream (and, through it, its
        children) was read to the end; one that failed keeps its bookmark.

        Args:
            state: As for the SDK.
        """
        if not state and self.parent_stream_type is None:
            if self.failure is not None:
                return  # its bookmark stays where its data landed
            self.activate_pass()
        # The SDK's own: a child stream that failed still keeps what it finished per parent.
        RESTStream.finalize_state_progress_markers(self, state)

    # ---- SCHEMA: once per stream per run ----------------------------------------------

    def _write_schema_message(self) -> None:
        """Write the SCHEMA message, unless this run already sent the same one.

        The SDK writes one at each ``sync()``: for notes and call logs, once per contact.
        """
        sent = self._schemas_sent
        for message in self._generate_schema_messages():
            as_sent = message.to_dict()
            if sent.get(message.stream) != as_sent:
                sent[message.stream] = as_sent
                self._tap.write_message(message)

    @cached_property
    def _schemas_sent(self) -> dict[str, dict[str, t.Any]]:
        return {}

    # ---- request building -------------------------------------------------------------

    @cached_property
    def authenticator(self) -> APIKeyAuthenticator:
        """The raw key in the ``Authorization`` header, no scheme."""
        return APIKeyAuthenticator(
            key="Authorization",
            value=str(self.config["api_key"]).strip(),
            location="header",
        )

    def get_new_paginator(self) -> LastRecordCursorPaginator:
        """A paginator following the last record's cursor."""
        return LastRecordCursorPaginator()

    def build_request(
        self,
        context: Context | None,
        *,
        sort_key: str | None = None,
        cursor: str | None = None,
        extra: Mapping[str, t.Any] | None = None,
        endpoint: tuple[str, str] | None = None,
    ) -> requests.PreparedRequest:
        """Build one request of this stream, fresh for every call (the core's, sorted).

        Args:
            context: The partition or parent context.
            sort_key: For paged lists, the sort order.
            cursor: For paged lists, the cursor of the page wanted.
            extra: More parameters for this request only.
            endpoint: Another ``(method, path)`` than the stream's.

        Returns:
            The prepared request.
        """
        params = dict(extra or {})
        if self.paged and sort_key:
            params["sort_key"] = sort_key
        return super().build_request(context, cursor=cursor, extra=params, endpoint=endpoint)

    # ---- sending, retrying, validating -----------------------------------------------

    @property
    def retry_policy(self) -> RetryPolicy:
        """The core's retry policy, with EngageBay's deprecated ``retry_wait_base_ms``."""
        return dataclasses.replace(super().retry_policy, wait_base=retry_wait_base(self.config))

    def validate_response(self, response: requests.Response) -> None:
        """Sort an answer into data, retry, clean stop or failure, and decode it once.

        ``crm_core.errors.classify`` with EngageBay's words: a 403 fails the stream (the
        plan may lack the feature), a 5xx saying "Invalid cursor" is not retried.

        Args:
            response: The answer.
        """
        response.eb_payload = classify(response, VOCABULARY, self.redact)  # type: ignore[attr-defined]

    # ---- reading ------------------------------------------------------------------

    def fetch(
        self,
        context: Context | None,
        *,
        sort_key: str | None = None,
        cursor: str | None = None,
        extra: Mapping[str, t.Any] | None = None,
        endpoint: tuple[str, str] | None = None,
    ) -> tuple[t.Any, int | None]:
        """Send one request of this stream.

        Args:
            context: The partition or parent context.
            sort_key: For paged lists, the sort order.
            cursor: For paged lists, the cursor.
            extra: More parameters for this request only.
            endpoint: Another ``(method, path)`` than the stream's.

        Returns:
            The decoded JSON body and the server time of the answer.
        """
        request = self.build_request(
            context, sort_key=sort_key, cursor=cursor, extra=extra, endpoint=endpoint
        )
        response = self.send(request, context)
        return payload_of(response), server_time_of(response)

    def iter_pages(  # type: ignore[override]  # sorted, read ahead; no other endpoint
        self,
        context: Context | None,
        *,
        sort_key: str,
        cursor: str | None = None,
        read_ahead: bool = False,
    ) -> Iterator[Page]:
        """Walk a cursor-paged listing page by page.

        Args:
            context: The partition or parent context.
            sort_key: The sort order.
            cursor: A saved cursor to resume from.
            read_ahead: Request the next pages while this one is handled (for listings read
                to the end; a listing that may stop early would pay for a page it never uses).

        Returns:
            Each page, with the cursor of the next one.
        """
        started = self._warm_readers.pop(_reader_key(context, sort_key, cursor), None)
        if started is not None:
            return iter(started)
        if read_ahead:
            reader = self.page_reader(context, sort_key=sort_key, cursor=cursor, read_ahead=True)
            if reader is not None:
                return iter(reader)
        # Also what a task already running in the pool uses: it never waits on the pool.
        return self._pages_here(context, sort_key, cursor)

    def page_reader(
        self,
        context: Context | None,
        *,
        sort_key: str,
        cursor: str | None = None,
        read_ahead: bool = False,
    ) -> PageReader | None:
        """Start reading a listing in the tap's thread pool (None when it has none).

        Args:
            context: The partition or parent context.
            sort_key: The sort order.
            cursor: Where to start.
            read_ahead: Read up to ``READ_AHEAD_PAGES`` pages ahead; else only the first page
                is read early.

        Returns:
            The reader, already at work.
        """
        lane = self.lane
        if lane is None:
            return None
        paginator = LastRecordCursorPaginator(cursor)
        return PageReader(
            lambda at: self._fetch_page(context, sort_key, at, paginator),
            cursor,
            pool=lane,
            ahead=READ_AHEAD_PAGES if read_ahead else 0,
        )

    def warm_listing(
        self,
        context: Context | None,
        *,
        sort_key: str,
        cursor: str | None = None,
        read_ahead: bool = False,
    ) -> None:
        """Start reading a listing now; ``iter_pages`` with the same arguments takes it over.

        Args:
            context: The partition or parent context.
            sort_key: The sort order.
            cursor: Where to start.
            read_ahead: As for ``page_reader``.
        """
        reader = self.page_reader(context, sort_key=sort_key, cursor=cursor, read_ahead=read_ahead)
        if reader is not None:
            self._warm_readers[_reader_key(context, sort_key, cursor)] = reader

    @property
    def lane(self) -> Executor | None:
        """The threads this stream's reads ahead run on, at its turn's priority (or None).

        The stream being written (a child: its parent) comes first, the next stream's reads
        ahead next, and so on: what the sync waits for is never queued behind what it will
        only need later.
        """
        streams = self._tap.streams
        names = list(streams)
        parent = self.parent_stream_type
        if parent is not None:
            name = next((s.name for s in streams.values() if type(s) is parent), "")
        else:
            name = self.name
        return self.run_control.lane(names.index(name) if name in names else len(names))

    @cached_property
    def _warm_readers(self) -> dict[str, PageReader]:
        return {}

    def warm_up(self) -> None:
        """Start this stream's first requests before its turn comes (streams override this)."""

    def close_readers(self) -> None:
        """Cancel what was read ahead and never used."""
        while self._warm_readers:
            _, reader = self._warm_readers.popitem()
            reader.close()
        warm, self._warm_fetch = self._warm_fetch, None
        if warm is not None:
            warm.cancel()

    def _pages_here(
        self, context: Context | None, sort_key: str, cursor: str | None
    ) -> Iterator[Page]:
        """Pages fetched one after another on this thread (no thread pool)."""
        paginator = LastRecordCursorPaginator(cursor)
        while True:
            page = self._fetch_page(context, sort_key, cursor, paginator)
            yield page
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def _fetch_page(
        self,
        context: Context | None,
        sort_key: str,
        cursor: str | None,
        paginator: LastRecordCursorPaginator,
    ) -> Page:
        payload, server_time = self.fetch(context, sort_key=sort_key, cursor=cursor)
        records = self.records_of(payload)
        self.progress.page()
        paginator.remember_page(records)
        next_cursor = paginator.get_next(None)  # type: ignore[arg-type]
        return Page(records=records, next_cursor=next_cursor, server_time=server_time)

    #: The one request of an unpaged endpoint, when ``warm_up`` started it early.
    _warm_fetch: Future[tuple[t.Any, int | None]] | None = None

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read an unpaged endpoint (lists override this), from the request started early.

        Args:
            context: The partition or parent context.

        Yields:
            Each record.
        """
        warm, self._warm_fetch = self._warm_fetch, None
        payload, _ = warm.result() if warm is not None and context is None else self.fetch(context)
        yield from self.records_of(payload)

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Records of a response already validated (kept for the SDK's own callers).

        Args:
            response: The answer.

        Returns:
            The records.
        """
        return self.records_of(payload_of(response))

    def post_process(
        self,
        row: dict[str, t.Any],
        context: Context | None = None,  # noqa: ARG002
    ) -> dict[str, t.Any] | None:
        """Make a raw API record fit the schema without losing anything.

        Args:
            row: The record as the API sent it.
            context: The partition or parent context.

        Returns:
            The conformed record.
        """
        return conform_record(
            row,
            self.schema,
            seconds_fields=self.epoch_fields,
            ms_fields=self.epoch_ms_fields,
            counter=self.value_problems,
            stream=self.name,
        )

    @property
    def epoch_fields(self) -> tuple[str, ...]:
        """Top-level keys holding epoch seconds."""
        return self.epoch_seconds_fields


def _reader_key(context: Context | None, sort_key: str, cursor: str | None) -> str:
    return json.dumps([context, sort_key, cursor], sort_keys=True, default=str)
