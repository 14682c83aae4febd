"""A simple, well-formed XML rendering of JSON data (the API's default without ``Accept``)."""

from __future__ import annotations

import re
import typing as t
from xml.sax.saxutils import escape, quoteattr

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# Characters XML 1.0 cannot carry at all, even as references (NUL and most C0 controls).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_INVALID.sub("\ufffd", value))


def _element(name: str, value: t.Any, out: list[str]) -> None:  # noqa: ANN401 - any JSON value
    if _NAME.match(name) and not name.lower().startswith("xml"):
        open_tag, close_tag = f"<{name}", f"</{name}>"
    else:
        open_tag = f"<field name={quoteattr(_INVALID.sub(chr(0xFFFD), name))}"
        close_tag = "</field>"
    if isinstance(value, dict):
        out.append(open_tag + ">")
        for key, item in value.items():
            _element(str(key), item, out)
        out.append(close_tag)
    elif isinstance(value, list):
        out.append(open_tag + ">")
        for item in value:
            _element("item", item, out)
        out.append(close_tag)
    elif value is None:
        out.append(open_tag + "/>")
    elif isinstance(value, bool):
        out.append(f"{open_tag}>{'true' if value else 'false'}{close_tag}")
    else:
        out.append(f"{open_tag}>{_text(str(value))}{close_tag}")


def to_xml(value: t.Any) -> bytes:  # noqa: ANN401 - any JSON value
    """Render JSON data as XML: a list becomes ``<list><item>..</item></list>``.

    Args:
        value: Decoded JSON data.

    Returns:
        UTF-8 XML, with a declaration.
    """
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
    _element("list" if isinstance(value, list) else "response", value, out)
    return "".join(out).encode("utf-8")
