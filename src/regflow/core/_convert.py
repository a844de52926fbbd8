"""The private cattrs converters of the domain classes: JSON and TOML documents.

One factory, :func:`make_converter`, builds the strict converter of
:mod:`regflow._strict` for a document format and adds what the format needs;
nothing is registered on cattrs' global converter. :func:`structure` then
reports every problem of a document at once, each with its JSON path
(``$.departments[2].kind``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping
from typing import Any, Literal

import cattrs

from regflow._strict import (
    MAX_INTEGER,
    Rejected,
    check_text,
    describe_value,
    join_path,
    key_path,
    problems_of,
    strict_converter,
    structure,
)
from regflow.rules.vocabulary import Platform, structure_platform

__all__ = [
    "MAX_DEPTH",
    "MAX_INTEGER",
    "JSONObject",
    "Rejected",
    "join_path",
    "json_copy",
    "key_path",
    "make_converter",
    "problems_of",
    "structure",
    "too_deep",
]

JSONObject = Mapping[str, object]
"""A JSON object as :func:`json.loads` gives it: str keys, JSON values all the way down."""

Format = Literal["json", "toml"]


@functools.cache
def make_converter(fmt: Format) -> cattrs.Converter:
    """The strict converter for ``fmt`` (built once, then shared; never mutate it).

    ``"json"``: instants and dates are ISO 8601 strings, ``None`` is kept as
    ``null``. ``"toml"``: instants and dates stay :mod:`datetime` objects (TOML
    has them) and fields at their default are left out (TOML has no ``null``).
    Either accepts both forms of a date or instant when structuring.
    """
    converter = strict_converter(
        omit_if_default=fmt == "toml",
        date_example="2025-11-20",
        fields_name="an object (a table of fields)",
        table_name="an object",
    )
    if fmt == "json":
        converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
        converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_structure_hook(Platform, structure_platform)
    converter.register_unstructure_hook(Platform, lambda p: p.value)
    converter.register_structure_hook_func(_is_json_object, _json_object)
    converter.register_unstructure_hook_func(_is_json_object, json_copy)
    return converter


def _is_json_object(kind: Any) -> bool:  # Any: cattrs hands predicates any type form
    return bool(kind == JSONObject)


def _json_object(value: object, _: type) -> dict[str, object]:
    return json_copy(value)


def json_copy(value: object) -> dict[str, object]:
    """A deep copy of a JSON object (lists for arrays), or :class:`Rejected` saying where not."""
    if not isinstance(value, Mapping):
        raise Rejected(f"expected an object, got {describe_value(value)}")
    copied = _json_value(value, "$")
    assert isinstance(copied, dict)
    return copied


MAX_DEPTH = 32
"""How deeply a record's arrays and objects may nest (a message needs four levels)."""


def too_deep(value: object, limit: int = MAX_DEPTH) -> str | None:
    """The path of the first array or object nested deeper than ``limit``, or ``None``;
    walked without recursion, so any depth is measured safely."""
    stack: list[tuple[object, str, int]] = [(value, "$", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, Mapping | list | tuple):
            if depth >= limit:
                return path
            pairs = (
                ((key_path(path, str(k)), v) for k, v in item.items())
                if isinstance(item, Mapping)
                else ((f"{path}[{i}]", v) for i, v in enumerate(item))
            )
            stack.extend((v, p, depth + 1) for p, v in pairs)
    return None


def _json_value(value: object, path: str) -> object:
    if isinstance(value, str):
        try:
            return check_text(value)
        except Rejected as exc:
            raise Rejected(str(exc), at=path) from None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise Rejected(
            f"the integer {value} is beyond ±{MAX_INTEGER} (2**53 - 1), which RFC 8785 JSON "
            "(the form the history's hashes cover) cannot hold; write it as a string",
            at=path,
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise Rejected(f"{value} is not a finite number", at=path)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        copied: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise Rejected(f"object keys must be strings, got {key!r}", at=path)
            try:
                check_text(key)
            except Rejected as exc:
                raise Rejected(f"a key: {exc}", at=path) from None
            copied[key] = _json_value(item, key_path(path, key))
        return copied
    if isinstance(value, list | tuple):
        return [_json_value(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise Rejected(f"not a JSON value: {describe_value(value)}", at=path)
