"""The Epixel tap: settings, the shared token login and the stream list."""

from __future__ import annotations

import logging
import typing as t
from functools import cached_property

from singer_sdk import typing as th

from crm_core import settings
from crm_core.http import RedactingFilter, check_api_url
from crm_core.isolation import run_cli
from crm_core.tap_base import CRMTap
from crm_core.token_auth import TokenLogin
from tap_epixel.streams import STREAM_TYPES

LOGIN_HINT = (
    "Check `api_key`, `username` and `password`; `login_path` (default user/login/) and "
    "`token_field` (default access) if your install's login differs."
)


class _TokenRedactor(RedactingFilter):
    """Redacts the tokens obtained during the run (they are not known at start)."""

    def __init__(self, tokens: t.Callable[[], list[str]]) -> None:
        super().__init__(())
        self._tokens = tokens

    def filter(self, record: logging.LogRecord) -> bool:
        self.secrets = tuple(self._tokens())
        return super().filter(record)


class TapEpixel(CRMTap):
    """Singer tap for the Leads & CRM API of Epixel MLM software."""

    name = "tap-epixel"
    #: Discovery builds the login from the settings: the SDK validates them first.
    dynamic_catalog = True
    secret_settings = ("api_key", "access_token", "username", "password")
    stream_types = STREAM_TYPES

    config_jsonschema = th.PropertiesList(
        settings.api_url(
            "Your install's API root, https://<domain>/<api prefix>/<version> (e.g. "
            "https://mlm.example.com/api/v2).",
            required=True,
        ),
        settings.secret(
            "api_key",
            "The application's apikey (sent in the `apikey` header).",
            required=True,
            title="API key",
        ),
        settings.secret(
            "access_token",
            "A bearer access token to use as it is. Tokens expire: prefer `username` and "
            "`password`, from which the tap logs in and renews the token.",
        ),
        settings.secret(
            "username", "The user the tap logs in as (their own and assigned leads are read)."
        ),
        settings.secret("password", "The user's password."),
        settings.text(
            "login_path",
            "The login endpoint after `api_url` (POST form username, password).",
            default="user/login/",
            min_length=1,
        ),
        settings.text(
            "token_field",
            "Where the login's JSON answer holds the access token (dots for nested keys, e.g. "
            "data.access_token).",
            default="access",
            min_length=1,
        ),
        settings.text(
            "leads_path_prefix",
            "The path the lead endpoints live under after `api_url` (leads for …/leads/list/; "
            "empty for …/list/).",
            default="leads",
        ),
        settings.text(
            "assigned_list_type",
            "The `list_type` value that lists the leads assigned to the user; empty to read "
            "only the user's own leads.",
            default="assigned",
        ),
        settings.page_size(
            "Records per page asked for (`page_size`) when the install pages its lists; "
            "unset: the install's default.",
            maximum=1000,
            default=None,
        ),
        *settings.run_settings(),
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Validate, hide the secrets, and hide the tokens the run obtains.

        Args:
            args: As for the SDK's Tap.
            kwargs: As for the SDK's Tap.
        """
        super().__init__(*args, **kwargs)
        redactor = _TokenRedactor(self._tokens)
        for logger in (logging.getLogger(), self.logger):
            for handler in logger.handlers:
                handler.addFilter(redactor)

    def _tokens(self) -> list[str]:
        login = self.__dict__.get("token_login")
        return list(login.tokens) if isinstance(login, TokenLogin) else []

    def extra_config_errors(self) -> list[str]:
        """A token, or a user name and password to log in with, is needed.

        Returns:
            The problems.
        """
        c = self.config
        if c.get("access_token") or (c.get("username") and c.get("password")):
            return []
        if c.get("username") or c.get("password"):
            return ["set both `username` and `password` (the tap logs in with them)"]
        need = "set `username` and `password` (the tap logs in and renews its token), or "
        return [need + "`access_token`"]

    @cached_property
    def token_login(self) -> TokenLogin:
        """The run's bearer token: given, or from the login (renewed when it expires)."""
        c = self.config
        can_login = bool(c.get("username") and c.get("password"))
        login_url = None
        if can_login:
            root = check_api_url(self.api_root, self.url_setting)
            login_url = f"{root}/{str(c.get('login_path', 'user/login/')).lstrip('/')}"
        return TokenLogin(
            vendor="Epixel",
            token=c.get("access_token"),
            login_url=login_url,
            username=c.get("username"),
            password=c.get("password"),
            token_field=str(c.get("token_field", "access")),
            headers={"apikey": str(c["api_key"])},
            timeout=float(c.get("request_timeout", 60)),
            wait_base=float(c.get("retry_wait_base", 2)),
            settings_hint=LOGIN_HINT,
            url_setting=(self.url_setting, self.api_root),
        )


def main() -> None:
    """Run the command line: exit 1 with one line on a failure."""
    run_cli(TapEpixel, "tap-epixel")


__all__ = ["TapEpixel", "main"]
