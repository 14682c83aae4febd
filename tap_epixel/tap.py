"""The Epixel tap: settings, the shared token login and the stream list."""

from __future__ import annotations

import logging
import typing as t
from functools import cached_property

from singer_sdk import typing as th

from crm_core.http import SAFE_URL_PATTERN, RedactingFilter, check_api_url
from crm_core.isolation import run_cli
from crm_core.retry import RETRY_SETTINGS
from crm_core.run_control import CONCURRENCY_SETTING
from crm_core.tap_base import CRMTap
from crm_core.token_auth import TokenLogin
from tap_epixel.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from tap_epixel.streams import EpixelStream

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

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType(pattern=SAFE_URL_PATTERN),
            required=True,
            description="Your install's API root, https://<domain>/<api prefix>/<version> "
            "(e.g. https://mlm.example.com/api/v2). HTTPS only (plain HTTP only to a loopback "
            "host, i.e. the simulator).",
        ),
        th.Property(
            "api_key",
            th.StringType(min_length=1),
            required=True,
            secret=True,
            title="API key",
            description="The application's apikey (sent in the `apikey` header).",
        ),
        th.Property(
            "access_token",
            th.StringType(min_length=1),
            secret=True,
            description="A bearer access token to use as it is. Tokens expire: prefer "
            "`username` and `password`, from which the tap logs in and renews the token.",
        ),
        th.Property(
            "username",
            th.StringType(min_length=1),
            secret=True,
            description="The user the tap logs in as (their own and assigned leads are read).",
        ),
        th.Property(
            "password",
            th.StringType(min_length=1),
            secret=True,
            description="The user's password.",
        ),
        th.Property(
            "login_path",
            th.StringType(min_length=1),
            default="user/login/",
            description="The login endpoint after `api_url` (POST form username, password).",
        ),
        th.Property(
            "token_field",
            th.StringType(min_length=1),
            default="access",
            description="Where the login's JSON answer holds the access token (dots for "
            "nested keys, e.g. data.access_token).",
        ),
        th.Property(
            "leads_path_prefix",
            th.StringType,
            default="leads",
            description="The path the lead endpoints live under after `api_url` (leads for "
            "…/leads/list/; empty for …/list/).",
        ),
        th.Property(
            "assigned_list_type",
            th.StringType,
            default="assigned",
            description="The `list_type` value that lists the leads assigned to the user; "
            "empty to read only the user's own leads.",
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=1000),
            description="Records per page asked for (`page_size`) when the install pages its "
            "lists; unset: the install's default.",
        ),
        th.Property("user_agent", th.StringType, description="User-Agent header to send."),
        CONCURRENCY_SETTING,
        *RETRY_SETTINGS,
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
        )

    def discover_streams(self) -> list[EpixelStream]:
        """Every stream; nothing is fetched until a record is needed.

        Returns:
            The streams.
        """
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]


def main() -> None:
    """Run the command line: exit 1 with one line on a failure."""
    run_cli(TapEpixel, "tap-epixel")


__all__ = ["TapEpixel", "main"]
