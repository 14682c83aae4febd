"""Where the API key may be sent."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlparse

from tap_engagebay.errors import UnsafeURLError


def check_api_url(url: str) -> str:
    """Allow HTTPS anywhere and plain HTTP only to this machine (the simulator).

    Args:
        url: The ``api_url`` setting.

    Returns:
        The URL without a trailing slash.

    Raises:
        UnsafeURLError: For any other scheme or a remote plain-HTTP host.
    """
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if parsed.scheme == "https" and host:
        return url.rstrip("/")
    if parsed.scheme == "http" and _is_loopback(host):
        return url.rstrip("/")
    msg = (
        f"api_url must be an https:// URL (plain http:// only to a loopback host such as the "
        f"simulator); got scheme {parsed.scheme or 'none'!r} and host {host or 'none'!r}"
    )
    raise UnsafeURLError(msg)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
