"""A bearer token, given or obtained by logging in, renewed once when the API says it expired.

``TokenLogin`` is an SDK authenticator: it sets ``Authorization: Bearer <token>`` (and any
fixed headers, such as an API key) on every request. The token is either a setting, or
obtained by POSTing a user name and password (a form) to a login path, the token read from
the answer at a configurable key. The login happens on the first request, once per run, and
again whenever a request is refused with 401 (``TokenRenewingStream``): the request is then
repeated once with the new token. A given token cannot be renewed, a refused login cannot be
retried usefully, and a 401 right after a renewal means the account itself is refused: each
stops the run with one line naming the settings to check.

Tokens obtained at run time are secrets too: ``tokens`` lists them for redaction.
"""

from __future__ import annotations

import threading
import time
import typing as t
from http import HTTPStatus
from urllib.parse import urlparse

import requests
from singer_sdk.authenticators import APIAuthenticatorBase
from singer_sdk.exceptions import FatalAPIError

from crm_core.errors import AuthenticationError, UnreachableHostError
from crm_core.http import CRMStream, redact, unreachable_line

if t.TYPE_CHECKING:
    from collections.abc import Mapping

    from singer_sdk.helpers.types import Context

_BODY_SNIPPET = 200
#: Attempts of one login when the network or the server (5xx) fails.
LOGIN_ATTEMPTS = 3


class TokenExpiredError(FatalAPIError):
    """A request was refused with 401 while a login can renew the token."""

    def __init__(self, message: str, token: str) -> None:
        """Keep the token the request carried.

        Args:
            message: What happened.
            token: The token that was refused.
        """
        super().__init__(message)
        self.token = token


def dig(payload: t.Any, path: str) -> t.Any:  # noqa: ANN401
    """The value at a dotted path of a JSON object (``data.access``), or None.

    Args:
        payload: Decoded JSON.
        path: Keys separated by dots.

    Returns:
        The value, or None when a key is missing.
    """
    for key in path.split("."):
        if not isinstance(payload, dict) or key not in payload:
            return None
        payload = payload[key]
    return payload


class TokenLogin(APIAuthenticatorBase):
    """Bearer token auth: a given token, or one from a login that is repeated when it expires.

    One instance is shared by every stream of a run (and its threads): a renewal asked by
    several threads for the same refused token logs in once.
    """

    def __init__(  # noqa: PLR0913 - every part of the login is a setting
        self,
        *,
        vendor: str,
        token: str | None = None,
        login_url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        token_field: str = "access",  # noqa: S107 - a JSON key, not a secret
        headers: Mapping[str, str] | None = None,
        timeout: float = 60,
        wait_base: float = 1.0,
        settings_hint: str = "",
        url_setting: tuple[str, str] | None = None,
    ) -> None:
        """Describe the credentials; nothing is sent before the first request.

        Args:
            vendor: The vendor's name, for messages.
            token: A token to use as it is (cannot be renewed).
            login_url: Where to POST ``username`` and ``password`` for a token.
            username: The user to log in as.
            password: Their password.
            token_field: Dotted path of the token in the login's JSON answer.
            headers: Headers sent with every request and with the login (an API key).
            timeout: Seconds to wait for the login's answer.
            wait_base: Seconds before the second login attempt (doubled before the third).
            settings_hint: The settings to name when the token or login is refused.
            url_setting: The URL setting's name and value, named when the login's host
                never answers (``crm_core.http.unreachable_line``).
        """
        super().__init__()
        self.vendor = vendor
        self.login_url = login_url
        self.username = username
        self.password = password
        self.token_field = token_field
        self.fixed_headers = dict(headers or {})
        self.timeout = timeout
        self.wait_base = wait_base
        self.settings_hint = settings_hint
        self.url_setting = url_setting
        self._token = token or None
        self._lock = threading.Lock()
        self._session = requests.Session()
        #: Every token used in this run (secrets, for redaction).
        self.tokens: list[str] = [token] if token else []
        #: Logins sent in this run.
        self.logins = 0

    @property
    def can_login(self) -> bool:
        """True when a user name, a password and a login URL are known."""
        return bool(self.login_url and self.username and self.password)

    def current(self) -> str:
        """The token to send, logging in first when there is none yet.

        Returns:
            The token.
        """
        with self._lock:
            if self._token is None:
                self._token = self._login()
            return self._token

    def renew(self, refused: str) -> None:
        """Log in again, unless another thread already replaced the refused token.

        Args:
            refused: The token the API refused.
        """
        with self._lock:
            if self._token in {None, refused}:
                self._token = self._login()

    def authenticate_request(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Set the fixed headers and the bearer token on a request.

        Args:
            request: The request.

        Returns:
            The same request, authenticated.
        """
        request.headers.update(self.fixed_headers)
        request.headers["Authorization"] = f"Bearer {self.current()}"
        return request

    def _redact(self, text: str) -> str:
        secrets = [
            *self.tokens,
            *self.fixed_headers.values(),
            self.password or "",
            self.username or "",
        ]
        return redact(text, [s for s in secrets if s])

    def _login(self) -> str:
        """POST the user name and password; return the token of the answer.

        Returns:
            The new token.

        Raises:
            AuthenticationError: When the login is refused or its answer holds no token.
        """
        if not self.can_login:
            msg = f"{self.vendor}: no access token and no login to get one. {self.settings_hint}"
            raise AuthenticationError(msg)
        path = urlparse(str(self.login_url)).path
        response = self._post_login(path)
        self.logins += 1
        body = self._redact(response.text[:_BODY_SNIPPET].strip())
        if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            msg = (
                f"{self.vendor}'s login at {path} failed {LOGIN_ATTEMPTS} times "
                f"({response.status_code}: {body}); try again later."
            )
            raise AuthenticationError(msg)
        if response.status_code != HTTPStatus.OK:
            msg = (
                f"{self.vendor} refused the login at {path} ({response.status_code}: {body}). "
                f"{self.settings_hint}"
            )
            raise AuthenticationError(msg)
        try:
            token = dig(response.json(), self.token_field)
        except ValueError:
            token = None
        if not isinstance(token, str) or not token:
            msg = (
                f"{self.vendor}'s login answer at {path} has no token at `{self.token_field}` "
                f"({body[:80]}...); set `token_field` to where your install puts it."
            )
            raise AuthenticationError(msg)
        self.tokens.append(token)
        return token

    def _post_login(self, path: str) -> requests.Response:
        """Send the login, again after a network failure or a 5xx (``LOGIN_ATTEMPTS`` in all).

        Args:
            path: The login's path, for messages.

        Returns:
            The last answer.

        Raises:
            AuthenticationError: When the network failed on every attempt.
            UnreachableHostError: When the login's host never answered (``url_setting``).
        """
        headers = {**self.fixed_headers, "Accept": "application/json"}
        form = {"username": str(self.username), "password": str(self.password)}
        response: requests.Response | None = None
        for attempt in range(1, LOGIN_ATTEMPTS + 1):
            try:
                response = self._session.post(
                    str(self.login_url),
                    data=form,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except requests.exceptions.RequestException as exc:
                if attempt == LOGIN_ATTEMPTS and self.url_setting and _no_answer(exc):
                    setting, root = self.url_setting
                    line = unreachable_line(setting, root, exc, attempt, redact=self._redact)
                    raise UnreachableHostError(line) from None
                if attempt == LOGIN_ATTEMPTS:
                    msg = f"{self.vendor}: the login at {path} failed {attempt} times: {exc}"
                    raise AuthenticationError(self._redact(msg)) from None
            else:
                if response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR:
                    break
            if attempt < LOGIN_ATTEMPTS:
                time.sleep(self.wait_base * 2 ** (attempt - 1))
        assert response is not None  # noqa: S101 - the loop returns an answer or raises
        return response


def _no_answer(error: requests.exceptions.RequestException) -> bool:
    """Whether the host never answered (no connection), not a slow or broken answer.

    Args:
        error: What the request ended with.

    Returns:
        True for a connection that failed.
    """
    return isinstance(error, requests.exceptions.ConnectionError)


class TokenRenewingStream(CRMStream):
    """A stream whose token is renewed once (and the request repeated) on a 401.

    Subclasses return their run's ``TokenLogin`` from ``authenticator``.
    """

    @property
    def token_auth(self) -> TokenLogin:
        """The run's token authenticator."""
        auth = self.authenticator
        if not isinstance(auth, TokenLogin):
            msg = f"{type(self).__name__}.authenticator must be a TokenLogin"
            raise TypeError(msg)
        return auth

    @property
    def _renewed(self) -> threading.local:
        return t.cast(
            "threading.local", self.__dict__.setdefault("_renewed_local", threading.local())
        )

    def redact(self, text: str) -> str:
        """Remove the settings' secrets and every token of this run from a text.

        Args:
            text: Any text bound for a log or an error.

        Returns:
            The text with the secrets replaced.
        """
        return redact(text, (*self.secret_values, *self.token_auth.tokens))

    def validate_response(self, response: requests.Response) -> None:
        """A 401 asks for a renewal when a login is possible and none was just done.

        Args:
            response: The answer.

        Raises:
            TokenExpiredError: The token may have expired; log in again and repeat.
            AuthenticationError: A 401 that a renewal cannot (or did not) cure.
        """
        if response.status_code == HTTPStatus.UNAUTHORIZED:
            sent = str(response.request.headers.get("Authorization", ""))
            token = sent.removeprefix("Bearer ")
            body = self.redact(response.text[:_BODY_SNIPPET].strip())
            where = urlparse(response.url).path
            if self.token_auth.can_login and not getattr(self._renewed, "active", False):
                msg = f"401 for {where}: {body}"
                raise TokenExpiredError(msg, token)
            what = "the token of a fresh login" if self.token_auth.can_login else "the access token"
            msg = (
                f"{self.vocabulary.vendor} refused {what} (401 for {where}: {body}). "
                f"{self.vocabulary.credentials_hint}"
            )
            raise AuthenticationError(msg)
        super().validate_response(response)

    def _attempt(
        self, prepared_request: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        """Send one attempt; on an expired token, log in again and repeat it once.

        Args:
            prepared_request: The request.
            context: The partition or parent context.

        Returns:
            The validated response.
        """
        try:
            return super()._attempt(prepared_request, context)
        except TokenExpiredError as exc:
            self.logger.info("%s: the access token was refused (expired?); logging in again",
                             self.name)  # fmt: skip
            try:
                self.token_auth.renew(exc.token)
            except AuthenticationError as refused:
                self.run_control.halt(refused)
                raise
            self._renewed.active = True
            try:
                return super()._attempt(prepared_request, context)
            finally:
                self._renewed.active = False
