"""Every answer is sorted into data, retry, clean stop or failure (canned responses)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from crm_core.errors import (
    AuthenticationError,
    BadRequestError,
    ErrorInBodyError,
    ForbiddenError,
    InvalidCursorError,
    NotFoundError,
    QuotaExhaustedError,
    RateLimitedError,
    UnexpectedBodyError,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from write_schemas import OfflineTap

KEY = "key-9d8c7b6a5f4e"
STREAM = OfflineTap(config={"api_key": KEY}, validate_config=False).streams["contacts"]


def answer(status, body, content_type="application/json"):
    response = requests.Response()
    response.status_code = status
    response._content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    response.headers["Content-Type"] = content_type
    response.url = "https://app.engagebay.com/dev/api/panel/subscribers"
    response.request = requests.Request("POST", response.url).prepare()
    return response


def test_a_record_mentioning_the_quota_is_data():
    response = answer(200, [{"id": 1, "name": "API call limit reached"}])
    STREAM.validate_response(response)
    assert response.eb_payload == [{"id": 1, "name": "API call limit reached"}]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (429, {"error": "API call limit reached", "status": "429"}),
        (403, {"error": "API call limit reached"}),
        (200, {"error": "API call limit reached"}),
    ],
)
def test_the_quota_message_stops_the_sync_whatever_the_status(status, body):
    with pytest.raises(QuotaExhaustedError, match="daily API call limit"):
        STREAM.validate_response(answer(status, body))


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        (401, {"error": "UnAuthenticated User", "status": "401"}, AuthenticationError, "Pro"),
        (403, "Forbidden", ForbiddenError, "403 Forbidden for POST /dev/api/panel/subscribers"),
        (200, {"error": "UnAuthenticated User", "status": "401"}, AuthenticationError, "key"),
        (400, {"error": "Invalid input."}, BadRequestError, "POST /dev/api/panel/subscribers"),
        (404, "nope", NotFoundError, "/dev/api/panel/subscribers"),
        (405, "no", FatalAPIError, "405"),
        (429, "slow down", RateLimitedError, "429"),
        (500, "oops", RetriableAPIError, "500"),
        (500, {"message": "Invalid cursor"}, InvalidCursorError, "refused the paging cursor"),
        (503, "<html>busy</html>", RetriableAPIError, "503"),
        (200, "<?xml version='1.0'?><list/>", UnexpectedBodyError, "XML instead of JSON"),
        (200, "<!DOCTYPE html><html></html>", UnexpectedBodyError, "HTML instead of JSON"),
        (200, '[{"id": 1}, {"id"', UnexpectedBodyError, "truncated JSON"),
        (200, {"status": "error", "message": "Something went wrong"}, ErrorInBodyError, "inside"),
    ],
)
def test_each_answer_class(status, body, error, text):
    with pytest.raises(error) as caught:
        STREAM.validate_response(answer(status, body))
    assert text in str(caught.value)
    retriable = issubclass(error, RetriableAPIError)
    assert isinstance(caught.value, RetriableAPIError) == retriable


def test_a_body_echoing_the_key_is_redacted():
    with pytest.raises(BadRequestError) as caught:
        STREAM.validate_response(answer(400, {"error": f"bad key {KEY}"}))
    assert KEY not in str(caught.value)
    assert "[REDACTED]" in str(caught.value)


def test_a_list_answer_must_be_an_array():
    with pytest.raises(UnexpectedBodyError, match="expected an array"):
        STREAM.records_of({"data": []}, "/subscribers")
    assert STREAM.records_of([{"id": 1}, 5], "/subscribers") == [{"id": 1}, {"value": 5}]
