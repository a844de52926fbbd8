"""Doctests that need an optional extra skip where it is not installed (pytest's own
``importorskip`` cannot be written into a docstring a user reads)."""

from __future__ import annotations

import importlib.util

import pytest

_EXTRAS = {"workalendar": "workalendar"}
"""A module a doctest imports -> the extra that brings it."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = {m: e for m, e in _EXTRAS.items() if importlib.util.find_spec(m) is None}
    if not missing:
        return
    for item in items:
        test = getattr(item, "dtest", None)  # a doctest item (pytest keeps its class private)
        if test is None:
            continue
        source = "".join(example.source for example in test.examples)
        for module, extra in missing.items():
            if f"import {module}" in source or f"from {module}" in source:
                item.add_marker(pytest.mark.skip(reason=f"needs the {extra} extra"))
