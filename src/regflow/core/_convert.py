"""The private cattrs converters of the domain classes, and load errors as problems.

One factory, :func:`make_converter`, builds a strict converter for a document
format; nothing is registered on cattrs' global converter. Strict means a
string field wants a string (``12`` is not ``"12"``), an array field wants an
array (``"ivanov"`` is not ``["i", "v", ...]``), an unknown key is an error, an
instant needs its time zone. :func:`structure` then reports every problem of a
document at once, each with its JSON path (``$.departments[2].kind``).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn
from cattrs.v import format_exception, transform_error

from regflow.errors import Problem

__all__ = [
    "JSONObject",
    "Rejected",
    "join_path",
    "json_copy",
    "key_path",
    "make_converter",
    "problems_of",
    "structure",
]

T = TypeVar("T")

JSONObject = Mapping[str, object]
"""A JSON object as :func:`json.loads` gives it: str keys, JSON values all the way down."""

Format = Literal["json", "toml"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Rejected(ValueError):
    """A value of the wrong shape; its text is the whole explanation shown to the user.

    ``at`` is the path of the culprit relative to the rejected value (``"$"``:
    the value itself; ``"$.a[2]"``: something inside it).
    """

    def __init__(self, message: str, *, at: str = "$") -> None:
        super().__init__(message)
        self.at = at


def join_path(base: str, relative: str) -> str:
    """``relative`` (``"$.lat"``) re-rooted at ``base`` (``"$.coordinates"``)."""
    return base + relative.removeprefix("$")


def key_path(base: str, key: str) -> str:
    """The path of ``key`` inside the object at ``base``: ``$.a.b`` or ``$.a['b c']``."""
    return f"{base}.{key}" if _IDENTIFIER.fullmatch(key) else f"{base}[{key!r}]"


@functools.cache
def make_converter(fmt: Format) -> cattrs.Converter:
    """The strict converter for ``fmt`` (built once, then shared; never mutate it).

    ``"json"``: instants and dates are ISO 8601 strings, ``None`` is kept as
    ``null``. ``"toml"``: instants and dates stay :mod:`datetime` objects (TOML
    has them) and fields at their default are left out (TOML has no ``null``).
    Either accepts both forms of a date or instant when structuring.
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        omit_if_default=fmt == "toml",
        unstruct_collection_overrides={Sequence: list},
    )
    for kind, check in _SCALARS.items():
        converter.register_structure_hook(kind, check)
    converter.register_structure_hook(dt.datetime, _instant)
    converter.register_structure_hook(dt.date, _date)
    if fmt == "json":
        converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
        converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    else:
        converter.register_unstructure_hook(dt.datetime, _identity)
        converter.register_unstructure_hook(dt.date, _identity)
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )
    converter.register_structure_hook_factory(
        _is_variadic_tuple, lambda t: _tuple_hook(t, converter)
    )
    converter.register_structure_hook_factory(attrs.has, lambda t: _attrs_hook(t, converter))
    converter.register_structure_hook_func(_is_json_object, _json_object)
    converter.register_unstructure_hook_func(_is_json_object, json_copy)
    return converter


def structure(
    converter: cattrs.Converter,
    data: object,
    cls: type[T],
    error: Callable[[tuple[Problem, ...]], Exception],
) -> T:
    """``data`` structured into ``cls``; else ``error(problems)`` with every problem found.

    Shape problems (types, missing and unknown keys) come with their paths; a
    domain error with ``.problems`` raised by a class while it is built (a
    reversed absence, an organisation's unknown person) has its problems
    re-rooted at the place of that class in the document. Cross-field checks
    run only once every field has a valid shape.
    """
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, Rejected) as exc:
        raise error(problems_of(exc)) from exc


def problems_of(exc: BaseException, root: str = "$") -> tuple[Problem, ...]:
    """Every problem a (cattrs) structuring failure holds, with its JSON path."""
    # transform_error appends " @ path" to our description; a description
    # could itself contain " @ ", so we hand it an index and look the finding up.
    findings: list[str | tuple[Problem, ...]] = []

    def describe(error: BaseException, kind: type | None) -> str:
        findings.append(_finding(error, kind))
        return str(len(findings) - 1)

    problems: list[Problem] = []
    for line in transform_error(exc, root, describe):
        index, _, path = line.partition(" @ ")
        found = findings[int(index)]
        if isinstance(found, str):
            problems.append(Problem(path, found))
        else:
            problems.extend(Problem(join_path(path, p.path), p.message) for p in found)
    return tuple(problems)


def _finding(error: BaseException, kind: type | None) -> str | tuple[Problem, ...]:
    carried = getattr(error, "problems", None)
    if isinstance(carried, tuple) and all(isinstance(p, Problem) for p in carried):
        return carried
    if isinstance(error, ForbiddenExtraKeysError):
        known = ", ".join(a.name for a in attrs.fields(error.cl) if a.init)
        return tuple(
            Problem(key_path("$", str(key)), f"unknown key; expected one of: {known}")
            for key in sorted(error.extra_fields, key=str)
        )
    if isinstance(error, Rejected):
        return (Problem(error.at, str(error)),)
    if isinstance(error, KeyError):
        return "required, missing"
    return format_exception(error, kind)


def _describe_value(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _string(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise Rejected(f"expected a string, got {_describe_value(value)}")
    return value


def _integer(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Rejected(f"expected an integer, got {_describe_value(value)}")
    return value


def _number(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Rejected(f"expected a number, got {_describe_value(value)}")
    return float(value)


def _boolean(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise Rejected(f"expected true or false, got {_describe_value(value)}")
    return value


_SCALARS: dict[type, Callable[[object, type], object]] = {
    str: _string,
    int: _integer,
    float: _number,
    bool: _boolean,
}


def _instant(value: object, _: type) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise Rejected(
                f"expected an ISO 8601 instant like 2025-11-20T10:30:00+09:00, got {value!r}"
            ) from None
    if not isinstance(value, dt.datetime):
        raise Rejected(f"expected an instant, got {_describe_value(value)}")
    if value.utcoffset() is None:
        raise Rejected(f"{value.isoformat()} has no time zone; add an offset like +09:00")
    return value


def _date(value: object, _: type) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise Rejected(f"expected a date like 2025-11-20, got {value!r}") from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise Rejected(f"expected a date like 2025-11-20, got {_describe_value(value)}")
    return value


def _identity(value: T) -> T:
    return value


def _enum_hook(kind: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    choices = ", ".join(repr(member.value) for member in kind)

    def structure_enum(value: object, _: type) -> enum.Enum:
        try:
            return kind(value)
        except ValueError:
            raise Rejected(f"expected one of {choices}; got {_describe_value(value)}") from None

    return structure_enum


def _is_variadic_tuple(kind: Any) -> bool:  # Any: cattrs hands predicates any type form
    args = get_args(kind)
    return get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook(
    kind: Any, converter: cattrs.Converter
) -> Callable[[object, type], tuple[Any, ...]]:
    # Any: the element type is only known at run time
    elements = homogenous_tuple_structure_factory(kind, converter)

    def structure_tuple(value: object, _: type) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise Rejected(f"expected an array, got {_describe_value(value)}")
        return tuple(elements(value, kind))

    return structure_tuple


def _attrs_hook(kind: type[T], converter: cattrs.Converter) -> Callable[[object, type], T]:
    fields = make_dict_structure_fn(kind, converter)

    def structure_attrs(value: object, _: type) -> T:
        if not isinstance(value, Mapping):
            raise Rejected(f"expected an object (a table of fields), got {_describe_value(value)}")
        return fields(value, kind)

    return structure_attrs


def _is_json_object(kind: Any) -> bool:  # Any: cattrs hands predicates any type form
    return bool(kind == JSONObject)


def _json_object(value: object, _: type) -> dict[str, object]:
    return json_copy(value)


def json_copy(value: object) -> dict[str, object]:
    """A deep copy of a JSON object (lists for arrays), or :class:`Rejected` saying where not."""
    if not isinstance(value, Mapping):
        raise Rejected(f"expected an object, got {_describe_value(value)}")
    copied = _json_value(value, "$")
    assert isinstance(copied, dict)
    return copied


def _json_value(value: object, path: str) -> object:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        copied: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise Rejected(f"object keys must be strings, got {key!r}", at=path)
            copied[key] = _json_value(item, key_path(path, key))
        return copied
    if isinstance(value, list | tuple):
        return [_json_value(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise Rejected(f"not a JSON value: {_describe_value(value)}", at=path)
