"""Backoff for transient failures: exponential waits, Retry-After, and the caps.

Settings (every tap declares them, ``RETRY_SETTINGS``): ``max_retries`` (retries of one
request), ``max_retry_seconds`` (total time spent retrying one request), ``retry_wait_base``
(the first wait in seconds, doubled each retry) and ``retry_wait_max`` (the longest single
wait, which also caps a Retry-After).
"""

from __future__ import annotations

import dataclasses
import email.utils
import typing as t

import backoff
import requests
from singer_sdk import typing as th
from singer_sdk.exceptions import RetriableAPIError

if t.TYPE_CHECKING:
    from collections.abc import Callable, Generator, Mapping

#: What is retried: the SDK's retriable errors (5xx, 429, bodies that are not data) and the
#: network's own failures.
RETRIABLE: tuple[type[Exception], ...] = (
    ConnectionResetError,
    RetriableAPIError,
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

#: A number written as text: how Meltano passes a `kind: string` setting.
NUMBER = r"^[0-9]+(\.[0-9]+)?$"

RETRY_SETTINGS: tuple[th.Property[t.Any], ...] = (
    th.Property(
        "request_timeout",
        th.IntegerType(minimum=1),
        default=60,
        description="Seconds to wait for one answer before retrying.",
    ),
    th.Property(
        "max_retries",
        th.IntegerType(minimum=0),
        default=8,
        description="Retries of one request after a 429, 5xx, timeout or unreadable answer.",
    ),
    th.Property(
        "max_retry_seconds",
        th.IntegerType(minimum=0),
        default=900,
        description="Cap on the total time spent retrying one request, in seconds.",
    ),
    th.Property(
        "retry_wait_base",
        # Meltano passes it as a string (`kind: string`: its decimal kind cannot be read from
        # the environment), e.g. "0.5".
        th.CustomType({"type": ["number", "string"], "minimum": 0, "pattern": NUMBER}),
        default=2,
        description="First retry wait in seconds (fractions allowed, e.g. 0.5); doubles each "
        "retry. A Retry-After header, when sent, sets the wait instead.",
    ),
    th.Property(
        "retry_wait_max",
        th.IntegerType(minimum=0),
        default=120,
        description="Longest single wait between retries, in seconds.",
    ),
)


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how long one request is retried."""

    max_retries: int = 8
    max_retry_seconds: float = 900
    wait_base: float = 2.0
    wait_max: float = 120
    #: Shortens a wait, given the failure before it (EngageBay: a connection error before
    #: the host ever answered waits at most a few seconds).
    cap: Callable[[BaseException | None, float], float] | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, t.Any]) -> RetryPolicy:
        """Read the policy from a tap's settings.

        Args:
            config: The settings.

        Returns:
            The policy.
        """
        return cls(
            max_retries=int(config.get("max_retries", 8)),
            max_retry_seconds=float(config.get("max_retry_seconds", 900)),
            wait_base=float(config.get("retry_wait_base", 2)),
            wait_max=float(config.get("retry_wait_max", 120)),
        )

    def waits(self) -> Generator[float, t.Any, None]:
        """Exponential waits; a Retry-After header on the failed answer sets the wait.

        Yields:
            Seconds to wait before the next attempt (backoff sends in each exception).
        """
        exception = yield 0.0
        attempt = 0
        while True:
            wait = min(self.wait_max, self.wait_base * (2**attempt))
            response = getattr(exception, "response", None)
            after = retry_after_seconds(response) if response is not None else None
            if after is not None:
                wait = min(self.wait_max, after)
            if self.cap is not None:
                wait = self.cap(exception, wait)
            attempt += 1
            exception = yield wait

    def wrap(
        self,
        func: Callable[..., t.Any],
        on_backoff: Callable[[Mapping[str, t.Any]], None],
    ) -> Callable[..., t.Any]:
        """Retry ``func`` on transient failures within the caps.

        Args:
            func: Sends one attempt.
            on_backoff: Called before each wait (logs one line).

        Returns:
            The retrying function.
        """
        return backoff.on_exception(
            self.waits,
            RETRIABLE,
            max_tries=self.max_retries + 1,
            max_time=self.max_retry_seconds,
            on_backoff=on_backoff,
            jitter=jitter,
            logger=None,
        )(func)


def jitter(value: float) -> float:
    """No random jitter below a second (Retry-After, tests); a little above.

    Args:
        value: The planned wait.

    Returns:
        The wait to use.
    """
    return float(backoff.random_jitter(value)) if value >= 1 else value


def server_time_of(response: requests.Response) -> int | None:
    """The server's clock from the ``Date`` header, in epoch seconds.

    Args:
        response: Any response.

    Returns:
        The server time, or None when the header is missing or unreadable.
    """
    header = response.headers.get("Date")
    if not header:
        return None
    try:
        return int(email.utils.parsedate_to_datetime(header).timestamp())
    except (TypeError, ValueError):
        return None


def retry_after_seconds(response: requests.Response) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date).

    Args:
        response: The failed answer.

    Returns:
        The seconds, or None without a readable header.
    """
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        now = server_time_of(response)
        return max(0.0, when.timestamp() - now) if now else None
