"""The tap decodes answers through msgspec, with exactly ``json.loads``'s results and errors."""

import json

import pytest

from crm_core.errors import loads as _loads

SAME_AS_JSON = [
    '[{"id": 4503599627370497, "name": "Zo\\u00eb", "score": 0.1, "tags": []}]',
    "[NaN, Infinity, -Infinity]",  # msgspec refuses these; json.loads reads them
    "[1e400]",
    '"\\ud800"',  # a lone surrogate
    '{"a": 1, "a": 2}',
    "[18446744073709551616]",
    '{"k\\u0000": "v\\u0000"}',
]


@pytest.mark.parametrize("text", SAME_AS_JSON)
def test_same_values_as_json_loads(text: str) -> None:
    assert repr(_loads(text)) == repr(json.loads(text))


@pytest.mark.parametrize("text", ["[1]x", "\ufeff[1]", '"\x1f"', '[{"id": 1', ""])
def test_same_errors_as_json_loads(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        _loads(text)
    assert str(got.value) == str(expected.value)
