"""The loader's msgspec reader gives exactly the SDK reader's values and errors."""

import pytest
from singer_sdk.singerlib.encoding import SimpleSingerReader

from target_duckdb_sdk.target import MsgSpecDecimalReader

LINES = [
    '{"type":"RECORD","stream":"s","record":{"id":1,"n":0.1,"big":12345678901234567890.5}}',
    '{"type":"RECORD","stream":"s","record":{"a":{"b":[2.50,1E2,-0.0,18446744073709551616]}}}',
    '{"type":"RECORD","stream":"s","record":{"x":NaN,"y":Infinity}}',  # msgspec refuses these
    '{"type":"RECORD","stream":"s","record":{"t":"\\ud800","u":"Zo\\u00eb"}}',
    '{"type":"STATE","value":{"bookmarks":{}}}',
]


@pytest.mark.parametrize("line", LINES)
def test_same_values_as_the_sdk_reader(line: str) -> None:
    ours = MsgSpecDecimalReader().deserialize_json(line)
    sdk = SimpleSingerReader().deserialize_json(line)
    assert repr(ours) == repr(sdk)


@pytest.mark.parametrize("line", ['{"type":"RECORD"', '{"a":1}x', ""])
def test_same_errors_as_the_sdk_reader(line: str) -> None:
    with pytest.raises(Exception) as expected:  # noqa: PT011 - whatever the SDK raises
        SimpleSingerReader().deserialize_json(line)
    with pytest.raises(expected.type) as got:
        MsgSpecDecimalReader().deserialize_json(line)
    assert str(got.value) == str(expected.value)
