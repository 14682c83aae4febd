"""Settings declared the same way by every tap, and short forms for the rest.

A tap's ``config_jsonschema`` lists its own settings with these helpers and ends with
``run_settings()``: ``user_agent``, ``max_concurrent_requests`` and the retry settings
(``crm_core.retry``), worded the same in every tap.
"""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

from crm_core.http import SAFE_URL_PATTERN
from crm_core.retry import RETRY_SETTINGS
from crm_core.run_control import CONCURRENCY_SETTING

#: What every ``api_url`` description ends with.
HTTPS_RULE = "HTTPS only (plain HTTP only to a loopback host, i.e. the simulator)."

USER_AGENT = th.Property("user_agent", th.StringType, description="User-Agent header to send.")


def run_settings(*, concurrency: bool = True) -> tuple[th.Property[t.Any], ...]:
    """The settings of the run itself: ``user_agent``, concurrency and retries.

    Args:
        concurrency: Whether the tap reads with ``max_concurrent_requests`` requests at once.

    Returns:
        The properties, in the order every tap lists them.
    """
    return (USER_AGENT, *((CONCURRENCY_SETTING,) if concurrency else ()), *RETRY_SETTINGS)


def api_url(
    description: str, *, required: bool = False, default: str | None = None
) -> th.Property[t.Any]:
    """The ``api_url`` setting: the API's root, HTTPS only (``crm_core.http.check_api_url``).

    Args:
        description: What the URL is; the HTTPS rule is added.
        required: Whether it must be set.
        default: Its default.

    Returns:
        The property.
    """
    return th.Property(
        "api_url",
        th.StringType(pattern=SAFE_URL_PATTERN),
        required=required,
        default=default,
        description=f"{description} {HTTPS_RULE}",
    )


def secret(
    name: str,
    description: str,
    *,
    required: bool = False,
    title: str | None = None,
    min_length: int = 1,
) -> th.Property[t.Any]:
    """A secret text setting (a key, a token, a user name): never shown, never logged.

    Args:
        name: The setting.
        description: What it is.
        required: Whether it must be set.
        title: A short title.
        min_length: The shortest value accepted.

    Returns:
        The property.
    """
    return th.Property(
        name,
        th.StringType(min_length=min_length),
        required=required,
        secret=True,
        title=title,
        description=description,
    )


def text(
    name: str,
    description: str,
    *,
    default: str | None = None,
    min_length: int | None = None,
    allowed_values: list[str] | None = None,
) -> th.Property[t.Any]:
    """A text setting.

    Args:
        name: The setting.
        description: What it is.
        default: Its default.
        min_length: The shortest value accepted (None: empty allowed).
        allowed_values: The only values accepted.

    Returns:
        The property.
    """
    return th.Property(
        name,
        th.StringType(min_length=min_length),
        default=default,
        description=description,
        allowed_values=allowed_values,
    )


def integer(
    name: str,
    description: str,
    *,
    default: int | None = None,
    minimum: int = 0,
    maximum: int | None = None,
) -> th.Property[t.Any]:
    """A whole-number setting.

    Args:
        name: The setting.
        description: What it is.
        default: Its default.
        minimum: The smallest value accepted.
        maximum: The largest value accepted.

    Returns:
        The property.
    """
    return th.Property(
        name,
        th.IntegerType(minimum=minimum, maximum=maximum),
        default=default,
        description=description,
    )


def page_size(description: str, *, maximum: int, default: int | None = 100) -> th.Property[t.Any]:
    """The ``page_size`` setting: records asked for per page.

    Args:
        description: What the API does with it.
        maximum: The largest value accepted.
        default: Its default (None: the API's own).

    Returns:
        The property.
    """
    return integer("page_size", description, default=default, minimum=1, maximum=maximum)


def start_date(description: str) -> th.Property[t.Any]:
    """The ``start_date`` setting: where a first sync starts.

    Args:
        description: What it limits.

    Returns:
        The property.
    """
    return th.Property("start_date", th.DateTimeType, description=description)


def lookback_window(description: str) -> th.Property[t.Any]:
    """The ``lookback_window`` setting: seconds an incremental sync reads again (600).

    Args:
        description: Before what the seconds are counted.

    Returns:
        The property.
    """
    return integer("lookback_window", description, default=600)
