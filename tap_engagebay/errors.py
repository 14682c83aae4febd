"""Every way an EngageBay answer can go wrong, sorted into retry, stop cleanly, or fail.

| answer                                         | class                  | retried | stops       |
|------------------------------------------------|------------------------|---------|-------------|
| 401, "UnAuthenticated User" in a body          | AuthenticationError    | no      | the run     |
| "API call limit reached" (any status)          | QuotaExhaustedError    | no      | the run     |
| no connection before the host ever answered    | UnreachableHostError   | 3 times | the run     |
| 403                                            | ForbiddenError         | no      | the stream  |
| 400                                            | BadRequestError        | no      | the stream  |
| 404                                            | NotFoundError          | no      | the stream* |
| 500 "Invalid cursor"                           | InvalidCursorError     | no      | the stream* |
| 429 without the quota text                     | RateLimitedError       | yes     | the stream  |
| 5xx, timeouts, connection errors               | (SDK) RetriableAPIError| yes     | the stream  |
| 2xx that is not JSON (XML, HTML), cut-off JSON | UnexpectedBodyError    | yes     | the stream  |
| 2xx whose JSON body is an error                | ErrorInBodyError       | yes     | the stream  |

"Stops the stream" means once its retries, if any, are used up: that stream's data stays as far
as it landed and its state does not move on, every other stream syncs to its end, and the run
exits 1 with one line per failed stream. (*) A saved resume cursor that the API refuses (400,
404, invalid cursor, or 5xx after retries) restarts that list from its start once instead; a
404 for one contact's notes or call logs means that contact is gone, unless the endpoint has
answered nothing but 404 for its first ``MISSING_AFTER`` contacts (see streams.py).
"""

from __future__ import annotations

from singer_sdk.exceptions import FatalAPIError, RetriableAPIError


class AuthenticationError(FatalAPIError):
    """The API key was refused (401): every request would be refused, the run stops."""

    status = "401 Unauthorized"


class ForbiddenError(FatalAPIError):
    """EngageBay refused this endpoint (403), e.g. the plan lacks it: the stream fails."""

    status = "403 Forbidden"


class BadRequestError(FatalAPIError):
    """EngageBay refused the request as malformed (400)."""

    status = "400 Bad Request"


class InvalidCursorError(BadRequestError):
    """EngageBay refused a paging cursor (a 500 saying "Invalid cursor"): retrying cannot help."""

    status = "500 Invalid cursor"


class NotFoundError(FatalAPIError):
    """The endpoint or record does not exist (404)."""

    status = "404 Not Found"


class QuotaExhaustedError(FatalAPIError):
    """The account's daily API call quota is used up: retrying today cannot help."""


class UnreachableHostError(FatalAPIError):
    """``api_url`` could not be reached before it ever answered in this run: most likely wrong."""


class StreamStoppedError(FatalAPIError):
    """A request of a stream that already failed in this run: it is not sent."""


class StreamsFailedError(FatalAPIError):
    """The run ended with some streams failed (the others synced): one line per stream."""


class RateLimitedError(RetriableAPIError):
    """Too many requests in a short time (429): wait and retry."""


class UnexpectedBodyError(RetriableAPIError):
    """A successful status with a body that is not the JSON we asked for."""


class ErrorInBodyError(RetriableAPIError):
    """A successful status whose JSON body reports an error instead of data."""


class UsageError(Exception):
    """A file the user gave (state, catalog) that the tap cannot use: one line says why."""


class UnsafeURLError(ValueError):
    """The configured API URL would send the key in clear text to a remote host."""


#: What ends the whole run at once: every further request would fail the same way.
GLOBAL_ERRORS = (QuotaExhaustedError, AuthenticationError, UnreachableHostError)


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
