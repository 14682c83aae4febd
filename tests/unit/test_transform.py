"""Fitting raw records to their schema without losing anything."""

import pytest

from tap_engagebay.transform import InvalidValueError, coerce, conform_record, epoch_to_iso, scrub

SCHEMA = {
    "properties": {
        "id": {"type": ["integer", "null"]},
        "score": {"type": ["integer", "null"]},
        "amount": {"type": ["number", "null"]},
        "flag": {"type": ["boolean", "null"]},
        "name": {"type": ["string", "null"]},
        "owner": {"type": ["object", "null"]},
        "tags": {"type": ["array", "null"]},
        "created_time": {"type": ["string", "null"], "format": "date-time"},
        "updated_time": {"type": ["string", "null"], "format": "date-time"},
        "start_time": {"type": ["string", "null"], "format": "date-time"},
        "extra_fields": {"type": ["object", "null"]},
    }
}


def conform(row):
    counter = {}
    out = conform_record(
        row,
        SCHEMA,
        seconds_fields=("created_time", "updated_time"),
        ms_fields=("start_time",),
        counter=counter,
        stream="s",
    )
    return out, counter


def test_ids_sent_as_strings_stay_exact():
    out, _ = conform({"id": "9007199254740993", "score": 9007199254740991})
    assert out["id"] == 9007199254740993
    assert out["score"] == 9007199254740991


def test_epoch_seconds_and_milliseconds_become_utc_iso():
    out, _ = conform({"created_time": 1535538585, "start_time": 1538998200000})
    assert out["created_time"] == "2018-08-29T10:29:45+00:00"
    assert out["start_time"] == "2018-10-08T11:30:00.000+00:00"


@pytest.mark.parametrize("never", [0, "0", "", None])
def test_updated_time_zero_is_null(never):
    out, counter = conform({"updated_time": never})
    assert out["updated_time"] is None
    assert not counter


def test_a_value_that_does_not_fit_is_kept_raw_and_counted():
    out, counter = conform(
        {"id": 1, "score": "lots", "owner": "not an object", "created_time": "x"}
    )
    assert out["score"] is None
    assert out["owner"] is None
    assert out["created_time"] is None
    assert out["extra_fields"] == {"score": "lots", "owner": "not an object", "created_time": "x"}
    assert counter == {"s.score": 1, "s.owner": 1, "s.created_time": 1}


def test_unknown_keys_are_kept_not_dropped_and_the_cursor_is_not_data():
    out, _ = conform({"id": 1, "brandNew": {"a": 1}, "cursor": "abc"})
    assert out["extra_fields"] == {"brandNew": {"a": 1}}
    assert "cursor" not in out


def test_nul_characters_are_replaced_everywhere():
    out, _ = conform({"name": "a\x00b", "owner": {"n\x00": ["x\x00"]}})
    assert out["name"] == "a\ufffdb"
    assert out["owner"] == {"n\ufffd": ["x\ufffd"]}
    assert scrub(5) == 5


def test_booleans_numbers_and_strings():
    assert coerce("true", {"type": ["boolean"]}) is True
    assert coerce("False", {"type": ["boolean"]}) is False
    assert coerce("12.5", {"type": ["number"]}) == 12.5
    assert coerce("12", {"type": ["number"]}) == 12
    assert coerce(7, {"type": ["string"]}) == "7"
    assert coerce([1], {"type": ["string"]}) == "[1]"
    with pytest.raises(InvalidValueError):
        coerce(True, {"type": ["integer"]})
    with pytest.raises(InvalidValueError):
        coerce("1.5", {"type": ["integer"]})
    with pytest.raises(InvalidValueError):
        coerce(float("nan"), {"type": ["number"]})


def test_epoch_rejects_what_is_not_a_time():
    for bad in ("abc", True, -5, 10**15, {"a": 1}):
        with pytest.raises(InvalidValueError):
            epoch_to_iso(bad)
