"""The loopback HTTP server every vendor simulator runs on.

It owns what no vendor does differently: binding to 127.0.0.1 only, the request log (without
the vendor's credentials), latency, fault rules, the daily quota, the clock, hooks after the
n-th request and the ``/_sim/`` control routes. A vendor subclasses ``Simulator`` and gives
its routes (``handle``), its auth check, its tables and the bodies of its errors.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import threading
import time
import typing as t
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crm_sim.faults import Faults
from crm_sim.table import Clock, InvalidCursorError, UnknownRecordError
from crm_sim.text import h64
from crm_sim.xmlout import to_xml

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import TracebackType
    from typing import Self

    from crm_sim.faults import Rule
    from crm_sim.table import Record, Table

CONTROL_PREFIX = "/_sim/"
ALLOWED_HOST = "127.0.0.1"
REDACTED = "***"
JSON_TYPE = "application/json; charset=utf-8"
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>Bad Gateway</h1><p>The proxy received an invalid response.</p></body></html>"
)

Latency = float | tuple[float, float]


@dataclasses.dataclass
class Reply:
    """An API answer: JSON data (rendered as JSON or XML), or raw bytes.

    Attributes:
        status: HTTP status; 204 sends no body.
        data: JSON-ready data, rendered per the client's ``Accept``.
        raw: Bytes sent as they are (with ``content_type``), instead of ``data``.
        content_type: Content type of ``raw``.
        headers: Extra headers.
    """

    status: int
    data: t.Any = None
    raw: bytes | None = None
    content_type: str = JSON_TYPE
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ApiRequest:
    """One API request as the vendor sees it.

    Attributes:
        method: HTTP method.
        path: Path after the vendor's API prefix.
        query: Query parameters.
        form: Form body parameters.
        body: Decoded JSON body, if any.
        headers: Headers (lower-case names), credentials included.
    """

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    body: t.Any
    headers: dict[str, str]

    @property
    def params(self) -> dict[str, str]:
        """Query and form parameters together (form wins).

        Returns:
            The parameters.
        """
        return {**self.query, **self.form}


def parse_json(raw: bytes) -> t.Any:  # noqa: ANN401 - any JSON
    """Decode a JSON body leniently.

    Args:
        raw: The body.

    Returns:
        The data, or None when empty or not JSON.
    """
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def dump_json(data: t.Any) -> bytes:  # noqa: ANN401 - any JSON
    """Encode JSON compactly in UTF-8.

    Args:
        data: JSON-ready data.

    Returns:
        The bytes.
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


#: Faults answered with their own status code, and the error their body names.
STATUS_FAULTS = {
    "403": "Forbidden",
    "404": "Not found",
    "500": "Server error",
    "502": "Server error",
    "503": "Server error",
}


class Simulator:
    """A simulated account served over HTTP on 127.0.0.1; vendors subclass it.

    Use it as a context manager (``with Sim(...) as sim: sim.url``), or ``start``/``stop``.
    """

    name = "crm-sim"
    api_prefix = "/api/"
    redact_headers: frozenset[str] = frozenset({"authorization"})

    def __init__(  # noqa: PLR0913 - the generic knobs
        self,
        *,
        seed: int = 0,
        latency: Latency = 0.0,
        faults: t.Iterable[dict[str, t.Any]] = (),
        quota: int | None = None,
        timeout_s: float = 5.0,
        host: str = ALLOWED_HOST,
        port: int = 0,
    ) -> None:
        """Prepare (not start) the server.

        Args:
            seed: Seed of fault draws and latency ranges.
            latency: Fixed ms, or a ``(lo, hi)`` uniform range in ms, per API request.
            faults: Fault rules (see ``crm_sim.faults``).
            quota: Daily API call quota; None for unlimited.
            timeout_s: How long the ``timeout`` fault holds a request.
            host: Must be ``127.0.0.1``.
            port: TCP port; 0 for a free one.

        Raises:
            ValueError: When host is not 127.0.0.1.
        """
        if host != ALLOWED_HOST:
            msg = f"the simulator only binds to {ALLOWED_HOST}, not {host!r}"
            raise ValueError(msg)
        self.seed = seed
        self.host = host
        self.port = port
        self.clock = Clock()
        self.tables: dict[str, Table] = {}
        self.faults = Faults(seed, faults)
        self.latency: Latency = latency
        self.quota = quota
        self.timeout_s = timeout_s
        self._log: list[dict[str, t.Any]] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        self._peak_in_flight = 0
        self._seq = 0
        self._api_count = 0
        self._quota_hit = False
        self._quota_base = 0
        self._hooks: list[tuple[int, Callable[[Simulator], object]]] = []
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # hold_until_overlap: requests wait on this (the lock's) condition until enough are in
        # flight at once.
        self._overlap = threading.Condition(self._lock)
        self._overlap_target = 0
        self._overlap_timeout_s = 0.0

    # ----------------------------------------------------------------- vendor hooks

    def authenticate(self, request: ApiRequest) -> bool:  # noqa: ARG002 - vendors override
        """Tell whether the request carries valid credentials.

        Args:
            request: The request.

        Returns:
            True when accepted.
        """
        return True

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in the request log (keys, passwords, user emails).

        Returns:
            The values.
        """
        return ()

    def wants_json(self, request: ApiRequest) -> bool:  # noqa: ARG002 - vendors override
        """Tell whether to answer in JSON (else XML); JSON unless the vendor says otherwise.

        Args:
            request: The request.

        Returns:
            True for JSON.
        """
        return True

    def handle(self, request: ApiRequest) -> Reply:  # noqa: ARG002 - vendors override
        """Answer an authenticated API request.

        Args:
            request: The request.

        Returns:
            The reply.
        """
        return Reply(404, {"error": "Unknown endpoint"})

    def unauthorized(self) -> Reply:
        """The answer to a request without valid credentials.

        Returns:
            The reply.
        """
        return Reply(401, {"error": "Unauthorized"})

    def fault_reply(self, kind: str, rule: Rule | None) -> Reply:
        """The answer of a fault that replaces the response (vendors override the bodies).

        Args:
            kind: The fault kind.
            rule: The rule (its ``params`` may carry a status); None for a real bad cursor.

        Returns:
            The reply.
        """
        if kind == "quota":
            return Reply(429, {"error": "API call limit reached"})
        if kind in {"429", "429_retry_after"}:
            extra = {"Retry-After": "1"} if kind == "429_retry_after" else {}
            return Reply(429, {"error": "Too Many Requests"}, headers=extra)
        if kind in STATUS_FAULTS:
            return Reply(int(kind), {"error": STATUS_FAULTS[kind]})
        if kind == "invalid_cursor":
            return Reply(400, {"error": "Invalid cursor"})
        if kind == "error_200":
            return Reply(200, {"status": "error", "message": "Something went wrong"})
        status = int(rule.params.get("status", 502)) if rule else 502
        return Reply(status, raw=HTML_PAGE.encode(), content_type="text/html; charset=utf-8")

    def control_routes(self) -> dict[tuple[str, str], Callable[[], t.Any]]:
        """Vendor-specific control routes, answered 200 with what their function returns.

        Returns:
            ``{(method, path after /_sim/): function}``; they come before the core's.
        """
        return {}

    def mutate_extra(self, op: dict[str, t.Any]) -> t.Any:  # noqa: ANN401
        """Vendor-specific ``/_sim/mutate`` operations.

        Args:
            op: The operation.

        Raises:
            ValueError: Always, unless a vendor handles the op.
        """
        msg = f"unknown op {op.get('op')!r}"
        raise ValueError(msg)

    # ----------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``.

        Raises:
            RuntimeError: When not started.
        """
        if self._server is None:
            msg = "simulator not started"
            raise RuntimeError(msg)
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> Self:
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
        self.stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (pending timeouts are cut short)."""
        self.stopping.set()
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
        return self.start()

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
        """The request log (oldest first), optionally only paths under a prefix.

        A prefix without a leading slash is taken relative to the API prefix.

        Args:
            path_prefix: e.g. ``contacts``.

        Returns:
            Copies of the entries.
        """
        if path_prefix is not None and not path_prefix.startswith("/"):
            path_prefix = self.api_prefix + path_prefix
        with self._lock:
            return [dict(e) for e in self._log
                    if path_prefix is None or e["path"].startswith(path_prefix)]  # fmt: skip

    def clear_requests(self) -> None:
        """Empty the request log."""
        with self._lock:
            self._log.clear()
            self._peak_in_flight = self._in_flight

    @property
    def peak_in_flight(self) -> int:
        """The most requests answered at once since start or the last clear."""
        with self._lock:
            return self._peak_in_flight

    def redact(self, text: str) -> str:
        """Mask every secret inside a string (also URL-encoded forms of it).

        Args:
            text: Any logged text.

        Returns:
            The text without secrets.
        """
        for secret in self.secrets():
            if secret:
                for form in {secret, urllib.parse.quote(secret), urllib.parse.quote_plus(secret)}:
                    text = text.replace(form, REDACTED)
        return text

    # ----------------------------------------------------------------- knobs

    def set_faults(self, rules: list[dict[str, t.Any]], *, timeout_s: float | None = None) -> None:
        """Replace the fault rules.

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
            latency: Fixed ms, or a ``(lo, hi)`` range in ms.
        """
        self.latency = latency

    def after_requests(self, n: int, fn: Callable[[Simulator], object]) -> None:
        """Run ``fn(sim)`` once the n-th API request from now is processed (before its answer).

        Args:
            n: API requests from now (1 = the next one).
            fn: The change.
        """
        with self._lock:
            self._hooks.append((self._api_count + n, fn))

    def new_day(self) -> None:
        """Start a new quota day."""
        with self._lock:
            self._quota_hit = False
            self._quota_base = self._api_count

    def advance(self, seconds: float) -> None:
        """Move the clock forward.

        Args:
            seconds: How far.
        """
        self.clock.advance(seconds)

    def now(self) -> float:
        """The simulator clock.

        Returns:
            Epoch seconds.
        """
        return self.clock.now()

    # ----------------------------------------------------------------- ground truth and changes

    def table(self, stream: str) -> Table:
        """A stream's table.

        Args:
            stream: Stream name.

        Returns:
            The table.

        Raises:
            ValueError: On an unknown stream.
        """
        if stream not in self.tables:
            msg = f"unknown stream {stream!r}; streams: {', '.join(self.tables)}"
            raise ValueError(msg)
        return self.tables[stream]

    def records(self, stream: str) -> Iterator[Record]:
        """Every current record of a stream, as served.

        Args:
            stream: Stream name.

        Returns:
            An iterator.
        """
        return self.table(stream).truth()

    def ids(self, stream: str) -> set[int]:
        """Ids of the current records of a stream.

        Args:
            stream: Stream name.

        Returns:
            The ids.
        """
        return self.table(stream).id_set()

    def count(self, stream: str) -> int:
        """Number of current records of a stream.

        Args:
            stream: Stream name.

        Returns:
            The count.
        """
        return self.table(stream).size()

    def update(self, stream: str, record_id: object, **fields: t.Any) -> Record:  # noqa: ANN401
        """Change a record (its update time becomes the clock's now).

        Args:
            stream: Stream name.
            record_id: The id.
            **fields: Fields.

        Returns:
            The record as now served.
        """
        return self.table(stream).update(record_id, **fields)

    def create(self, stream: str, n: int = 1, **overrides: t.Any) -> list[Record]:  # noqa: ANN401
        """Create records (created now, never updated).

        Args:
            stream: Stream name.
            n: How many.
            **overrides: Fields (children name their parent).

        Returns:
            The new records.
        """
        return self.table(stream).create(n, **overrides)

    def delete(self, stream: str, record_id: object) -> None:
        """Delete a record.

        Args:
            stream: Stream name.
            record_id: The id.
        """
        self.table(stream).delete(record_id)

    # ----------------------------------------------------------------- control routes

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
        vendor = self.control_routes().get((method, path.strip("/")))
        if vendor is not None:
            return 200, vendor()
        parts = path.strip("/").split("/")
        if parts == ["health"]:
            return 200, {"ok": True, "url": self.url, "seed": self.seed}
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
            if stream not in self.stream_names():
                return 404, {"error": f"unknown stream {stream}"}
            if what == "count":
                return 200, {"count": self.count(stream)}
            if what == "ids":
                return 200, sorted(self.ids(stream))
            if what == "records":
                return 200, list(self.records(stream))
        return 404, {"error": "unknown control route"}

    def _mutate(self, op: dict[str, t.Any]) -> t.Any:  # noqa: ANN401
        kind = op.get("op")
        if kind == "update":
            return self.update(op["stream"], op["id"], **op.get("fields", {}))
        if kind == "create":
            return self.create(op["stream"], int(op.get("n", 1)), **op.get("overrides", {}))
        if kind == "delete":
            self.delete(op["stream"], op["id"])
            return {"deleted": op["id"]}
        if kind == "advance":
            self.advance(float(op["seconds"]))
            return {"now": self.now()}
        return self.mutate_extra(op)

    # ----------------------------------------------------------------- used by Handler

    def _begin(self) -> tuple[int, int]:
        with self._lock:
            self._seq += 1
            self._api_count += 1
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
            self._hold_for_overlap()
            return self._seq, self._api_count

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _quota_exceeded(self, api_count: int) -> bool:
        with self._lock:
            if self.quota is not None and api_count - self._quota_base > self.quota:
                self._quota_hit = True
            return self._quota_hit

    def _hit_quota(self) -> None:
        with self._lock:
            self._quota_hit = True

    def _run_hooks(self, api_count: int) -> None:
        with self._lock:
            due = [fn for n, fn in self._hooks if n <= api_count]
            self._hooks = [(n, fn) for n, fn in self._hooks if n > api_count]
        for fn in due:
            fn(self)

    def _latency_ms(self, seq: int) -> float:
        latency = self.latency
        if isinstance(latency, tuple):
            lo, hi = latency
            return lo + (hi - lo) * (h64(self.seed, "latency", seq) / 2**64)
        return float(latency)

    def _record(self, entry: dict[str, t.Any]) -> None:
        with self._lock:
            self._log.append(entry)

    def log_entry(self, seq: int, request: ApiRequest, *, auth_ok: bool) -> dict[str, t.Any]:
        """The request log entry of a request, with every credential removed.

        Args:
            seq: Request number.
            request: The request.
            auth_ok: Whether its credentials were accepted.

        Returns:
            The entry.
        """
        red = self.redact
        headers = {k: red(v) for k, v in request.headers.items() if k not in self.redact_headers}
        path = request.path if request.path.startswith("/") else self.api_prefix + request.path
        return {
            "seq": seq,
            "ts": self.now(),
            "method": request.method,
            "path": red(path),
            "query": {red(k): red(v) for k, v in request.query.items()},
            "form": {red(k): red(v) for k, v in request.form.items()},
            "headers": headers,
            "auth_ok": auth_ok,
            "status": None,
            "fault": None,
            "latency_ms": 0.0,
        }

    # ----------------------------------------------------------------- hooks added for EngageBay

    def stream_names(self) -> tuple[str, ...]:
        """The streams whose ground truth ``/_sim/truth/<stream>/...`` serves.

        Returns:
            Their names (the tables' by default).
        """
        return tuple(self.tables)

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

    def _hold_for_overlap(self) -> None:
        """Called with the lock held, once a request is counted in flight."""
        if not self._overlap_target:
            return
        if self._in_flight < self._overlap_target:
            self._overlap.wait_for(lambda: not self._overlap_target, self._overlap_timeout_s)
        self._overlap_target = 0
        self._overlap.notify_all()


class Handler(BaseHTTPRequestHandler):
    """Serve one connection; ``Simulator.start`` binds the class to a simulator."""

    sim: Simulator
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    sys_version = ""

    def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002, ANN401
        """Keep stderr quiet: the request log is the record."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, from the simulator clock.

        Args:
            timestamp: Used when given.

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

    def version_string(self) -> str:
        """The ``Server`` header.

        Returns:
            The vendor simulator's name.
        """
        return self.sim.name

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

    def _send(self, reply: Reply, *, as_json: bool) -> None:
        # No longer in flight before the answer is written: the client cannot send its next
        # request before, so ``peak_in_flight`` never counts one client request twice.
        self._release()
        if reply.status == 204:  # noqa: PLR2004
            body, ctype = b"", None
        elif reply.raw is not None:
            body, ctype = reply.raw, reply.content_type
        elif as_json:
            body, ctype = dump_json(reply.data), JSON_TYPE
        else:
            body, ctype = to_xml(reply.data), "application/xml; charset=utf-8"
        self.send_response(reply.status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if split.path.startswith(CONTROL_PREFIX):
            try:
                status, data = self.sim.control(
                    self.command, split.path[len(CONTROL_PREFIX) :], query, parse_json(raw)
                )
            except (KeyError, ValueError, TypeError, UnknownRecordError) as exc:
                status, data = 400, {"error": f"{type(exc).__name__}: {exc}"}
            self._send(Reply(status, data), as_json=True)
            return
        self._api(split.path, query, raw)

    def _request(self, path: str, query: dict[str, str], raw: bytes) -> ApiRequest:
        headers = {k.lower(): v for k, v in self.headers.items()}
        form: dict[str, str] = {}
        body = None
        if "application/json" in headers.get("content-type", ""):
            body = parse_json(raw)
        elif raw:
            try:
                form = dict(urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                form = {}
            if not form:
                body = parse_json(raw)
        prefix = self.sim.api_prefix
        return ApiRequest(self.command, path.removeprefix(prefix), query, form, body, headers)

    def _api(self, path: str, query: dict[str, str], raw: bytes) -> None:
        seq, api_count = self.sim._begin()  # noqa: SLF001
        self._counted = True
        self._answered_at = None
        try:
            self._serve(seq, api_count, path, query, raw)
        finally:
            self._release()

    def _release(self) -> None:
        """This request no longer counts as in flight (once)."""
        if getattr(self, "_counted", False):
            self._counted = False
            self.sim._end()  # noqa: SLF001

    def _serve(  # noqa: C901, PLR0912, PLR0915 - the request pipeline, step by step in order
        self, seq: int, api_count: int, path: str, query: dict[str, str], raw: bytes
    ) -> None:
        sim = self.sim
        started = time.monotonic()
        request = self._request(path, query, raw)
        auth_ok = sim.authenticate(request)
        entry = sim.log_entry(seq, request, auth_ok=auth_ok)
        as_json = sim.wants_json(request)
        latency = sim._latency_ms(seq)  # noqa: SLF001
        if latency > 0:
            sim.stopping.wait(latency / 1000)
        entry["latency_ms"] = latency
        if not path.startswith(sim.api_prefix):  # not the API: no quota, no faults
            entry["status"] = 404
            sim._record(entry)  # noqa: SLF001
            self._send(Reply(404, {"error": "Unknown endpoint"}), as_json=as_json)
            return
        rule = None
        if sim._quota_exceeded(api_count):  # noqa: SLF001
            entry["fault"] = "quota"
        else:
            rule = sim.faults.pick(path)
            if rule is not None:
                entry["fault"] = rule.kind
                if rule.kind == "quota":
                    sim._hit_quota()  # noqa: SLF001
        kind = entry["fault"]
        if kind == "slow" and rule is not None:
            delay = float(rule.params.get("delay_ms", 1000))
            sim.stopping.wait(delay / 1000)
            entry["latency_ms"] += delay
        if kind == "timeout":
            sim._record(entry)  # noqa: SLF001
            self._after_answer(api_count)
            sim.stopping.wait(sim.timeout_s)
            self.close_connection = True
            return
        reply: Reply
        if kind is not None and kind not in {"slow", "truncated", "xml"}:
            reply = sim.fault_reply(kind, rule)
        elif not auth_ok:
            reply = sim.unauthorized()
        else:
            try:
                reply = sim.handle(request)
            except InvalidCursorError:
                reply = sim.fault_reply("invalid_cursor", None)
        entry["status"] = reply.status
        entry["duration_ms"] = (time.monotonic() - started) * 1000
        sim._record(entry)  # noqa: SLF001
        self._after_answer(api_count)
        if kind == "truncated" and reply.raw is None and reply.status != 204:  # noqa: PLR2004
            full = dump_json(reply.data)
            reply = Reply(reply.status, raw=full[: len(full) // 2], headers=reply.headers)
        elif kind == "xml":
            as_json = False
        self._send(reply, as_json=as_json)
