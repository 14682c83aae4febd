"""The 403 policy of APIs whose 403s are not all about credentials.

Some APIs (ActiveCampaign) answer 403 both for a wrong key and, now and then, for no lasting
reason. ``check_forbidden`` sorts a 403 before ``crm_core.errors.classify`` would stop the run:

| 403 whose body...                      | outcome                                            |
|----------------------------------------|----------------------------------------------------|
| says the credentials failed            | AuthenticationError: the run stops at once          |
| says anything else, retries left       | IntermittentForbiddenError: retried (the backoff)   |
| says anything else, no retries left    | ForbiddenError: this stream fails, the others go on |
"""

from __future__ import annotations

import threading
import typing as t
from http import HTTPStatus
from urllib.parse import urlparse

from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from crm_core.errors import AuthenticationError

if t.TYPE_CHECKING:
    from collections.abc import Callable

    import requests

_BODY_SNIPPET = 300


class IntermittentForbiddenError(RetriableAPIError):
    """A 403 that is not about the credentials: retried a few times."""


class ForbiddenError(FatalAPIError):
    """A 403 that kept coming: the stream cannot be read (a permission or plan limit)."""


class ForbiddenRetries:
    """How many times a 403 is retried, counted per request and per thread."""

    def __init__(self, retries: int) -> None:
        """Set the allowance of each request.

        Args:
            retries: Retries of one request after 403s that are not about credentials.
        """
        self.retries = max(0, retries)
        self._local = threading.local()

    def start(self) -> None:
        """A new request (not a retry) starts with the full allowance."""
        self._local.left = self.retries

    def take(self) -> bool:
        """Use one retry of the current request.

        Returns:
            True when one was left.
        """
        left = int(getattr(self._local, "left", self.retries))
        self._local.left = left - 1
        return left > 0


def check_forbidden(  # noqa: PLR0913
    response: requests.Response,
    *,
    vendor: str,
    auth_markers: tuple[str, ...],
    credentials_hint: str,
    retries: ForbiddenRetries,
    redact: Callable[[str], str],
) -> None:
    """Sort a 403: stop the run, retry, or fail the stream; other answers pass through.

    Args:
        response: The answer.
        vendor: The vendor's name, for messages.
        auth_markers: Lower-case texts that, in a 403's body, mean the credentials failed.
        credentials_hint: What to check when they did.
        retries: The current request's retry allowance.
        redact: Removes secrets from a text bound for a message.

    Raises:
        AuthenticationError: The body says the credentials failed.
        IntermittentForbiddenError: Another 403, with retries left.
        ForbiddenError: Another 403, after the retries.
    """
    if response.status_code != HTTPStatus.FORBIDDEN:
        return
    text = response.text
    body = redact(text[:_BODY_SNIPPET].strip())
    where = f"{response.request.method} {urlparse(response.url).path}" if response.request else ""
    lowered = text[:2000].lower()
    if any(marker in lowered for marker in auth_markers):
        msg = f"{vendor} refused the credentials (403 for {where}: {body}). {credentials_hint}"
        raise AuthenticationError(msg)
    if retries.take():
        msg = f"{vendor} answered 403 for {where} ({body}); such 403s come and go"
        raise IntermittentForbiddenError(msg, response)
    msg = (
        f"{vendor} kept answering 403 for {where} after {retries.retries} retries ({body}): "
        "the user of this key may lack the permission, or the plan the feature"
    )
    raise ForbiddenError(msg)
