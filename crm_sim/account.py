"""What the vendor simulators share on top of the server: one account, its tables and routes.

A vendor subclasses ``AccountSimulator[ItsConfig, ItsData]``, names ``config_class`` (a
``AccountConfig``) and ``data_class`` (built from the config and the clock, holding ``tables``),
lists its routes with ``compile_routes`` and finds them with ``route``, gives its fault bodies
in ``fault_bodies``, its refusal of bad credentials in ``refusal`` and, when its API takes one
key in one header, that header in ``key_header``; it keeps only what its API does differently.
"""

from __future__ import annotations

import functools
import hmac
import re
import typing as t

from crm_sim.config import AccountConfig
from crm_sim.server import ALLOWED_HOST, ApiRequest, Reply, Simulator

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from crm_sim.faults import Rule
    from crm_sim.table import Clock, Table

#: One route: HTTP method, path pattern (after the API prefix), handler.
Route = tuple[str, re.Pattern[str], "Callable[..., Reply]"]


class AccountData(t.Protocol):
    """The generated data of an account: its tables by stream name."""

    tables: dict[str, Table]


ConfigT = t.TypeVar("ConfigT", bound=AccountConfig)
DataT = t.TypeVar("DataT", bound=AccountData)


def compile_routes(routes: Iterable[tuple[str, str, Callable[..., Reply]]]) -> list[Route]:
    """A route table from ``(method, path regex, handler)`` rows.

    Args:
        routes: The rows; a handler gets the request and the pattern's groups.

    Returns:
        The table.
    """
    return [(method, re.compile(pattern), fn) for method, pattern, fn in routes]


def header_matches(request: ApiRequest, header: str, expected: str) -> bool:
    """Tell, in constant time, whether a header holds an expected key.

    Args:
        request: The request.
        header: Header name, lower case.
        expected: The key.

    Returns:
        True when it does.
    """
    sent = request.headers.get(header, "")
    return hmac.compare_digest(sent.encode(), expected.encode())


class AccountSimulator(Simulator, t.Generic[ConfigT, DataT]):
    """A simulated account of one vendor: config, data, tables, routes and fault bodies."""

    config_class: type[ConfigT]
    data_class: Callable[[ConfigT, Clock], DataT]
    #: Replies of faults that differ from the core's: kind -> (status, JSON body).
    fault_bodies: t.ClassVar[dict[str, tuple[int, dict[str, t.Any]]]] = {}
    #: Fault kinds whose reply carries ``Retry-After: 1``.
    retry_after_kinds: t.ClassVar[frozenset[str]] = frozenset({"429_retry_after"})
    #: The header that must hold the API key, when the vendor's auth is one key in one header.
    key_header: t.ClassVar[str | None] = None
    #: The config field holding that key (a secret: never in the request log).
    key_field: t.ClassVar[str] = "api_key"
    #: The reply to missing or wrong credentials: (status, JSON body); None keeps the core's.
    refusal: t.ClassVar[tuple[int, dict[str, t.Any]] | None] = None

    def __init__(
        self, config: ConfigT | None = None, *, host: str = ALLOWED_HOST, port: int = 0
    ) -> None:
        """Prepare (not start) the simulator and generate the account's tables lazily.

        Args:
            config: The account; defaults to ``config_class()``.
            host: Must be ``127.0.0.1``.
            port: TCP port; 0 for a free one.
        """
        self.config: ConfigT = config if config is not None else self.config_class()
        c = self.config
        super().__init__(seed=c.seed, latency=c.latency, faults=c.faults, quota=c.quota,
                         timeout_s=c.timeout_s, host=host, port=port)  # fmt: skip
        self.data: DataT = self.data_class(c, self.clock)
        self.tables = dict(self.data.tables)
        self.routes: list[Route] = []

    def authenticate(self, request: ApiRequest) -> bool:
        """With ``key_header``, accept a request whose header holds the key; else the core's check.

        Args:
            request: The request.

        Returns:
            True when accepted.
        """
        if self.key_header is None:
            return super().authenticate(request)
        return header_matches(request, self.key_header, getattr(self.config, self.key_field))

    def secrets(self) -> tuple[str, ...]:
        """With ``key_header``, the key; else none.

        Returns:
            The values the request log never shows.
        """
        return (getattr(self.config, self.key_field),) if self.key_header else super().secrets()

    def unauthorized(self) -> Reply:
        """The ``refusal`` reply, else the core's.

        Returns:
            The reply.
        """
        if self.refusal is None:
            return super().unauthorized()
        status, body = self.refusal
        return Reply(status, dict(body))

    def route(self, request: ApiRequest) -> Callable[[ApiRequest], Reply] | None:
        """The handler of a request from ``routes`` (the method and the whole path match).

        Args:
            request: The request.

        Returns:
            The handler with the path's groups bound, or None when no route matches.
        """
        for method, pattern, fn in self.routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                return functools.partial(_call, fn, match.groups())
        return None

    def fault_reply(self, kind: str, rule: Rule | None) -> Reply:
        """The vendor's reply of a fault (``fault_bodies``), else the core's.

        Args:
            kind: The fault kind.
            rule: The rule, if any.

        Returns:
            The reply.
        """
        if kind not in self.fault_bodies:
            return super().fault_reply(kind, rule)
        status, body = self.fault_bodies[kind]
        extra = {"Retry-After": "1"} if kind in self.retry_after_kinds else {}
        return Reply(status, dict(body), headers=extra)

    def changed_since(self, stream: str, seconds: int) -> set[int]:
        """Ids of records created or updated after a time (ground truth of incremental reads).

        Args:
            stream: Stream name.
            seconds: Epoch seconds.

        Returns:
            The ids.
        """
        table = self.table(stream)
        return {table.ids.id_of(i) for i in table.indexes()
                if any(x > seconds for x in table.times_of(i))}  # fmt: skip


def _call(fn: Callable[..., Reply], groups: tuple[str, ...], request: ApiRequest) -> Reply:
    return fn(request, *groups)
