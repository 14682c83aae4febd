"""Every way an EngageBay answer can go wrong, sorted into retry, stop cleanly, or fail.

| answer                                         | class                  | retried |
|------------------------------------------------|------------------------|---------|
| 401, 403                                       | AuthenticationError    | no      |
| 400                                            | BadRequestError        | no      |
| 404                                            | NotFoundError          | no      |
| "API call limit reached" (any status)          | QuotaExhaustedError    | no      |
| 429 without the quota text                     | RateLimitedError       | yes     |
| 5xx, timeouts, connection errors               | (SDK) RetriableAPIError| yes     |
| 2xx that is not JSON (XML, HTML), cut-off JSON | UnexpectedBodyError    | yes     |
| 2xx whose JSON body is an error                | ErrorInBodyError       | yes     |
"""

from __future__ import annotations

from singer_sdk.exceptions import FatalAPIError, RetriableAPIError


class AuthenticationError(FatalAPIError):
    """The API key was refused, or the plan has no API access."""


class BadRequestError(FatalAPIError):
    """EngageBay refused the request as malformed (400)."""


class NotFoundError(FatalAPIError):
    """The endpoint or record does not exist (404)."""


class QuotaExhaustedError(FatalAPIError):
    """The account's daily API call quota is used up: retrying today cannot help."""


class RateLimitedError(RetriableAPIError):
    """Too many requests in a short time (429): wait and retry."""


class UnexpectedBodyError(RetriableAPIError):
    """A successful status with a body that is not the JSON we asked for."""


class ErrorInBodyError(RetriableAPIError):
    """A successful status whose JSON body reports an error instead of data."""


class UnsafeURLError(ValueError):
    """The configured API URL would send the key in clear text to a remote host."""
