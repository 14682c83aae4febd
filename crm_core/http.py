"""The base REST stream every source shares, the HTTPS rule and the redaction of secrets.

A tap's base stream sets ``vocabulary`` (its words for errors), ``api_prefix`` and its
``authenticator``; everything else (headers, sending through the run's request gate,
retries, classifying answers, reading cursor-paged listings, counting progress) is here.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import threading
import traceback
import typing as t
from functools import cached_property
from urllib.parse import urlparse

import requests
from singer_sdk import RESTStream, metrics
from singer_sdk.helpers._state import PROGRESS_MARKER_NOTE, PROGRESS_MARKERS
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams._state import StreamStateManager

from crm_core.children import ChildReadAhead
from crm_core.conform import conform_record
from crm_core.errors import (
    AuthenticationError,
    QuotaExhaustedError,
    StreamStoppedError,
    UnexpectedBodyError,
    UnreachableHostError,
    UnsafeURLError,
    Vocabulary,
    classify,
)
from crm_core.isolation import STREAM_FAILURES, isolated
from crm_core.pagination import LastRecordCursorPaginator, Page
from crm_core.progress import Progress, RecordCounter, StreamProgress
from crm_core.retry import RetryPolicy, server_time_of

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator, Mapping

    from singer_sdk.helpers import types
    from singer_sdk.helpers.types import Context

    from crm_core.run_control import RunControl
    from crm_core.tap_base import CRMTap

#: The SDK's own line when a stream's sync raises (its exact text, for ``log``).
SDK_UNHANDLED = "An unhandled error occurred while syncing '%s'"
#: What the state says while an unsorted incremental stream runs, instead of the SDK's note
#: that its progress is not resumable (a stream may say more: ``CRMStream.resume_note``).
RESUME_NOTE = (
    "The bookmark moves when the stream ends; an interrupted run reads again from the "
    "previous bookmark."
)
REDACTED = "[REDACTED]"
#: Until the API host has answered once in a run, a request that cannot connect (name not
#: found, connection refused, no answer to connect) is tried this many times in all, each
#: attempt waiting at most ``CONNECT_TIMEOUT`` s to connect and at most ``CONNECT_WAIT_MAX`` s
#: before the next: the URL setting is then most likely wrong, and the run stops within a
#: minute (4 x 10 s + 2 + 4 + 8 s of waits and their jitter) naming it.
CONNECT_TRIES = 4
CONNECT_TIMEOUT = 10.0
CONNECT_WAIT_MAX = 10.0
#: How much of an unexpected connection error a message quotes.
_ERROR_SNIPPET = 300
#: The retry line's default shape (``CRMStream.retry_line``).
RETRY_LINE = (
    "%(stream)s: retrying %(method)s %(path)s in %(wait).2f s (attempt %(tries)d failed: %(error)s)"
)
#: Secrets shorter than this are not searched for (they would redact ordinary words).
MIN_SECRET_LENGTH = 4
#: https:// to any host; http:// only to loopback (127.x.x.x, localhost, [::1]), e.g. a simulator.
SAFE_URL_PATTERN = (
    r"^(https://[^/\s:]+(:\d+)?"
    r"|http://(127(\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?)(/\S*)?$"
)


def check_api_url(url: str, setting: str = "api_url") -> str:
    """Allow HTTPS anywhere and plain HTTP only to this machine (a simulator).

    Args:
        url: The URL setting.
        setting: Its name, for the message.

    Returns:
        The URL without a trailing slash.

    Raises:
        UnsafeURLError: For any other scheme or a remote plain-HTTP host.
    """
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if (parsed.scheme == "https" and host) or (parsed.scheme == "http" and _is_loopback(host)):
        return url.rstrip("/")
    msg = (
        f"{setting} must be an https:// URL (plain http:// only to a loopback host such as the "
        f"simulator); got scheme {parsed.scheme or 'none'!r} and host {host or 'none'!r}"
    )
    raise UnsafeURLError(msg)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret in a text.

    Args:
        text: Any text bound for a log, an error or a file.
        secrets: The values to hide.

    Returns:
        The text with each secret replaced by ``[REDACTED]``.
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= MIN_SECRET_LENGTH and secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Replace the secrets in every log line, whatever logger wrote it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        """Remember the secrets.

        Args:
            secrets: The values to hide (key, user name, tokens).
        """
        super().__init__()
        self.secrets = tuple(s for s in secrets if len(s) >= MIN_SECRET_LENGTH)

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact one record.

        Args:
            record: The log record.

        Returns:
            Always True: the record is kept, redacted.
        """
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments not matching the format: kept as text
            message = f"{record.msg} {record.args}"
            record.msg, record.args = message, None
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg = clean
            record.args = None
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            # The whole traceback, causes and contexts included: a secret in any of them is
            # replaced and the rest of the traceback kept.
            text = "".join(traceback.format_exception(error)).rstrip("\n")
            clean = redact(text, self.secrets)
            if clean != text:
                record.exc_info = None
                record.exc_text = clean
        return True


def redact_every_log_record(redactor: RedactingFilter) -> None:
    """Redact every log record of this process when it is made, whatever logger or handler.

    Handlers added to any logger (root, the tap's, the SDK's, urllib3's), now or later, get
    the records already redacted. A redactor of the same secrets is installed once.

    Args:
        redactor: The filter applied to each new record.
    """
    make_record = logging.getLogRecordFactory()
    if not redactor.secrets or redactor.secrets in getattr(make_record, "redacts", ()):
        return

    def redacted_record(*args: t.Any, **kwargs: t.Any) -> logging.LogRecord:  # noqa: ANN401
        record = make_record(*args, **kwargs)
        redactor.filter(record)
        return record

    redacted_record.redacts = (*getattr(make_record, "redacts", ()), redactor.secrets)  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacted_record)


def install_redaction(secrets: Iterable[str], *loggers: logging.Logger) -> RedactingFilter:
    """Put one redacting filter on every handler of the root logger and the given loggers.

    Records made later are redacted when made too (``redact_every_log_record``).

    Args:
        secrets: The values to hide.
        loggers: Loggers with handlers of their own (the tap's).

    Returns:
        The filter.
    """
    redactor = RedactingFilter(secrets)
    for logger in (logging.getLogger(), *loggers):
        for handler in logger.handlers:
            handler.addFilter(redactor)
    redact_every_log_record(redactor)
    return redactor


class ResumableStateManager(StreamStateManager):
    """The SDK's state manager, with a progress note that says how the stream resumes.

    An unsorted stream's bookmark is kept aside (``progress_markers``) until the stream ends;
    the SDK then notes that progress is not resumable and warns so. The taps do resume: the
    note says how instead (``note``), and nothing warns.
    """

    def __init__(self, *args: t.Any, note: str = RESUME_NOTE, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Set up as the SDK does.

        Args:
            args: As for the SDK.
            note: What the state says while the stream runs.
            kwargs: As for the SDK.
        """
        super().__init__(*args, **kwargs)
        self.note = note

    def increment_state(
        self,
        latest_record: types.Record,
        *,
        context: types.Context | None = None,
        replication_key: str,
    ) -> None:
        """Advance the bookmark kept aside, noting how an interrupted run resumes.

        Args:
            latest_record: The record just written.
            context: The partition.
            replication_key: The bookmark's key.
        """
        state = self.get_context_state(context)
        state.setdefault(PROGRESS_MARKERS, {PROGRESS_MARKER_NOTE: self.note})
        super().increment_state(latest_record, context=context, replication_key=replication_key)


class CRMStream(RESTStream[str | None]):
    """Base of every stream of every source: declarative subclasses, one request path.

    Attributes:
        vocabulary: The vendor's words for errors (set by each tap's base stream).
        api_prefix: What follows ``api_url`` in every path (``/dev/api``).
        paged: True for cursor-paged listings.
        paging_in: Where paging goes: "query" or "form" (a POST body).
    """

    vocabulary: t.ClassVar[Vocabulary] = Vocabulary("the API", "Check the credentials.")
    api_prefix: t.ClassVar[str] = ""
    url_setting: t.ClassVar[str] = "api_url"
    #: Record keys that are paging artefacts, not data.
    paging_keys: t.ClassVar[frozenset[str]] = frozenset({"cursor"})
    http_method = "GET"
    payload_as_json = False
    # post_process fits every value to the schema (crm_core.conform); the SDK's own pass
    # over each record would only repeat it.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    primary_keys: t.ClassVar[list[str]] = ["id"]
    paged: bool = False
    paging_in: str = "query"
    cursor_param = "cursor"
    page_size_param = "page_size"
    #: Top-level keys holding epoch seconds / epoch milliseconds.
    epoch_seconds_fields: tuple[str, ...] = ("created_time", "updated_time")
    epoch_ms_fields: tuple[str, ...] = ()
    #: What the state says, while the stream runs, about how an interrupted run resumes.
    resume_note: t.ClassVar[str] = RESUME_NOTE
    #: Said after "check the api_url setting" when the host cannot be reached, e.g.
    #: `` (EngageBay's is https://app.engagebay.com)``.
    url_hint: t.ClassVar[str] = ""
    #: The line logged before each retry (``%``-style, with the keys ``stream``, ``method``,
    #: ``path``, ``wait``, ``tries``, ``error``).
    retry_line: t.ClassVar[str] = RETRY_LINE

    def __init__(self, tap: CRMTap, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Take the run's controls from the tap, typed.

        Args:
            tap: The tap.
            kwargs: As for the SDK's RESTStream.
        """
        super().__init__(tap=tap, **kwargs)
        self.run_control: RunControl = tap.run_control
        self.secret_values: tuple[str, ...] = tap.secret_values
        self.api_root: str = tap.api_root
        self.run_progress: Progress = tap.progress

    # ---- what a run writes to stderr ----------------------------------------------------

    def log(
        self,
        message: str,
        *args: t.Any,  # noqa: ANN401 - the SDK's signature
        level: int = logging.INFO,
        **kwargs: t.Any,  # noqa: ANN401
    ) -> None:
        """Log as the SDK does; a child stream's per-parent lines at DEBUG.

        A child stream is synced once per parent record, so the SDK's "Beginning sync" line
        would come once per parent; its progress line counts the parents instead. The SDK's
        "unhandled error" line goes to DEBUG too: the core reports a failed stream itself, in
        one line with its cause and what happens next.

        Args:
            message: The message.
            args: Its arguments.
            level: The level.
            kwargs: As for ``logging.Logger.log``.
        """
        if message == SDK_UNHANDLED:
            message, level = "Stream '%s' stopped on an error", logging.DEBUG
        if self.parent_stream_type is not None and level == logging.INFO:
            level = logging.DEBUG
        super().log(message, *args, level=level, **kwargs)

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
        """The SDK's record counter (same METRIC points), also feeding the progress lines.

        Args:
            endpoint: As for the SDK.
            log_interval: As for the SDK.

        Returns:
            The counter.
        """
        for child in self.child_streams:
            if child.selected and isinstance(child, CRMStream):
                _ = child.progress  # known now, its summary follows its parent's
        return RecordCounter(
            self.run_progress, self.progress, endpoint=endpoint, log_interval=log_interval
        )

    @property
    def state_manager(self) -> StreamStateManager:
        """The SDK's state manager, its progress note saying how the stream resumes."""
        if self._state_manager is None:
            self._state_manager = ResumableStateManager(
                tap_name=self.tap_name,
                stream_name=self.name,
                tap_state=self._tap_state,
                state_partitioning_keys=self.state_partitioning_keys,
                is_sorted=self.is_sorted,
                check_sorted=self.check_sorted,
                note=self.resume_note,
            )
        return self._state_manager

    # ---- isolation ----------------------------------------------------------------------

    #: Why this stream failed in this run (one line, or the error itself), or None.
    failure: str | BaseException | None = None
    #: The errors that fail this stream alone (``crm_core.isolation``); anything else ends
    #: the run.
    isolated_errors: t.ClassVar[tuple[type[BaseException], ...]] = STREAM_FAILURES

    def stream_failed(self, error: BaseException) -> None:
        """Note this top-level stream's failure and say so in one line; the next stream runs.

        Its progress is then not made final: its bookmark stays where it was and the next
        run reads again what this one missed.

        Args:
            error: Why it failed.
        """
        message = self.redact(str(error)) or type(error).__name__
        self.failure = message
        self.run_control.failures[self.name] = message
        # One line, no traceback: a traceback may hold a secret.
        self.logger.error(
            "Stream %s failed and was skipped (its bookmark is kept; the next run reads "
            "again what it missed): %s",
            self.name,
            message,
        )

    def _sync_records(
        self,
        context: Context | None = None,
        *,
        write_messages: bool = True,
    ) -> Generator[dict[str, t.Any], t.Any, t.Any]:
        """The SDK's record loop; a top-level stream's failure ends only its own tree.

        (``sync`` itself is final in the SDK; this is the loop it runs.)

        Args:
            context: The parent's context, for a child stream.
            write_messages: As for the SDK.

        Yields:
            Each record.
        """
        records = super()._sync_records(context, write_messages=write_messages)
        if self.parent_stream_type is not None:
            yield from records
            return
        try:
            with isolated(self):
                yield from records
        finally:
            self.cancel_child_reads()

    def finalize_state_progress_markers(self, state: dict[str, t.Any] | None = None) -> None:
        """Make the progress final, unless the stream failed: its bookmark then stays.

        A top-level stream that was read to the end also activates its full pass here.

        Args:
            state: As for the SDK.
        """
        if self.failure is None:
            if not state and self.parent_stream_type is None:
                self.activate_pass()
            super().finalize_state_progress_markers(state)

    # ---- the full pass: ACTIVATE_VERSION once it was read to the end -----------------------

    #: The version the records of this run's full pass carry (None: no full pass ran).
    _pass_version: int | None = None

    def _write_activate_version_message(self, full_table_version: int) -> None:
        """Hold back the ACTIVATE_VERSION the SDK writes before the records.

        Sent first, it would mark every row deleted until the pass re-read it, and leave them
        so when the pass stops midway. ``activate_pass`` sends it once the pass is complete.

        Args:
            full_table_version: The version the records of the pass carry.
        """
        self._pass_version = full_table_version

    def activate_pass(self) -> None:
        """Send ACTIVATE_VERSION for this stream and its children: their pass is complete.

        A child's failure fails its parent's tree, so a tree read to the end is complete.
        """
        if self._pass_version is not None:
            self.write_activate_version(self._pass_version)
        for child in self.child_streams:
            if isinstance(child, CRMStream) and child.selected:
                child.activate_pass()

    def write_activate_version(self, version: int) -> None:
        """Send ACTIVATE_VERSION now (the SDK's message): the pass of that version is complete.

        Args:
            version: The version the records of the pass carry.
        """
        super()._write_activate_version_message(version)

    # ---- request building ---------------------------------------------------------------

    @property
    def requests_session(self) -> requests.Session:
        """One HTTP session per thread: children are fetched concurrently."""
        local = self.__dict__.setdefault("_sessions", threading.local())
        session: requests.Session | None = getattr(local, "session", None)
        if session is None:
            session = requests.Session()
            local.session = session
        return session

    @property
    def url_base(self) -> str:
        """The API root: ``{api_url}{api_prefix}``; never a clear-text remote URL."""
        return check_api_url(self.api_root, self.url_setting) + self.api_prefix

    @property
    def http_headers(self) -> dict[str, str]:
        """Headers on every request (credentials are added by the authenticator)."""
        return {"Accept": "application/json", "User-Agent": self.user_agent}

    @property
    def timeout(self) -> tuple[float, float]:  # type: ignore[override]
        """Seconds to wait to connect (at most ``CONNECT_TIMEOUT``), then for the answer."""
        seconds = float(self.config.get("request_timeout", 60))
        return min(seconds, CONNECT_TIMEOUT), seconds

    @property
    def page_size(self) -> int:
        """Records asked for per page."""
        return int(self.config.get("page_size", 100))

    def list_params(self, context: Context | None) -> dict[str, t.Any]:  # noqa: ARG002
        """Parameters every request of this stream carries (besides paging).

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
        cursor: str | None = None,
        extra: Mapping[str, t.Any] | None = None,
        endpoint: tuple[str, str] | None = None,
    ) -> requests.PreparedRequest:
        """Build one request of this stream, fresh for every call.

        Args:
            context: The partition or parent context.
            cursor: For paged lists, the cursor of the page wanted.
            extra: More parameters for this request only.
            endpoint: Another ``(method, path)`` than the stream's (e.g. a search).

        Returns:
            The prepared request.
        """
        params: dict[str, t.Any] = {**self.list_params(context), **(extra or {})}
        if self.paged:
            params[self.page_size_param] = self.page_size
            if cursor:
                params[self.cursor_param] = cursor
        method, path = endpoint or (self.http_method, "")
        in_body = self.paging_in == "form" and method == "POST"
        url = self.url_base + path if path else self.get_url(context)
        return self.build_prepared_request(
            method=method,
            url=url,
            params=None if in_body else params,
            data=params if in_body else None,
            headers=self.http_headers,
        )

    # ---- sending, retrying, classifying -----------------------------------------------------

    def send(self, request: requests.PreparedRequest, context: Context | None) -> t.Any:  # noqa: ANN401
        """Send a request with retries; return its classified body.

        Until the host has answered once in this run, a request that cannot connect is
        tried ``CONNECT_TRIES`` times, then the run stops naming the URL setting.

        Args:
            request: The prepared request.
            context: The partition or parent context (for metrics).

        Returns:
            The response, with the decoded body in ``crm_payload``.

        Raises:
            UnreachableHostError: The host never answered (the run stops).
            Exception: What the request ended with, its ``endpoint`` (e.g. ``GET /forms``)
                and ``attempts`` set for a stream's failure line.
        """
        connects = attempts = 0

        def attempt(request: requests.PreparedRequest, context: Context | None) -> t.Any:  # noqa: ANN401
            nonlocal connects, attempts
            attempts += 1
            try:
                return self._attempt(request, context)
            except requests.exceptions.ConnectionError as exc:
                connects += 1
                if connects >= CONNECT_TRIES and not self.run_control.host_answered:
                    raise UnreachableHostError(self.unreachable_message(exc, connects)) from exc
                raise

        try:
            return self.request_decorator(attempt)(request, context)
        except UnreachableHostError as exc:
            self.run_control.halt(exc)
            raise
        except requests.exceptions.ConnectionError as exc:
            if self.run_control.host_answered:
                _name_request(exc, self.endpoint_of(request), attempts)
                raise
            # The retries ran out before CONNECT_TRIES: the same stop, the same one line.
            error = UnreachableHostError(self.unreachable_message(exc, connects))
            self.run_control.halt(error)
            raise error from exc
        except Exception as exc:
            _name_request(exc, self.endpoint_of(request), attempts)
            raise

    def request_decorator(self, func: Callable[..., t.Any]) -> Callable[..., t.Any]:
        """Retry transient failures with backoff, honouring Retry-After, within the caps.

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

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy from the settings (``crm_core.retry``).

        A connection error before the host ever answered waits at most ``CONNECT_WAIT_MAX`` s.
        """
        return dataclasses.replace(RetryPolicy.from_config(self.config), cap=self.cap_wait)

    def cap_wait(self, exception: BaseException | None, wait: float) -> float:
        """Shorten a retry's wait while the host has never answered.

        Args:
            exception: The failure before the wait.
            wait: The wait planned.

        Returns:
            The wait to use.
        """
        if (
            isinstance(exception, requests.exceptions.ConnectionError)
            and not self.run_control.host_answered
        ):
            return min(wait, CONNECT_WAIT_MAX)
        return wait

    def unreachable_message(self, error: requests.exceptions.ConnectionError, tries: int) -> str:
        """The line for an API host that never answered: the setting, its value, the cause.

        Args:
            error: The last attempt's error.
            tries: Attempts made.

        Returns:
            The message (never a secret: the URL carries none, the cause is redacted).
        """
        return unreachable_line(
            self.url_setting, self.api_root, error, tries, hint=self.url_hint, redact=self.redact
        )

    def endpoint_of(self, request: requests.PreparedRequest) -> str:
        """The request as a stream's messages name it: method and path, no query, no root.

        Args:
            request: A request of this stream.

        Returns:
            E.g. ``GET /contacts`` (the path below ``api_url`` and ``api_prefix``).
        """
        root = urlparse(self.url_base).path
        path = urlparse(request.url or "").path
        return f"{request.method} {path.removeprefix(root) if root else path}"

    def _attempt(
        self, prepared_request: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """Send one attempt (a hook around ``_request``, e.g. to renew a token).

        Args:
            prepared_request: The request.
            context: The partition or parent context (for metrics).

        Returns:
            The validated response.
        """
        return self._request(prepared_request, context)

    def _request(
        self, prepared_request: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """Send one attempt within the run's request gate; a quota or refusal stops the run.

        Args:
            prepared_request: The request.
            context: The partition or parent context (for metrics).

        Returns:
            The validated response.

        Raises:
            StreamStoppedError: This stream already failed in this run (it sends no more).
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
                control.host_answered = True
                control.halt(exc)
                raise
            except Exception as exc:
                if getattr(exc, "response", None) is not None:
                    control.host_answered = True
                raise
            control.host_answered = True
            return response

    def validate_response(self, response: requests.Response) -> None:
        """Classify the answer (``crm_core.errors.classify``) and keep its decoded body.

        Args:
            response: The answer.
        """
        response.crm_payload = classify(response, self.vocabulary, self.redact)  # type: ignore[attr-defined]

    def backoff_handler(self, details: Mapping[str, t.Any]) -> None:
        """Log one line per retry naming the request sent (no query, no secret).

        Args:
            details: What backoff knows of the retry.
        """
        self.progress.retry()
        args = details.get("args") or ()
        request = args[0] if args and isinstance(args[0], requests.PreparedRequest) else None
        method, _, path = (
            self.endpoint_of(request) if request is not None else f"{self.http_method} {self.path}"
        ).partition(" ")
        exc = details.get("exception")
        self.logger.warning(
            self.retry_line,
            {
                "stream": self.name,
                "method": method,
                "path": self.redact(path),
                "wait": details.get("wait", 0.0),
                "tries": details.get("tries", 0),
                "error": self.redact(str(exc) if exc else "unknown error"),
            },
        )

    def redact(self, text: str) -> str:
        """Remove the tap's secrets from a text.

        Args:
            text: Any text bound for a log or an error.

        Returns:
            The text with the secrets replaced.
        """
        return redact(text, self.secret_values)

    # ---- reading ------------------------------------------------------------------------

    def fetch(
        self,
        context: Context | None,
        *,
        cursor: str | None = None,
        extra: Mapping[str, t.Any] | None = None,
        endpoint: tuple[str, str] | None = None,
    ) -> tuple[t.Any, int | None]:
        """Send one request of this stream.

        Args:
            context: The partition or parent context.
            cursor: For paged lists, the cursor.
            extra: More parameters for this request only.
            endpoint: Another ``(method, path)`` than the stream's.

        Returns:
            The decoded JSON body (None for an empty answer) and the server time.
        """
        request = self.build_request(context, cursor=cursor, extra=extra, endpoint=endpoint)
        response = self.send(request, context)
        return getattr(response, "crm_payload", None), server_time_of(response)

    def records_of(self, payload: t.Any, where: str | None = None) -> list[dict[str, t.Any]]:  # noqa: ANN401
        """Check that a list answer is a JSON array of objects.

        Args:
            payload: The decoded body (None: no records).
            where: The endpoint, for messages (default: the stream's path).

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
                f"{self.vocabulary.vendor} answered a JSON {type(payload).__name__} for "
                f"{where or self.path}, expected an array ({keys})"
            )
            raise UnexpectedBodyError(msg)
        # A scalar where a record belongs is kept rather than dropped.
        return [item if isinstance(item, dict) else {"value": item} for item in payload]

    def iter_pages(
        self,
        context: Context | None,
        *,
        cursor: str | None = None,
        extra: Mapping[str, t.Any] | None = None,
        endpoint: tuple[str, str] | None = None,
    ) -> Iterator[Page]:
        """Walk a cursor-paged listing page by page, guarded against repeated cursors.

        Args:
            context: The partition or parent context.
            cursor: A saved cursor to resume from.
            extra: More parameters for every page.
            endpoint: Another ``(method, path)`` than the stream's.

        Yields:
            Each page, with the cursor of the next one.
        """
        paginator = LastRecordCursorPaginator(cursor, key=self.cursor_param)
        while True:
            payload, server_time = self.fetch(
                context, cursor=cursor, extra=extra, endpoint=endpoint
            )
            records = self.records_of(payload)
            self.progress.page()
            paginator.remember_page(records)
            cursor = paginator.get_next(None)  # type: ignore[arg-type]
            paginator.advance(None)  # type: ignore[arg-type]
            self.before_page(records)
            yield Page(records, cursor, server_time)
            if cursor is None:
                return

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Every record; a child's, read ahead when its parent's page came (``children``).

        Args:
            context: The partition or parent context.

        Yields:
            Raw records.
        """
        ahead = self.read_ahead if context else None
        found = ahead.take(context) if ahead is not None and context else None
        if found is not None:
            yield from found
        else:
            yield from self.read_records(context)

    def read_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Every record: a paged listing to its end, or the one answer of an unpaged one.

        Args:
            context: The partition or parent context.

        Yields:
            Raw records.
        """
        if self.paged:
            for page in self.iter_pages(context):
                yield from page.records
        else:
            payload, _ = self.fetch(context)
            yield from self.records_of(payload)

    # ---- child lists read ahead (crm_core.children) -------------------------------------

    @cached_property
    def read_ahead(self) -> ChildReadAhead | None:
        """A child stream's reads started ahead; None for a parent, or at one request at a time."""
        pool = self.run_control.pool
        if self.parent_stream_type is None or pool is None:
            return None
        return ChildReadAhead(lambda context: list(self.read_records(dict(context))), pool)

    #: The stream emits each record once however often the API lists it (``once_each``):
    #: a record listed again does not have its children read ahead again.
    emits_each_once: t.ClassVar[bool] = False

    def wants_children(self, record: Mapping[str, t.Any]) -> bool:  # noqa: ARG002
        """Whether the children of a raw record are worth reading ahead (it will be emitted).

        Args:
            record: A raw record of this stream's page.

        Returns:
            True unless the stream knows it skips the record (its children are then read,
            if ever, when the SDK asks for them).
        """
        return True

    def before_page(self, records: list[dict[str, t.Any]]) -> None:
        """Start reading the page's children for each selected child stream.

        Args:
            records: The raw records of a page of this stream.
        """
        for child in self.child_streams:
            ahead = child.read_ahead if isinstance(child, CRMStream) and child.selected else None
            if ahead is None:
                continue
            ahead.start(
                [
                    context
                    for record in records
                    if self.wants_children(record)
                    for context in self.generate_child_contexts(record, None)
                    if context is not None
                ],
                once=self.emits_each_once,
            )

    def cancel_child_reads(self) -> None:
        """Cancel the child reads this stream's sync started and did not use."""
        for child in self.child_streams:
            if isinstance(child, CRMStream) and "read_ahead" in child.__dict__:
                ahead = child.read_ahead
                if ahead is not None:
                    ahead.cancel()

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
            seconds_fields=self.epoch_seconds_fields,
            ms_fields=self.epoch_ms_fields,
            counter=self.value_problems,
            stream=self.name,
            paging_keys=self.paging_keys,
        )

    @cached_property
    def value_problems(self) -> dict[str, int]:
        """Values that did not fit their column (kept raw), counted for a warning."""
        return {}

    def log_value_problems(self) -> None:
        """Warn once about the values that did not fit their columns, then reset the count."""
        counters = self.value_problems
        if counters:
            summary = ", ".join(f"{k} x{v}" for k, v in sorted(counters.items())[:20])
            self.logger.warning(
                "%s: %d values did not fit their column and were kept raw "
                "(in extra_fields or properties): %s",
                self.name,
                sum(counters.values()),
                summary,
            )
            counters.clear()


def _name_request(error: Exception, endpoint: str, attempts: int) -> None:
    """Set ``endpoint`` (e.g. ``GET /forms``) and ``attempts`` on an error, unless set.

    Args:
        error: What a request ended with.
        endpoint: The request, without its query.
        attempts: How many times it was sent.
    """
    if getattr(error, "endpoint", None) is None:
        setattr(error, "endpoint", endpoint)  # noqa: B010
        setattr(error, "attempts", attempts)  # noqa: B010


def unreachable_line(  # noqa: PLR0913 - each part is in the line
    setting: str,
    root: str,
    error: requests.exceptions.RequestException,
    tries: int,
    *,
    hint: str = "",
    redact: Callable[[str], str] = str,
) -> str:
    """The line for an API host that never answered: the setting, its value, the cause.

    Args:
        setting: The URL setting's name (``api_url``).
        root: Its value.
        error: The last attempt's error.
        tries: Attempts made.
        hint: Said after the setting's name (e.g. `` (https://...)``).
        redact: Takes secrets out of the error's text.

    Returns:
        The message (never a secret: the URL carries none, the cause is redacted).
    """
    text = str(error)
    if "NameResolutionError" in text or "Name or service not known" in text:
        why = "its host name does not resolve"
    elif "Connection refused" in text:
        why = "the connection was refused"
    elif isinstance(error, requests.exceptions.ConnectTimeout):
        why = "it did not answer the connection"
    else:
        why = redact(text)[:_ERROR_SNIPPET]
    return (
        f"Cannot reach {setting} {root} ({why}; {tries} attempts): check the "
        f"{setting} setting{hint} and the network"
    )
