"""The HTTP server, the request log, faults, latency and the control API (``/_sim/...``)."""

from __future__ import annotations

import email.utils
import json
import threading
import time
import typing as t
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crm_sim.xmlout import to_xml
from engagebay_sim.api import Api, not_found, parse_json
from engagebay_sim.config import SimConfig
from engagebay_sim.data import STREAMS
from engagebay_sim.faults import Faults, Rule
from engagebay_sim.store import Store, UnknownRecordError
from engagebay_sim.text import h64

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import TracebackType
    from typing import Self

    from engagebay_sim.config import Latency
    from engagebay_sim.data import Record

API_PREFIX = "/dev/api/panel/"
CONTROL_PREFIX = "/_sim/"
ALLOWED_HOST = "127.0.0.1"
UNAUTHENTICATED = {"error": "UnAuthenticated User", "status": "401"}
QUOTA_BODY = {"error": "API call limit reached", "status": "429"}
ERROR_200 = {"status": "error", "message": "Something went wrong", "error": "Internal error"}
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>Bad Gateway</h1><p>The proxy received an invalid response.</p></body></html>"
)


class Simulator:
    """A simulated EngageBay account served over HTTP on 127.0.0.1.

    Use it as a context manager (``with Simulator(SimConfig(seed=1)) as sim: sim.url``), or
    call ``start()`` and ``stop()``.
    """

    def __init__(
        self, config: SimConfig | None = None, *, host: str = ALLOWED_HOST, port: int = 0
    ) -> None:
        """Prepare (not start) the simulator.

        Args:
            config: The account; defaults to ``SimConfig()``.
            host: Must be ``127.0.0.1``: the simulator never listens on other interfaces.
            port: TCP port; 0 for an ephemeral one.

        Raises:
            ValueError: When host is not 127.0.0.1.
        """
        if host != ALLOWED_HOST:
            msg = f"the simulator only binds to {ALLOWED_HOST}, not {host!r}"
            raise ValueError(msg)
        self.config = config or SimConfig()
        self.host = host
        self.port = port
        self.store = Store(self.config)
        self.api = Api(self.store, self.config)
        self.faults = Faults(self.config.seed, self.config.faults)
        self.latency: Latency = self.config.latency
        self.timeout_s = self.config.timeout_s
        self._log: list[dict[str, t.Any]] = []
        self._log_lock = threading.Lock()
        # hold_until_overlap: requests wait on this (the log lock's) condition until enough are
        # in flight at once.
        self._overlap = threading.Condition(self._log_lock)
        self._overlap_target = 0
        self._overlap_timeout_s = 0.0
        self._in_flight = 0
        self._peak_in_flight = 0
        self._seq = 0
        self._api_count = 0
        self._quota_hit = False
        self._quota_base = 0  # API requests counted before the current quota day
        self._hooks: list[tuple[int, Callable[[Simulator], object]]] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (the tap's ``api_url``).

        Raises:
            RuntimeError: When not started.
        """
        if self._server is None:
            msg = "simulator not started"
            raise RuntimeError(msg)
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> Simulator:
        """Bind and serve in a daemon thread.

        Returns:
            self.
        """
        if self._server is not None:
            return self
        handler = type("BoundHandler", (Handler,), {"sim": self})
        server = ThreadingHTTPServer((self.host, self.port), handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (pending timeouts are cut short)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        """Start.

        Returns:
            self.
        """
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        self.stop()

    # ----------------------------------------------------------------- request log

    def requests(self, path_prefix: str | None = None) -> list[dict[str, t.Any]]:
        """The request log (oldest first), optionally only paths starting with a prefix.

        A prefix without a leading slash is taken relative to ``/dev/api/panel/``.

        Args:
            path_prefix: e.g. ``subscribers`` or ``/dev/api/panel/notes``.

        Returns:
            Copies of the log entries.
        """
        if path_prefix is not None and not path_prefix.startswith("/"):
            path_prefix = API_PREFIX + path_prefix
        with self._log_lock:
            return [dict(e) for e in self._log
                    if path_prefix is None or e["path"].startswith(path_prefix)]  # fmt: skip

    def clear_requests(self) -> None:
        """Empty the request log (and restart the count of requests in flight at once)."""
        with self._log_lock:
            self._log.clear()
            self._peak_in_flight = self._in_flight

    @property
    def peak_in_flight(self) -> int:
        """The most requests being answered at the same time since start or the last clear."""
        with self._log_lock:
            return self._peak_in_flight

    def hold_until_overlap(self, in_flight: int, timeout_s: float = 60.0) -> None:
        """Hold API requests until ``in_flight`` of them are being answered at once, then let go.

        A test's proof that a client really sends requests side by side, without depending on
        timing: a client that sends them one after another is held ``timeout_s`` once, and the
        peak then shows it. Once reached (or timed out) the hold is over for good.

        Args:
            in_flight: How many requests must be in flight at once.
            timeout_s: The longest a request is held.
        """
        with self._overlap:
            self._overlap_target = in_flight
            self._overlap_timeout_s = timeout_s

    def _enter(self) -> None:
        with self._overlap:
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
            if not self._overlap_target:
                return
            if self._in_flight < self._overlap_target:
                self._overlap.wait_for(lambda: not self._overlap_target, self._overlap_timeout_s)
            self._overlap_target = 0
            self._overlap.notify_all()

    def _leave(self) -> None:
        with self._log_lock:
            self._in_flight -= 1

    # ----------------------------------------------------------------- faults and latency

    def set_faults(self, rules: list[dict[str, t.Any]], *, timeout_s: float | None = None) -> None:
        """Replace the fault rules (see ``engagebay_sim.faults``).

        Args:
            rules: Rule dicts.
            timeout_s: How long a ``timeout`` holds a request, if changing it.
        """
        self.faults.set(rules)
        if timeout_s is not None:
            self.timeout_s = timeout_s

    def clear_faults(self) -> None:
        """Remove every fault rule (a reached quota stays reached)."""
        self.faults.set([])

    def set_latency(self, latency: Latency) -> None:
        """Set the latency of every API response.

        Args:
            latency: Fixed ms, or a ``(lo, hi)`` uniform range in ms.
        """
        self.latency = latency

    # ----------------------------------------------------------------- changes

    def update(self, stream: str, record_id: object, **fields: t.Any) -> Record:  # noqa: ANN401
        """Change a record (``updated_time`` = the clock's now). See ``Store.update``.

        Args:
            stream: Stream name.
            record_id: The id.
            **fields: Fields; ``properties`` may be ``{name: value}``.

        Returns:
            The record as now served.
        """
        return self.store.update(stream, record_id, **fields)

    def create(self, stream: str, n: int = 1, **overrides: t.Any) -> list[Record]:  # noqa: ANN401
        """Create records (created_time now, updated_time 0). See ``Store.create``.

        Args:
            stream: Stream name (notes/call_logs need ``contact_id``).
            n: How many.
            **overrides: Fields to set.

        Returns:
            The new records.
        """
        return self.store.create(stream, n, **overrides)

    def delete(self, stream: str, record_id: object) -> None:
        """Delete a record.

        Args:
            stream: Stream name.
            record_id: The id.
        """
        self.store.delete(stream, record_id)

    def add_custom_field(
        self, scope: str, label: str, field_type: str, field_data: str = ""
    ) -> Record:
        """Add a custom field definition; records of the scope get values for it.

        Args:
            scope: CONTACT, COMPANY, DEAL or TICKET.
            label: Label (the property name).
            field_type: Field type.
            field_data: Options for LIST/MULTICHECKBOX.

        Returns:
            The definition.
        """
        return self.store.add_custom_field(scope, label, field_type, field_data)

    def after_requests(self, n: int, fn: Callable[[Simulator], object]) -> None:
        """Run ``fn(sim)`` once the n-th API request from now has been processed.

        It runs before that request's response is sent, so the client cannot race it.

        Args:
            n: Number of API requests from now (1 = the next one).
            fn: The change to make.
        """
        with self._log_lock:
            self._hooks.append((self._api_count + n, fn))

    def new_day(self) -> None:
        """Start a new quota day: the daily API call count starts again from zero."""
        with self._log_lock:
            self._quota_hit = False
            self._quota_base = self._api_count

    def advance(self, seconds: float) -> None:
        """Move the simulator clock forward.

        Args:
            seconds: How far.
        """
        self.store.advance(seconds)

    def now(self) -> float:
        """The simulator clock.

        Returns:
            Epoch seconds.
        """
        return self.store.now()

    # ----------------------------------------------------------------- ground truth

    def truth(self, stream: str) -> Iterator[Record]:
        """Iterate the current records of a stream as the API returns them.

        Args:
            stream: Stream name.

        Returns:
            An iterator of records.
        """
        _check_stream(stream)
        return self.store.truth(stream)

    def ids(self, stream: str) -> set[int]:
        """Ids of the current records of a stream.

        Args:
            stream: Stream name.

        Returns:
            The ids.
        """
        _check_stream(stream)
        return self.store.ids(stream)

    def count(self, stream: str) -> int:
        """Number of current records of a stream.

        Args:
            stream: Stream name.

        Returns:
            The count.
        """
        _check_stream(stream)
        return self.store.count(stream)

    # ----------------------------------------------------------------- internals used by Handler

    def _next_seq(self, *, api: bool) -> tuple[int, int]:
        with self._log_lock:
            self._seq += 1
            if api:
                self._api_count += 1
            return self._seq, self._api_count

    def _quota_exceeded(self, api_count: int) -> bool:
        quota = self.config.quota
        if quota is not None and api_count - self._quota_base > quota:
            self._quota_hit = True
        return self._quota_hit

    def _run_hooks(self, api_count: int) -> None:
        with self._log_lock:
            due = [fn for n, fn in self._hooks if n <= api_count]
            self._hooks = [(n, fn) for n, fn in self._hooks if n > api_count]
        for fn in due:
            fn(self)

    def _latency_ms(self, seq: int) -> float:
        latency = self.latency
        if isinstance(latency, tuple):
            lo, hi = latency
            return lo + (hi - lo) * (h64(self.config.seed, "latency", seq) / 2**64)
        return float(latency)

    def _record(self, entry: dict[str, t.Any]) -> None:
        with self._log_lock:
            self._log.append(entry)

    def control(  # noqa: C901, PLR0911, PLR0912 - a flat routing table reads best
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: t.Any,  # noqa: ANN401
    ) -> tuple[int, t.Any]:
        """Answer a control request (``/_sim/...``).

        Args:
            method: HTTP method.
            path: Path after ``/_sim/``.
            query: Query parameters.
            body: Decoded JSON body.

        Returns:
            ``(status, JSON data)``.
        """
        parts = path.strip("/").split("/")
        if parts == ["health"]:
            return 200, {"ok": True, "url": self.url, "seed": self.config.seed}
        if parts == ["requests"] and method == "GET":
            return 200, self.requests(query.get("path_prefix"))
        if parts == ["in-flight"] and method == "GET":
            return 200, {"peak": self.peak_in_flight}
        if parts == ["requests", "clear"] and method == "POST":
            self.clear_requests()
            return 200, {"ok": True}
        if parts == ["faults"] and method == "GET":
            return 200, [r.as_dict() for r in self.faults.rules]
        if parts == ["faults"] and method == "POST":
            rules = body.get("rules", []) if isinstance(body, dict) else body or []
            timeout = body.get("timeout_s") if isinstance(body, dict) else None
            self.set_faults(rules, timeout_s=timeout)
            return 200, {"ok": True}
        if parts == ["faults", "clear"] and method == "POST":
            self.clear_faults()
            return 200, {"ok": True}
        if parts == ["latency"] and method == "POST":
            body = body or {}
            self.set_latency((body["lo"], body["hi"]) if "lo" in body else body.get("ms", 0))
            return 200, {"ok": True}
        if parts == ["new-day"] and method == "POST":
            self.new_day()
            return 200, {"ok": True}
        if parts == ["advance"] and method == "POST":
            self.advance(float((body or {}).get("seconds", 0)))
            return 200, {"now": self.now()}
        if parts == ["mutate"] and method == "POST":
            ops = body if isinstance(body, list) else [body]
            return 200, [self._mutate(op) for op in ops]
        if len(parts) == 3 and parts[0] == "truth" and method == "GET":  # noqa: PLR2004
            stream, what = parts[1], parts[2]
            if stream not in STREAMS:
                return not_found(f"unknown stream {stream}")
            if what == "count":
                return 200, {"count": self.count(stream)}
            if what == "ids":
                return 200, sorted(self.ids(stream))
            if what == "records":
                return 200, list(self.truth(stream))
        return not_found("unknown control route")

    def _mutate(self, op: dict[str, t.Any]) -> t.Any:  # noqa: ANN401
        kind = op.get("op")
        if kind == "update":
            return self.update(op["stream"], op["id"], **op.get("fields", {}))
        if kind == "create":
            return self.create(op["stream"], int(op.get("n", 1)), **op.get("overrides", {}))
        if kind == "delete":
            self.delete(op["stream"], op["id"])
            return {"deleted": op["id"]}
        if kind == "add_custom_field":
            return self.add_custom_field(
                op["scope"], op["label"], op["field_type"], op.get("field_data", "")
            )
        if kind == "advance":
            self.advance(float(op["seconds"]))
            return {"now": self.now()}
        msg = f"unknown op {kind!r}"
        raise ValueError(msg)


def _check_stream(stream: str) -> None:
    if stream not in STREAMS:
        msg = f"unknown stream {stream!r}; streams: {', '.join(STREAMS)}"
        raise ValueError(msg)


class Handler(BaseHTTPRequestHandler):
    """Serve one connection; the class is bound to a simulator by ``Simulator.start``."""

    sim: Simulator
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "engagebay-sim/0.1"
    sys_version = ""

    def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002, ANN401
        """Keep stderr quiet: the request log is the record."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, from the simulator clock.

        Args:
            timestamp: Ignored unless given explicitly.

        Returns:
            An RFC 7231 date.
        """
        return email.utils.formatdate(timestamp or self._answered_at or self.sim.now(), usegmt=True)

    #: When the answer being sent was made: its ``Date``, even if a hook then moved the clock.
    _answered_at: float | None = None

    def _after_answer(self, api_count: int) -> None:
        """Date the answer just made, then run the changes due after this request."""
        self._answered_at = self.sim.now()
        self.sim._run_hooks(api_count)  # noqa: SLF001

    def do_GET(self) -> None:
        """Handle GET."""
        self._dispatch()

    def do_POST(self) -> None:
        """Handle POST."""
        self._dispatch()

    def do_PUT(self) -> None:
        """Handle PUT."""
        self._dispatch()

    def do_DELETE(self) -> None:
        """Handle DELETE."""
        self._dispatch()

    # ----------------------------------------------------------------- plumbing

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        # Done before the answer is written: the client cannot send its next request before.
        self._release()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_data(self, status: int, data: t.Any, *, as_json: bool) -> None:  # noqa: ANN401
        if status == 204:  # noqa: PLR2004
            self._send(204, b"", "application/json")
        elif as_json:
            self._send(status, _json(data), "application/json; charset=utf-8")
        else:
            self._send(status, to_xml(data), "application/xml; charset=utf-8")

    def _dispatch(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        path = split.path
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        raw = self._read_body()
        if path.startswith(CONTROL_PREFIX):
            self._control(path[len(CONTROL_PREFIX) :], query, raw)
            return
        self.sim._enter()  # noqa: SLF001
        self._in_flight = True
        self._answered_at = None
        try:
            self._api(path, query, raw)
        finally:
            self._release()

    def _release(self) -> None:
        """This request no longer counts as in flight (once)."""
        if getattr(self, "_in_flight", False):
            self._in_flight = False
            self.sim._leave()  # noqa: SLF001

    def _control(self, path: str, query: dict[str, str], raw: bytes) -> None:
        try:
            status, data = self.sim.control(self.command, path, query, parse_json(raw))
        except (KeyError, ValueError, TypeError, UnknownRecordError) as exc:
            status, data = 400, {"error": f"{type(exc).__name__}: {exc}"}
        self._send_data(status, data, as_json=True)

    def _api(  # noqa: C901, PLR0912, PLR0915 - the request pipeline, step by step in order
        self, path: str, query: dict[str, str], raw: bytes
    ) -> None:
        sim = self.sim
        is_api = path.startswith(API_PREFIX) or path.rstrip("/") == API_PREFIX.rstrip("/")
        seq, api_count = sim._next_seq(api=is_api)  # noqa: SLF001
        started = time.monotonic()
        form: dict[str, str] = {}
        content_type = self.headers.get("Content-Type", "")
        body = None
        if "application/json" in content_type:
            body = parse_json(raw)
        elif raw:
            try:
                form = dict(urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                form = {}
            if not form:
                body = parse_json(raw)
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() != "authorization"}
        auth_ok = self.headers.get("Authorization") == sim.config.api_key
        headers["auth_ok"] = auth_ok  # type: ignore[assignment]
        as_json = "application/json" in self.headers.get("Accept", "")
        entry: dict[str, t.Any] = {
            "seq": seq,
            "ts": sim.now(),
            "method": self.command,
            "path": path,
            "query": query,
            "form": form,
            "headers": headers,
            "auth_ok": auth_ok,
            "status": None,
            "fault": None,
            "latency_ms": 0.0,
        }
        latency = sim._latency_ms(seq) if is_api else 0.0  # noqa: SLF001
        if latency > 0:
            sim._stopping.wait(latency / 1000)  # noqa: SLF001
        entry["latency_ms"] = latency
        status: int
        if not is_api:
            status, data = not_found("Unknown endpoint")
            entry["status"] = status
            sim._record(entry)  # noqa: SLF001
            self._send_data(status, data, as_json=True)
            return
        rule = None
        if sim._quota_exceeded(api_count):  # noqa: SLF001
            entry["fault"] = "quota"
        else:
            rule = sim.faults.pick(path)
            if rule is not None:
                entry["fault"] = rule.kind
                if rule.kind == "quota":
                    sim._quota_hit = True  # noqa: SLF001
        if entry["fault"] == "quota":
            entry["status"] = 429
            sim._record(entry)  # noqa: SLF001
            self._after_answer(api_count)
            self._send(429, _json(QUOTA_BODY), "application/json; charset=utf-8")
            return
        if rule is not None and self._early_fault(rule, entry, api_count):
            return
        if not auth_ok:
            status, data = 401, UNAUTHENTICATED
        else:
            params = {**query, **form}
            status, data = sim.api.handle(self.command, path[len(API_PREFIX) :], params, body)
        entry["status"] = status
        entry["duration_ms"] = (time.monotonic() - started) * 1000
        sim._record(entry)  # noqa: SLF001
        self._after_answer(api_count)
        if rule is not None and rule.kind == "truncated":
            full = _json(data)
            self._send(status, full[: len(full) // 2], "application/json; charset=utf-8")
        elif rule is not None and rule.kind == "xml":
            self._send(status, to_xml(data), "application/xml; charset=utf-8")
        else:
            self._send_data(status, data, as_json=as_json)

    def _early_fault(self, rule: Rule, entry: dict[str, t.Any], api_count: int) -> bool:
        """Answer with a fault that replaces the response; False when the request proceeds.

        Args:
            rule: The fault.
            entry: The log entry.
            api_count: The API request number.

        Returns:
            True when the response was sent (or dropped).
        """
        sim = self.sim
        kind = rule.kind
        status: int
        if kind == "slow":
            delay = float(rule.params.get("delay_ms", 1000))
            sim._stopping.wait(delay / 1000)  # noqa: SLF001
            entry["latency_ms"] += delay
            return False
        if kind in {"truncated", "xml"}:
            return False
        extra: dict[str, str] = {}
        content_type = "application/json; charset=utf-8"
        if kind == "timeout":
            entry["status"] = None
            sim._record(entry)  # noqa: SLF001
            self._after_answer(api_count)
            sim._stopping.wait(sim.timeout_s)  # noqa: SLF001
            self.close_connection = True
            return True
        if kind in {"429", "429_retry_after"}:
            status, body = 429, _json({"error": "Too Many Requests", "status": "429"})
            if kind == "429_retry_after":
                extra["Retry-After"] = "1"
        elif kind in {"500", "502", "503"}:
            status = int(kind)
            body = _json({"error": "Server error", "status": kind})
        elif kind in {"403", "404"}:
            status = int(kind)
            error = "Forbidden" if kind == "403" else "Resource not found"
            body = _json({"error": error, "status": kind})
        elif kind == "invalid_cursor":
            from engagebay_sim.api import CURSOR_ERROR  # noqa: PLC0415

            status, body = 500, _json(CURSOR_ERROR)
        elif kind == "error_200":
            status, body = 200, _json(ERROR_200)
        else:  # html
            status = int(rule.params.get("status", 502))
            body, content_type = HTML_PAGE.encode(), "text/html; charset=utf-8"
        entry["status"] = status
        sim._record(entry)  # noqa: SLF001
        self._after_answer(api_count)
        self._send(status, body, content_type, extra)
        return True


def _json(data: t.Any) -> bytes:  # noqa: ANN401 - any JSON
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
