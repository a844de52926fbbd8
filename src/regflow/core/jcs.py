"""Canonical JSON as RFC 8785 (the JSON Canonicalization Scheme) defines it.

The hashes of scheme 2 (events, outbox items, the store's chain) cover RFC 8785
text, so that an auditor can recompute them with any stock JCS implementation,
in any language (RFC 8785, https://www.rfc-editor.org/rfc/rfc8785). The library
``rfc8785`` (Trail of Bits, on PyPI) writes it; Python's own C encoder writes the
very same bytes for the values regflow mostly hashes (no floating-point number,
integers within IEEE 754's exact range, object keys without characters beyond
the Basic Multilingual Plane, whose UTF-16 order differs from Python's), and is
several times faster, so it is used for those; a property test holds the two
equal.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

__all__ = ["dumps", "fast_path"]

_MAX_EXACT = 2**53 - 1
"""The largest integer RFC 8785 (IEEE 754 double precision) writes exactly."""
_SORTED = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fast_path(value: Any) -> bool:  # Any: a plain JSON value, checked here
    """Whether Python's sorted-key encoder writes ``value`` exactly as RFC 8785 does."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return bool(-_MAX_EXACT <= value <= _MAX_EXACT)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(key) < "\ud800"):
                return False
            if type(item) is not str and not fast_path(item):  # text, the most common, first
                return False
        return True
    if kind is list:
        return all(type(item) is str or fast_path(item) for item in value)
    return False  # a float, or something neither encoder takes as is


def dumps(value: Any) -> str:  # Any: a plain JSON value (dicts, lists, scalars)
    """``value`` as RFC 8785 canonical JSON text.

    Raises:
        ValueError: a value RFC 8785 cannot write (an integer beyond 2**53, NaN...).
    """
    if fast_path(value):
        return _SORTED.encode(value)
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except rfc8785.CanonicalizationError as exc:
        raise ValueError(f"not canonical JSON: {exc}") from exc
