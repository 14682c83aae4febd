"""The classify table (one row per outcome) and the retry policy's waits and caps."""

from __future__ import annotations

import json

import pytest
import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from crm_core.errors import (
    AuthenticationError,
    BadRequestError,
    ErrorInBodyError,
    NotFoundError,
    QuotaExhaustedError,
    RateLimitedError,
    UnexpectedBodyError,
    Vocabulary,
    classify,
)
from crm_core.retry import RetryPolicy, retry_after_seconds

V = Vocabulary("Acme CRM", "Check `api_key`.")


def _response(status, body="", headers=None):
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers.update(headers or {})
    response.url = "https://acme.example/api/things?x=1"
    response.request = requests.Request("GET", response.url).prepare()
    return response


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (403, '{"error": "API limit exceeded for the day"}', QuotaExhaustedError),
        (429, '{"error": "API call limit reached"}', QuotaExhaustedError),
        (200, '{"status": "error", "message": "API limit reached"}', QuotaExhaustedError),
        (401, '{"error": "Unauthorized"}', AuthenticationError),
        (403, "forbidden", AuthenticationError),
        (200, '{"error": "unauthenticated"}', AuthenticationError),
        (400, "bad", BadRequestError),
        (404, "gone", NotFoundError),
        (429, "slow down", RateLimitedError),
        (500, '{"error": "Request timed out. Please try again later."}', RetriableAPIError),
        (418, "teapot", FatalAPIError),
        (200, "<list><item/></list>", UnexpectedBodyError),
        (200, "<!DOCTYPE html><html></html>", UnexpectedBodyError),
        (200, '[{"id": 1}, {"id"', UnexpectedBodyError),
        (200, '{"status": "500", "message": "oops"}', ErrorInBodyError),
    ],
)
def test_classify_sorts_each_answer(status, body, error):
    with pytest.raises(error) as caught:
        classify(_response(status, body), V)
    assert "Acme CRM" in str(caught.value)


def test_classify_returns_data_and_an_empty_answer_as_none():
    assert classify(_response(200, '[{"id": 1}]'), V) == [{"id": 1}]
    assert classify(_response(204), V) is None
    # a record may contain the quota words: only an error answer means the quota
    assert classify(_response(200, '[{"note": "api call limit reached"}]'), V)


def test_classify_messages_are_redacted():
    with pytest.raises(AuthenticationError) as caught:
        classify(_response(401, "bad key s3cret-key"), V, lambda t: t.replace("s3cret-key", "*"))
    assert "s3cret-key" not in str(caught.value)
    assert "Check `api_key`." in str(caught.value)


def test_waits_double_up_to_the_cap_and_follow_retry_after():
    policy = RetryPolicy(max_retries=5, wait_base=1.0, wait_max=5.0)
    waits = policy.waits()
    assert next(waits) == 0.0
    plain = RetriableAPIError("x")
    assert [waits.send(plain) for _ in range(4)] == [1.0, 2.0, 4.0, 5.0]
    limited = RateLimitedError("x", _response(429, "", {"Retry-After": "3"}))
    assert waits.send(limited) == 3.0
    too_long = RateLimitedError("x", _response(429, "", {"Retry-After": "3600"}))
    assert waits.send(too_long) == 5.0


def test_retry_after_as_an_http_date():
    response = _response(
        429,
        "",
        {"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT", "Date": "Wed, 21 Oct 2015 07:28:00 GMT"},
    )
    assert retry_after_seconds(response) == 10.0


def test_wrap_stops_after_max_retries():
    calls = []

    def failing():
        calls.append(1)
        msg = "down"
        raise RetriableAPIError(msg)

    policy = RetryPolicy(max_retries=2, wait_base=0.0, wait_max=0.0)
    with pytest.raises(RetriableAPIError):
        policy.wrap(failing, lambda _details: None)()
    assert len(calls) == 3


class _NoText(requests.Response):
    @property
    def text(self):
        msg = "a UTF-8 JSON page must be decoded from its bytes"
        raise AssertionError(msg)


def _typed_response(content, encoding, cls=requests.Response):
    response = cls()
    response.status_code = 200
    response._content = content
    response.encoding = encoding
    response.url = "https://acme.example/api/things"
    response.request = requests.Request("POST", response.url).prepare()
    return response


def test_a_utf8_page_is_decoded_from_its_bytes_without_the_text():
    # The whole page is not first decoded to a string (issue 18, point 5).
    body = '[{"id": 1, "name": "Zoë\u2028", "n": 1.5}]'.encode()
    assert classify(_typed_response(body, "utf-8", _NoText), V) == json.loads(body)
    assert classify(_typed_response(body, "UTF8", _NoText), V) == json.loads(body)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ('[{"name": "Zoë"}]'.encode(), "utf-8"),
        # a declared charset wins, even over bytes that are valid UTF-8 too
        ('[{"name": "Zoë"}]'.encode(), "ISO-8859-1"),
        (b'[{"name": "Zo\xeb"}]', "utf-8"),  # invalid UTF-8: replaced, as response.text does
        (b'[{"n": NaN, "big": 1e400}]', "utf-8"),  # what msgspec refuses, json reads
        (b'[{"s": "\\ud800"}]', "utf-8"),  # a lone surrogate
        (b'[{"name": "x"}]', None),
    ],
)
def test_a_page_reads_as_json_loads_reads_its_text(content, encoding):
    response = _typed_response(content, encoding)
    expected = json.loads(response.text)
    got = classify(response, V)
    assert json.dumps(got) == json.dumps(expected)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b'\xef\xbb\xbf[{"id": 1}]', UnexpectedBodyError),  # a BOM: json.loads refuses it
        (b"", UnexpectedBodyError),
        (b'{"status": "error", "message": "API limit reached"}', QuotaExhaustedError),
        (b'{"error": "oops"}', ErrorInBodyError),
    ],
)
def test_a_utf8_page_json_refuses_or_an_error_body_still_fails(content, error):
    with pytest.raises(error):
        classify(_typed_response(content, "utf-8"), V)
