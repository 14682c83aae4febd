"""The EngageBay API on the simulator core: its auth, its error bodies and its store.

The core (``crm_sim.server``) serves it: loopback only, the request log without the key,
latency, faults, the daily quota, hooks after the n-th request and the ``/_sim/`` control
routes. EngageBay adds the key in a bare ``Authorization`` header, XML unless JSON is asked
for, its error bodies (with their ``status`` strings), custom field definitions as a mutation
and a store whose listings sort on ``created_time`` or ``updated_time``.
"""

from __future__ import annotations

import hmac
import typing as t

from crm_sim.server import ALLOWED_HOST, ApiRequest, Reply
from crm_sim.server import Simulator as CoreSimulator
from engagebay_sim.api import CURSOR_ERROR, Api
from engagebay_sim.config import SimConfig
from engagebay_sim.data import STREAMS
from engagebay_sim.store import Store

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from crm_sim.faults import Rule
    from engagebay_sim.data import Record

API_PREFIX = "/dev/api/panel/"
UNAUTHENTICATED = {"error": "UnAuthenticated User", "status": "401"}
QUOTA_BODY = {"error": "API call limit reached", "status": "429"}
ERROR_200 = {"status": "error", "message": "Something went wrong", "error": "Internal error"}


class Simulator(CoreSimulator):
    """A simulated EngageBay account served over HTTP on 127.0.0.1.

    Use it as a context manager (``with Simulator(SimConfig(seed=1)) as sim: sim.url``), or
    call ``start()`` and ``stop()``.
    """

    name = "engagebay-sim"
    api_prefix = API_PREFIX

    def __init__(
        self, config: SimConfig | None = None, *, host: str = ALLOWED_HOST, port: int = 0
    ) -> None:
        """Prepare (not start) the simulator.

        Args:
            config: The account; defaults to ``SimConfig()``.
            host: Must be ``127.0.0.1``: the simulator never listens on other interfaces.
            port: TCP port; 0 for an ephemeral one.
        """
        self.config = c = config or SimConfig()
        super().__init__(seed=c.seed, latency=c.latency, faults=c.faults, quota=c.quota,
                         timeout_s=c.timeout_s, host=host, port=port)  # fmt: skip
        self.clock.offset = float(c.clock_offset)
        self.store = Store(c, self.clock)
        self.api = Api(self.store, c)

    # ----------------------------------------------------------------- core hooks

    def authenticate(self, request: ApiRequest) -> bool:
        """The REST API key, alone in the ``Authorization`` header.

        Args:
            request: The request.

        Returns:
            True when it is the account's key.
        """
        key = request.headers.get("authorization")
        return key is not None and hmac.compare_digest(key.encode(), self.config.api_key.encode())

    def secrets(self) -> tuple[str, ...]:
        """The API key never reaches the request log.

        Returns:
            The values.
        """
        return (self.config.api_key,)

    def wants_json(self, request: ApiRequest) -> bool:
        """XML unless the client asks for JSON.

        Args:
            request: The request.

        Returns:
            True for JSON.
        """
        return "application/json" in request.headers.get("accept", "")

    def handle(self, request: ApiRequest) -> Reply:
        """Answer an authenticated request from the store (see ``engagebay_sim.api``).

        Args:
            request: The request.

        Returns:
            The reply.
        """
        status, data = self.api.handle(request.method, request.path, request.params, request.body)
        return Reply(status, data)

    def unauthorized(self) -> Reply:
        """EngageBay's 401 for a missing or wrong key.

        Returns:
            The reply.
        """
        return Reply(401, UNAUTHENTICATED)

    def fault_reply(self, kind: str, rule: Rule | None) -> Reply:  # noqa: PLR0911
        """EngageBay's bodies of the faults, each with its ``status`` string.

        Args:
            kind: The fault kind.
            rule: The rule, if any.

        Returns:
            The reply.
        """
        if kind == "quota":
            return Reply(429, QUOTA_BODY)
        if kind in {"429", "429_retry_after"}:
            extra = {"Retry-After": "1"} if kind == "429_retry_after" else {}
            return Reply(429, {"error": "Too Many Requests", "status": "429"}, headers=extra)
        if kind in {"500", "502", "503"}:
            return Reply(int(kind), {"error": "Server error", "status": kind})
        if kind in {"403", "404"}:
            error = "Forbidden" if kind == "403" else "Resource not found"
            return Reply(int(kind), {"error": error, "status": kind})
        if kind == "invalid_cursor":
            return Reply(500, CURSOR_ERROR)
        if kind == "error_200":
            return Reply(200, ERROR_200)
        return super().fault_reply(kind, rule)

    def mutate_extra(self, op: dict[str, t.Any]) -> t.Any:  # noqa: ANN401
        """``/_sim/mutate`` adds custom field definitions too (``op: add_custom_field``).

        Args:
            op: The operation.

        Returns:
            The new definition.
        """
        if op.get("op") == "add_custom_field":
            return self.add_custom_field(
                op["scope"], op["label"], op["field_type"], op.get("field_data", "")
            )
        return super().mutate_extra(op)

    def log_entry(self, seq: int, request: ApiRequest, *, auth_ok: bool) -> dict[str, t.Any]:
        """The core's log entry; its headers also say whether the key was accepted.

        Args:
            seq: Request number.
            request: The request.
            auth_ok: Whether its key was accepted.

        Returns:
            The entry.
        """
        entry = super().log_entry(seq, request, auth_ok=auth_ok)
        entry["headers"]["auth_ok"] = auth_ok
        return entry

    def stream_names(self) -> tuple[str, ...]:
        """Every stream of the account.

        Returns:
            The names.
        """
        return STREAMS

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

    def records(self, stream: str) -> Iterator[Record]:
        """The same as ``truth`` (the core's name).

        Args:
            stream: Stream name.

        Returns:
            An iterator of records.
        """
        return self.truth(stream)

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


def _check_stream(stream: str) -> None:
    if stream not in STREAMS:
        msg = f"unknown stream {stream!r}; streams: {', '.join(STREAMS)}"
        raise ValueError(msg)
