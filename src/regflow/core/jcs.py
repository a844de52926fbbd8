"""Canonical JSON as RFC 8785 (the JSON Canonicalization Scheme) defines it.

The hashes of scheme 2 (events, outbox items, the store's chain) cover RFC 8785
text, so that an auditor can recompute them with any stock JCS implementation,
in any language (RFC 8785, https://www.rfc-editor.org/rfc/rfc8785). The library
``rfc8785`` (Trail of Bits, on PyPI) writes it; Python's own C encoder writes the
very same bytes for the values regflow mostly hashes (no floating-point number,
integers within IEEE 754's exact range, no characters beyond the Basic
Multilingual Plane, whose UTF-16 order differs from Python's), and is several
times faster, so it is used for those; the tests hold the two equal.
"""

from __future__ import annotations

import json
import re
from typing import Any

import rfc8785

__all__ = ["dumps"]

_SORTED = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_SUSPECT = re.compile(r"(?:^|[:,\[])-?(?:\d+[.eE]|\d{16}|NaN|Infinity)")
"""A number token Python may write otherwise than RFC 8785: one with a fraction or an
exponent (``1.0``, ``1e+21``), one of sixteen digits or more (possibly beyond IEEE 754's
exact integers), or a non-finite one. It may also match inside a string (``"a:1.5"``):
then the library writes the text, which is merely slower."""
_ASTRAL = "\U00010000"
"""Characters from here on sort differently by UTF-16 unit (RFC 8785) and by code point."""


def dumps(value: Any) -> str:  # Any: a plain JSON value (dicts, lists, scalars)
    """``value`` as RFC 8785 canonical JSON text.

    Python's own encoder writes it when the text holds no number it may write otherwise
    and no character beyond the Basic Multilingual Plane (whose keys it would sort
    otherwise); for any other value the ``rfc8785`` library does.

    Raises:
        ValueError: a value RFC 8785 cannot write (an integer beyond 2**53, NaN...).
    """
    text = _SORTED.encode(value)
    if _SUSPECT.search(text) is None and (text.isascii() or max(text) < _ASTRAL):
        return text
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except rfc8785.CanonicalizationError as exc:
        raise ValueError(f"not canonical JSON: {exc}") from exc
