"""Only HTTPS to the API; plain HTTP only to this machine (the simulator)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crm_core.errors import UnsafeURLError
from crm_core.http import check_api_url

TAP = str(Path(sys.executable).parent / "tap-engagebay")


@pytest.mark.parametrize(
    "url",
    [
        "https://app.engagebay.com",
        "https://app.engagebay.com/",
        "http://127.0.0.1:8765",
        "http://localhost:1",
        "http://[::1]:9",
        "http://127.10.0.1",
    ],
)
def test_allowed(url):
    assert check_api_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://app.engagebay.com",
        "http://10.0.0.5",
        "http://192.168.1.2:80",
        "ftp://x.org",
        "app.engagebay.com",
        "https://",
        "file:///etc/passwd",
        "http://127.0.0.1.evil.com",
    ],
)
def test_refused(url):
    with pytest.raises(UnsafeURLError, match="https"):
        check_api_url(url)


def test_the_tap_refuses_a_clear_text_url_before_any_request(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"api_key": "k-123456", "api_url": "http://api.example.com"}))
    result = subprocess.run(
        [TAP, "--config", str(config)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "api_url must be an https:// URL" in result.stderr
    assert "k-123456" not in result.stdout + result.stderr
