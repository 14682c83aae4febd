"""The base stream: URL, auth, headers, form bodies, paging and the error taxonomy."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import typing as t
from functools import cached_property
from http import HTTPStatus
from urllib.parse import urlparse

import requests
from singer_sdk import RESTStream, metrics
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel

from crm_core.errors import (
    AuthenticationError,
    QuotaExhaustedError,
    StreamStoppedError,
    UnexpectedBodyError,
    UnreachableHostError,
    Vocabulary,
    classify,
)
from crm_core.http import ResumableStateManager, check_api_url
from crm_core.pagination import LastRecordCursorPaginator, Page
from crm_core.prefetch import PageReader
from crm_core.progress import Progress, RecordCounter, StreamProgress
from crm_core.retry import RetryPolicy, server_time_of
from tap_engagebay.transform import conform_record

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator
    from concurrent.futures import Executor, Future

    from singer_sdk.helpers.types import Context
    from singer_sdk.streams._state import StreamStateManager

    from crm_core.run_control import RunControl
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
#: The SDK's own line when a stream's sync raises; the tap reports the failure itself.
_SDK_UNHANDLED = "An unhandled error occurred while syncing '%s'"
_BODY_SNIPPET = 300
#: Pages of a listing read beyond the one being handled, when it is read to the end.
READ_AHEAD_PAGES = 2
#: What the state says while an incremental stream runs (the SDK's own note would say that
#: its progress is not resumable).
RESUME_NOTE = (
    "The bookmark moves when the stream ends; an interrupted run reads again from the "
    "previous bookmark, or, on a first sync, from the page cursor saved in `resume`."
)
DEFAULT_RETRY_WAIT_BASE = 2.0
#: Until the API host has answered once in a run, a request that cannot connect (name not
#: found, connection refused, no answer to connect) is tried this many times in all, each
#: attempt waiting at most ``CONNECT_TIMEOUT`` s to connect and at most ``CONNECT_WAIT_MAX`` s
#: before the next: ``api_url`` is then most likely wrong, and the run stops within a minute
#: (4 x 10 s + 2 + 4 + 8 s of waits and their jitter) naming it.
CONNECT_TRIES = 4
CONNECT_TIMEOUT = 10.0
CONNECT_WAIT_MAX = 10.0


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


class EngageBayStream(RESTStream[str | None]):
    """Base for every EngageBay stream.

    Subclasses are declarative: ``name``, ``path``, ``schema`` and, for lists, ``paged``.
    """

    http_method = "POST"
    payload_as_json = False
    # post_process already fits every value to the schema (transform.py; property-tested):
    # the SDK's own pass over each record would only repeat it.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    primary_keys: t.ClassVar[list[str]] = ["id"]
    #: True for the cursor-paged list endpoints.
    paged: bool = False
    #: Where the paging parameters go: "form" (POST body) or "query" (GET).
    paging_in: str = "form"
    #: Top-level keys holding epoch seconds / epoch milliseconds.
    epoch_seconds_fields: tuple[str, ...] = ("created_time", "updated_time")
    epoch_ms_fields: tuple[str, ...] = ()
    #: Why this stream failed in this run (None: it did not); set once, by the tap or, for a
    #: child stream, by the stream itself. A failed stream sends no further request.
    failure: BaseException | None = None

    def __init__(self, tap: TapEngageBay, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Take the run's shared services from the tap, typed.

        Args:
            tap: The tap.
            kwargs: As for the SDK's RESTStream.
        """
        super().__init__(tap=tap, **kwargs)
        #: The run's request gate, stop flag, pool and host flag.
        self.run_control: RunControl = tap.run_control
        #: The run's progress lines.
        self.run_progress: Progress = tap.progress
        #: What streams share, read once per run (deal tracks, custom field definitions).
        self.lookups: Lookups = tap

    def fail(self, error: BaseException) -> None:
        """Mark this stream failed for the rest of the run and cancel its reads ahead.

        Args:
            error: Why.
        """
        if self.failure is None:
            self.failure = error
        self.close_readers()

    def log(
        self,
        message: str,
        *args: t.Any,  # noqa: ANN401 - the SDK's signature
        level: int = logging.INFO,
        **kwargs: t.Any,  # noqa: ANN401
    ) -> None:
        """Log as the SDK does, but not its "unhandled error" line: the tap handles it.

        A child stream's per-parent messages go to DEBUG: a child stream is synced once per
        parent record, so the SDK's "Beginning sync" line would come once per contact. Its
        progress line counts the parents instead.

        Args:
            message: The message.
            args: Its arguments.
            level: The level.
            kwargs: As for ``logging.Logger.log``.
        """
        if message == _SDK_UNHANDLED:
            # The tap logs the failure itself, with its cause and what happens next.
            message, level = "Stream '%s' stopped on an error", logging.DEBUG
        if self.parent_stream_type is not None and level == logging.INFO:
            level = logging.DEBUG
        super().log(message, *args, level=level, **kwargs)

    @property
    def requests_session(self) -> requests.Session:
        """One HTTP session per thread: children of contacts are fetched concurrently."""
        local = self.__dict__.setdefault("_sessions", threading.local())
        session: requests.Session | None = getattr(local, "session", None)
        if session is None:
            session = requests.Session()
            local.session = session
        return session

    @property
    def state_manager(self) -> StreamStateManager:
        """The SDK's state manager, with a note that says how the tap resumes."""
        if self._state_manager is None:
            self._state_manager = ResumableStateManager(
                tap_name=self.tap_name,
                stream_name=self.name,
                tap_state=self._tap_state,
                state_partitioning_keys=self.state_partitioning_keys,
                is_sorted=self.is_sorted,
                check_sorted=self.check_sorted,
                note=RESUME_NOTE,
            )
        return self._state_manager

    # ---- progress ---------------------------------------------------------------------

    @cached_property
    def progress(self) -> StreamProgress:
        """What this stream has done so far (requests, retries, pages, records)."""
        parent = self.parent_stream_type
        parent_name = str(getattr(parent, "name", "")) if parent is not None else None
        return self.run_progress.stream(self.name, parent=parent_name)

    def get_record_counter(
        self,
        *,
        endpoint: str | None = None,
        log_interval: float = metrics.DEFAULT_LOG_INTERVAL,
    ) -> metrics.Counter:
        """The SDK's record counter, also feeding the progress lines.

        Args:
            endpoint: As for the SDK.
            log_interval: As for the SDK.

        Returns:
            The counter.
        """
        for child in self.child_streams:
            if child.selected and isinstance(child, EngageBayStream):
                _ = child.progress  # its summary follows ours
        return RecordCounter(
            self.run_progress, self.progress, endpoint=endpoint, log_interval=log_interval
        )

    @property
    def emit_activate_version_messages(self) -> bool:
        """ACTIVATE_VERSION only on the full pass, where a missing record means deleted."""
        return bool(self.config.get("reconcile", False))

    # ---- the full pass: one version per stream, activated once it was read to the end ----

    #: The version the records of this run's full pass carry (None: no full pass ran).
    _pass_version: int | None = None

    def _write_activate_version_message(self, full_table_version: int) -> None:
        """Hold back the ACTIVATE_VERSION the SDK writes before the records.

        Activated first, it would mark every row deleted until the pass re-read it, and leave
        them so when the pass stops midway. It is sent by ``activate_pass`` instead, once.

        Args:
            full_table_version: The version the records of the pass carry.
        """
        self._pass_version = full_table_version

    def activate_pass(self) -> None:
        """Send ACTIVATE_VERSION for this stream and its children: their pass is complete.

        Called once this top-level stream was read to the end. A child stream (read per
        parent record) is activated only when it did not fail and read every parent's list.
        """
        if getattr(self, "failure", None) is not None:
            return
        if self._pass_version is not None:
            super()._write_activate_version_message(self._pass_version)
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
        super()._write_activate_version_message(version)
        for child in self.child_streams:
            if isinstance(child, EngageBayStream):
                child.activate_child_pass()

    @cached_property
    def unread_parents(self) -> set[str]:
        """Parent records whose list this child stream could not read in this run."""
        return set()

    def finalize_state_progress_markers(self, state: dict[str, t.Any] | None = None) -> None:
        """Finish the stream's state; for a top-level stream's sync, activate its full pass.

        The SDK calls this for a top-level stream only once its ``sync()`` succeeded: the
        stream (and, through it, its children) was read to the end.

        Args:
            state: As for the SDK.
        """
        if not state and self.parent_stream_type is None:
            self.activate_pass()
        super().finalize_state_progress_markers(state)

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

    @property
    def url_base(self) -> str:
        """The API root, ``{api_url}/dev/api/panel``; never a clear-text remote URL."""
        return check_api_url(str(self.config["api_url"])) + API_PREFIX

    @property
    def http_headers(self) -> dict[str, str]:
        """Headers on every request (the key is added by the authenticator)."""
        return {"Accept": "application/json", "User-Agent": self.user_agent}

    @cached_property
    def authenticator(self) -> APIKeyAuthenticator:
        """The raw key in the ``Authorization`` header, no scheme."""
        return APIKeyAuthenticator(
            key="Authorization",
            value=str(self.config["api_key"]).strip(),
            location="header",
        )

    @property
    def timeout(self) -> tuple[float, float]:  # type: ignore[override]
        """Seconds to wait to connect (at most ``CONNECT_TIMEOUT``), then for the answer."""
        seconds = float(self.config.get("request_timeout", 60))
        return min(seconds, CONNECT_TIMEOUT), seconds

    @property
    def page_size(self) -> int:
        """Records asked for per page (the API's maximum is 100)."""
        return int(self.config.get("page_size", 100))

    def get_new_paginator(self) -> LastRecordCursorPaginator:
        """A paginator following the last record's cursor."""
        return LastRecordCursorPaginator()

    def list_params(self, context: Context | None) -> dict[str, t.Any]:  # noqa: ARG002
        """Parameters every page of this listing carries (besides paging).

        Args:
            context: The partition or parent context.

        Returns:
            Extra parameters, none by default.
        """
        return {}

    def build_request(
        self,
        context: Context | None,
        *,
        sort_key: str | None = None,
        cursor: str | None = None,
    ) -> requests.PreparedRequest:
        """Build one request of this stream, fresh for every call.

        Args:
            context: The partition or parent context.
            sort_key: For paged lists, the sort order.
            cursor: For paged lists, the cursor of the page wanted.

        Returns:
            The prepared request.
        """
        params: dict[str, t.Any] = dict(self.list_params(context))
        if self.paged:
            params["page_size"] = self.page_size
            if sort_key:
                params["sort_key"] = sort_key
            if cursor:
                params["cursor"] = cursor
        in_body = self.paged and self.paging_in == "form" and self.http_method == "POST"
        return self.build_prepared_request(
            method=self.http_method,
            url=self.get_url(context),
            params=None if in_body else params,
            data=params if in_body else None,
            headers=self.http_headers,
        )

    # ---- sending, retrying, validating -----------------------------------------------

    def send(self, request: requests.PreparedRequest, context: Context | None) -> requests.Response:
        """Send a request with retries; the answer is validated and decoded.

        Args:
            request: The prepared request.
            context: The partition or parent context (for metrics).

        Returns:
            The response, its decoded body in ``eb_payload``.

        Raises:
            Exception: What the request ended with, its ``endpoint`` attribute set (e.g.
                ``GET /forms``) for the failed-stream report.
        """
        connects = attempts = 0

        def attempt(request: requests.PreparedRequest, context: Context | None) -> t.Any:  # noqa: ANN401
            nonlocal connects, attempts
            attempts += 1
            try:
                return self._request(request, context)
            except requests.exceptions.ConnectionError as exc:
                connects += 1
                if connects >= CONNECT_TRIES and not self.run_control.host_answered:
                    raise UnreachableHostError(self._unreachable(exc, connects)) from exc
                raise

        try:
            response: requests.Response = self.request_decorator(attempt)(request, context)
        except UnreachableHostError as exc:
            self.run_control.halt(exc)
            raise
        except Exception as exc:
            if getattr(exc, "endpoint", None) is None:
                path = urlparse(request.url or "").path.removeprefix(API_PREFIX)
                setattr(exc, "endpoint", f"{request.method} {path}")  # noqa: B010
                setattr(exc, "attempts", attempts)  # noqa: B010
            raise
        return response

    def _request(
        self, prepared_request: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """Send one attempt, within the tap's limit of requests in flight.

        Args:
            prepared_request: The request.
            context: The partition or parent context (for metrics).

        Returns:
            The validated response.

        Raises:
            FatalAPIError: Another request already ended the sync (quota, refused key).
            StreamStoppedError: This stream already failed in this run.
        """
        control = self.run_control
        with control.request_slot():
            if self.failure is not None:
                msg = f"{self.name} already failed in this run: {self.failure}"
                raise StreamStoppedError(msg)
            self.progress.request()
            try:
                response = super()._request(prepared_request, context)
            except (QuotaExhaustedError, AuthenticationError) as exc:
                control.halt(exc)
                raise
            except RetriableAPIError as exc:
                if exc.response is not None:
                    control.host_answered = True
                raise
            control.host_answered = True
            return response

    def _unreachable(self, error: requests.exceptions.ConnectionError, tries: int) -> str:
        """The line for an API host that never answered: the setting, its value, the cause.

        Args:
            error: The last attempt's error.
            tries: Attempts made.

        Returns:
            The message (never the key: the URL carries none).
        """
        url = str(self.config.get("api_url"))
        text = str(error)
        if "NameResolutionError" in text or "Name or service not known" in text:
            why = "its host name does not resolve"
        elif "Connection refused" in text:
            why = "the connection was refused"
        elif isinstance(error, requests.exceptions.ConnectTimeout):
            why = "it did not answer the connection"
        else:
            why = self.redact(text)[:_BODY_SNIPPET]
        return (
            f"Cannot reach api_url {url} ({why}; {tries} attempts): check the api_url "
            "setting (EngageBay's is https://app.engagebay.com) and the network"
        )

    @property
    def retry_policy(self) -> RetryPolicy:
        """The core's retry policy from the settings (``crm_core.retry``), and EngageBay's.

        EngageBay adds the deprecated ``retry_wait_base_ms``, and a connection error before
        the host ever answered waits at most ``CONNECT_WAIT_MAX`` s.
        """
        return dataclasses.replace(
            RetryPolicy.from_config(self.config),
            wait_base=retry_wait_base(self.config),
            cap=self._cap_wait,
        )

    def _cap_wait(self, exception: BaseException | None, wait: float) -> float:
        if (
            isinstance(exception, requests.exceptions.ConnectionError)
            and not self.run_control.host_answered
        ):
            return min(wait, CONNECT_WAIT_MAX)
        return wait

    def request_decorator(self, func: Callable[..., t.Any]) -> Callable[..., t.Any]:
        """Retry transient failures with backoff, honouring Retry-After, within a time cap.

        Args:
            func: The function sending one request.

        Returns:
            The decorated function.
        """
        return self.retry_policy.wrap(func, self.backoff_handler)

    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        """Exponential waits; a Retry-After header, when sent, sets the wait.

        Returns:
            The waits (``RetryPolicy.waits``).
        """
        return self.retry_policy.waits()

    def backoff_handler(self, details: t.Mapping[str, t.Any]) -> None:
        """Log one line per retry, never the request itself.

        Args:
            details: What backoff knows of the retry.
        """
        exc = details.get("exception")
        self.progress.retry()
        self.logger.warning(
            "Retrying %s %s in %.2f s (attempt %d failed: %s)",
            self.http_method,
            self.path,
            details.get("wait", 0.0),
            details.get("tries", 0),
            self.redact(str(exc) if exc else "unknown error"),
        )

    def redact(self, text: str) -> str:
        """Remove the API key from a text.

        Args:
            text: Any text bound for a log or an error.

        Returns:
            The text with the key replaced.
        """
        key = str(self.config.get("api_key") or "").strip()
        return text.replace(key, "[REDACTED]") if len(key) >= 4 else text  # noqa: PLR2004

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
    ) -> tuple[t.Any, int | None]:
        """Send one request of this stream.

        Args:
            context: The partition or parent context.
            sort_key: For paged lists, the sort order.
            cursor: For paged lists, the cursor.

        Returns:
            The decoded JSON body and the server time of the answer.
        """
        request = self.build_request(context, sort_key=sort_key, cursor=cursor)
        response = self.send(request, context)
        return payload_of(response), server_time_of(response)

    def records_of(self, payload: t.Any, where: str) -> list[dict[str, t.Any]]:  # noqa: ANN401
        """Check that a list answer is a JSON array of objects.

        Args:
            payload: The decoded body.
            where: The endpoint, for messages.

        Returns:
            The records.

        Raises:
            UnexpectedBodyError: When the body is not an array.
        """
        if payload is None:
            return []
        if not isinstance(payload, list):
            keys = sorted(payload)[:8] if isinstance(payload, dict) else type(payload).__name__
            msg = (
                f"EngageBay answered a JSON {type(payload).__name__} for {where}, "
                f"expected an array ({keys})"
            )
            raise UnexpectedBodyError(msg)
        records: list[dict[str, t.Any]] = []
        for item in payload:
            if isinstance(item, dict):
                records.append(item)
            else:
                # A scalar where a record belongs: keep it rather than drop it.
                records.append({"value": item})
        return records

    def iter_pages(
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
        records = self.records_of(payload, self.path)
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
        yield from self.records_of(payload, self.path)

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Records of a response already validated (kept for the SDK's own callers).

        Args:
            response: The answer.

        Returns:
            The records.
        """
        return self.records_of(payload_of(response), self.path)

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

    @cached_property
    def value_problems(self) -> dict[str, int]:
        """Values that did not fit their column (kept raw), counted for a warning."""
        return {}


def _reader_key(context: Context | None, sort_key: str, cursor: str | None) -> str:
    return json.dumps([context, sort_key, cursor], sort_keys=True, default=str)
