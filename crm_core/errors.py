"""Every way an answer can go wrong, and ``classify``: the pure table from answer to outcome.

| answer                                              | class                   | retried |
|-----------------------------------------------------|-------------------------|---------|
| the vendor's quota text (any status >= 400, or 200) | QuotaExhaustedError     | no      |
| 401, 403 (``auth_statuses``)                        | AuthenticationError     | no      |
| 403 not among them (EngageBay)                      | ForbiddenError          | no      |
| 5xx with an invalid-cursor marker (EngageBay)       | InvalidCursorError      | no      |
| 400                                                 | BadRequestError         | no      |
| 404                                                 | NotFoundError           | no      |
| 429 without the quota text                          | RateLimitedError        | yes     |
| 5xx                                                 | (SDK) RetriableAPIError | yes     |
| any other 4xx                                       | (SDK) FatalAPIError     | no      |
| 2xx that is not JSON (XML, HTML), cut-off JSON      | UnexpectedBodyError     | yes     |
| 2xx whose JSON body is an error                     | ErrorInBodyError        | yes     |
| an empty status (e.g. 204)                          | (data: None)            |         |

A tap may sort some answers further (EngageBay: 403 is ``ForbiddenError``, a 500 "Invalid
cursor" is ``InvalidCursorError``, no connection before the host ever answered is
``UnreachableHostError``). ``endpoint_of`` and ``status_of`` say, for a stream's failure line,
which request failed and what it answered.
"""

from __future__ import annotations

import dataclasses
import json
import typing as t
from http import HTTPStatus
from urllib.parse import urlparse

import msgspec
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

if t.TYPE_CHECKING:
    from collections.abc import Callable

    import requests

_BODY_SNIPPET = 300


class AuthenticationError(FatalAPIError):
    """The credentials were refused, or the plan has no API access: the run stops."""

    status = "401 Unauthorized"


class ForbiddenError(FatalAPIError):
    """The vendor refused this endpoint (403), e.g. the plan lacks it: the stream fails."""

    status = "403 Forbidden"


class BadRequestError(FatalAPIError):
    """The vendor refused the request as malformed (400)."""

    status = "400 Bad Request"


class InvalidCursorError(BadRequestError):
    """The vendor refused a paging cursor (a 500 saying "Invalid cursor"): retrying cannot help."""

    status = "500 Invalid cursor"


class NotFoundError(FatalAPIError):
    """The endpoint or record does not exist (404)."""

    status = "404 Not Found"


class QuotaExhaustedError(FatalAPIError):
    """The account's API call quota is used up: retrying now cannot help."""


class UnreachableHostError(FatalAPIError):
    """The API URL could not be reached before it ever answered in this run: most likely wrong."""


class StreamStoppedError(FatalAPIError):
    """A request of a stream that already failed in this run: it is not sent."""


class StreamsFailedError(FatalAPIError):
    """Some streams failed; the others were read to the end (one line per stream)."""


class UsageError(Exception):
    """A file the user gave (state, catalog) that the tap cannot use: one line says why."""


class RateLimitedError(RetriableAPIError):
    """Too many requests in a short time (429): wait and retry."""


class UnexpectedBodyError(RetriableAPIError):
    """A successful status with a body that is not the JSON asked for."""


class ErrorInBodyError(RetriableAPIError):
    """A successful status whose JSON body reports an error instead of data."""


class UnsafeURLError(ValueError):
    """The configured API URL would send credentials in clear text to a remote host."""


class RepeatedCursorError(RuntimeError):
    """The API handed out a cursor it had already handed out in this listing."""


#: What ends the whole run at once: every further request would fail the same way.
GLOBAL_ERRORS: tuple[type[FatalAPIError], ...] = (
    QuotaExhaustedError,
    AuthenticationError,
    UnreachableHostError,
)


def endpoint_of(error: BaseException) -> str | None:
    """The request a failure came from (set by the stream that sent it), e.g. ``GET /forms``.

    Args:
        error: Why a stream failed.

    Returns:
        The method and path, or None when no request failed (e.g. a bad record).
    """
    endpoint = getattr(error, "endpoint", None)
    if isinstance(endpoint, str):
        return endpoint
    # A failure the tap raised about an answer (e.g. "this endpoint is missing") names it as
    # its cause.
    cause = error.__cause__
    return endpoint_of(cause) if cause is not None else None


def status_of(error: BaseException) -> str:
    """What the API answered, in a few words, for a stream's failure line.

    Args:
        error: Why a stream failed.

    Returns:
        E.g. ``404 Not Found``, ``503 on all 9 attempts (its retries are used up)``, or the
        kind of network error.
    """
    status = getattr(error, "status", None)
    if isinstance(status, str):
        return status
    if getattr(error, "endpoint", None) is None and error.__cause__ is not None:
        return status_of(error.__cause__)
    response = getattr(error, "response", None)
    code = getattr(response, "status_code", None)
    answer = str(code) if isinstance(code, int) else type(error).__name__
    attempts = getattr(error, "attempts", None)
    if isinstance(attempts, int) and attempts > 1:
        # Retried until max_retries or max_retry_seconds ran out.
        return f"{answer} on all {attempts} attempts (its retries are used up)"
    return answer


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """What one vendor's answers say, for messages and for the table.

    Attributes:
        vendor: The vendor's name in messages ("Agile CRM").
        credentials_hint: What to check when the credentials are refused.
        quota_markers: Lower-case texts that, in an error answer, mean the quota is used up.
        auth_markers: Lower-case texts that, in an error inside a 200, mean refused credentials.
        empty_statuses: Statuses that mean "no records" (204 for Agile CRM).
        quota_hint: What the quota stop message adds.
        quota_name: What the vendor's quota is called ("daily API call limit").
        credentials_noun: What the credentials are called ("API key").
        auth_statuses: Statuses that mean refused credentials (the run stops); a 403 not
            among them is a ``ForbiddenError`` (the stream fails).
        forbidden_hint: What a 403 ``ForbiddenError`` message adds.
        invalid_cursor_markers: Lower-case texts that, in a 5xx, mean the cursor sent was
            refused (``InvalidCursorError``: retrying cannot help).
    """

    vendor: str
    credentials_hint: str
    quota_markers: tuple[str, ...] = ("limit reached", "api call limit", "limit exceeded")
    auth_markers: tuple[str, ...] = ("unauthenticated",)
    empty_statuses: frozenset[int] = frozenset({HTTPStatus.NO_CONTENT})
    quota_hint: str = "The sync stopped after saving its state; the next run resumes."
    quota_name: str = "API call limit"
    credentials_noun: str = "credentials"
    auth_statuses: frozenset[int] = frozenset({HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN})
    forbidden_hint: str = ""
    invalid_cursor_markers: tuple[str, ...] = ()


def _identity(text: str) -> str:
    return text


def classify(
    response: requests.Response,
    vocabulary: Vocabulary,
    redact: Callable[[str], str] = _identity,
) -> t.Any:  # noqa: ANN401
    """Sort an answer into data, retry, clean stop or failure (no I/O, no state).

    Args:
        response: The answer.
        vocabulary: The vendor's words.
        redact: Removes secrets from a text bound for a message.

    Returns:
        The decoded JSON body; None for an empty status.

    Raises:
        QuotaExhaustedError: The quota is used up.
        AuthenticationError: 401/403 (``auth_statuses``), or an auth error inside a 200.
        ForbiddenError: 403 when it is not among ``auth_statuses``.
        InvalidCursorError: A 5xx saying the cursor was refused (``invalid_cursor_markers``).
        BadRequestError: 400.
        NotFoundError: 404.
        RateLimitedError: 429 without the quota text.
        RetriableAPIError: 5xx.
        FatalAPIError: Any other 4xx.
        UnexpectedBodyError: A 2xx that is not JSON, or is cut off.
        ErrorInBodyError: A 2xx whose JSON is an error.
    """
    v = vocabulary
    status = response.status_code
    if status < HTTPStatus.BAD_REQUEST:
        payload = _decode_bytes(response)
        if payload is not _MISSED and not (isinstance(payload, dict) and is_error_body(payload)):
            return payload
    where = f"{response.request.method} {urlparse(response.url).path}" if response.request else ""
    text = response.text
    body = redact(text[:_BODY_SNIPPET].strip())
    if status >= HTTPStatus.BAD_REQUEST:
        _raise_for_status(response, v, where, body)
    if status in v.empty_statuses and not text.strip():
        return None
    return _decode(response, v, where, body)


def _raise_for_status(response: requests.Response, v: Vocabulary, where: str, body: str) -> None:
    """Raise the error an answer of status 400 or more stands for (``classify``'s table)."""
    status = response.status_code
    text = response.text[:2000]
    if _says(text, v.quota_markers):
        raise QuotaExhaustedError(_quota_message(v, where, status, body))
    if status in v.auth_statuses:
        msg = (
            f"{v.vendor} refused the {v.credentials_noun} ({status} for {where}: {body}). "
            f"{v.credentials_hint}"
        )
        raise AuthenticationError(msg)
    if status == HTTPStatus.FORBIDDEN:
        msg = f"{v.vendor} answered 403 Forbidden for {where}: {body}{v.forbidden_hint}"
        raise ForbiddenError(msg)
    if status == HTTPStatus.BAD_REQUEST:
        msg = f"{v.vendor} answered 400 Bad Request for {where}: {body}"
        raise BadRequestError(msg)
    if status == HTTPStatus.NOT_FOUND:
        msg = f"{v.vendor} answered 404 Not Found for {where}: {body}"
        raise NotFoundError(msg)
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        msg = f"{v.vendor} is rate limiting (429 for {where})"
        raise RateLimitedError(msg, response)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        if v.invalid_cursor_markers and _says(text, v.invalid_cursor_markers):
            msg = f"{v.vendor} refused the paging cursor ({status} for {where}: {body})"
            raise InvalidCursorError(msg)
        msg = f"{v.vendor} server error {status} for {where}: {body}"
        raise RetriableAPIError(msg, response)
    msg = f"{v.vendor} answered {status} for {where}: {body}"
    raise FatalAPIError(msg)


_MISSED = object()
_UTF8 = frozenset({"utf-8", "utf8", "utf_8"})


def _decode_bytes(response: requests.Response) -> t.Any:  # noqa: ANN401 - any JSON
    """A UTF-8 body read by msgspec straight from its bytes, or ``_MISSED``.

    ``response.text`` would first decode the whole page to a string (twice in ``classify``);
    for a body declared UTF-8 msgspec reads the bytes and gives what it gives for that text.
    Anything it refuses (invalid UTF-8, a BOM, NaN, broken or empty JSON, an HTML page) is
    ``_MISSED``, and ``classify`` then takes its ordinary path through ``response.text``.
    """
    encoding = response.encoding
    if encoding is None or encoding.lower() not in _UTF8:
        return _MISSED
    try:
        return msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return _MISSED


def _decode(response: requests.Response, v: Vocabulary, where: str, body: str) -> t.Any:  # noqa: ANN401
    text = response.text
    head = text.lstrip()[:100].lower()
    if head.startswith("<"):
        kind = "HTML" if "<html" in head or "<!doctype html" in head else "XML"
        msg = (
            f"{v.vendor} answered {kind} instead of JSON for {where} "
            f"(Content-Type {response.headers.get('Content-Type', 'none')})"
        )
        raise UnexpectedBodyError(msg, response)
    try:
        payload = loads(text)
    except ValueError as exc:
        msg = (
            f"{v.vendor} answered invalid or truncated JSON for {where} "
            f"({len(text)} characters: {exc})"
        )
        raise UnexpectedBodyError(msg, response) from exc
    if isinstance(payload, dict) and is_error_body(payload):
        dumped = json.dumps(payload)
        if _says(dumped, v.quota_markers):
            raise QuotaExhaustedError(_quota_message(v, where, response.status_code, body))
        if _says(dumped, v.auth_markers):
            msg = (
                f"{v.vendor} refused the {v.credentials_noun} (error in a 200 answer to "
                f"{where}: {body})"
            )
            raise AuthenticationError(msg)
        msg = (
            f"{v.vendor} reported an error inside a {response.status_code} answer "
            f"for {where}: {body}"
        )
        raise ErrorInBodyError(msg, response)
    return payload


def is_error_body(payload: t.Mapping[str, t.Any]) -> bool:
    """Tell whether a JSON object is an error report rather than a record.

    Args:
        payload: A decoded JSON object.

    Returns:
        True for ``{"error": ...}``, ``{"status": "error"}``, ``{"status": "500"}`` and kin.
    """
    if "error" in payload or "errorMessage" in payload:
        return True
    status = str(payload.get("status", "")).lower()
    return status in {"error", "failed", "failure"} or (status.isdigit() and int(status) >= 400)  # noqa: PLR2004


def _says(text: str, markers: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in markers)


def _quota_message(v: Vocabulary, where: str, status: int, body: str) -> str:
    return (
        f"{v.vendor}'s {v.quota_name} is reached ({where} answered {status}: {body}). "
        f"{v.quota_hint}"
    )


def loads(text: str) -> t.Any:  # noqa: ANN401 - any JSON
    """``json.loads``, through msgspec's decoder (faster) when that one can read the text.

    What msgspec refuses (NaN, 1e400, lone surrogates, broken JSON) goes to ``json.loads``, so
    the result, and the error, are always what ``json.loads`` gives.

    Args:
        text: A JSON text.

    Returns:
        What ``json.loads`` returns.
    """
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        return json.loads(text)
