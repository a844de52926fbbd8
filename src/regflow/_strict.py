"""Strict cattrs structuring shared by the private converters, and its failures as problems.

:func:`strict_converter` builds a fresh converter; nothing is registered on
cattrs' global converter. Strict means a string field wants a string (``12`` is
not ``"12"``), an array field wants an array (``"ivanov"`` is not ``["i", "v",
...]``), a table field wants a table, an unknown key is an error, an instant
needs its time zone. :func:`problems_of` turns a structuring failure into every
:class:`~regflow.errors.Problem` it holds, each with its path
(``$.departments[2].kind``).

The converters of the rules and of the core build on it; this module sits below
both, so it knows neither.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, mapping_structure_factory
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn
from cattrs.v import format_exception, transform_error

from regflow.errors import Problem

__all__ = [
    "IDENTIFIER",
    "MAX_INTEGER",
    "Rejected",
    "check_text",
    "describe_value",
    "join_path",
    "key_path",
    "problems_of",
    "strict_converter",
    "structure",
]

T = TypeVar("T")

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""The keys a path writes after a dot by default (``$.a.b``); others are quoted (``$['b c']``)."""


class Rejected(ValueError):
    """A value of the wrong shape; its text is the whole explanation shown to the user.

    ``at`` is the path of the culprit relative to the rejected value (``"$"``:
    the value itself; ``"$.a[2]"``: something inside it).
    """

    def __init__(self, message: str, *, at: str = "$") -> None:
        super().__init__(message)
        self.at = at


def describe_value(value: object) -> str:
    """A short repr of ``value`` with its type, for messages."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def join_path(base: str, relative: str) -> str:
    """``relative`` (``"$.lat"``) re-rooted at ``base`` (``"$.coordinates"``)."""
    return base + relative.removeprefix("$")


def key_path(base: str, key: str, *, bare: re.Pattern[str] = IDENTIFIER) -> str:
    """The path of ``key`` at ``base``: ``$.a.b``, or ``$.a['b c']`` if ``bare`` does not match."""
    return f"{base}.{key}" if bare.fullmatch(key) else f"{base}[{key!r}]"


def strict_converter(
    *, omit_if_default: bool, date_example: str, fields_name: str, table_name: str
) -> cattrs.Converter:
    """A fresh strict converter; the caller adds the hooks of its own classes and format.

    Structuring checks str, int, float and bool exactly; dates and instants
    are :mod:`datetime` objects or ISO 8601 strings (the messages show
    ``date_example``), instants with their time zone; enums are their values;
    ``tuple[X, ...]`` wants an array; an attrs class (``fields_name`` in
    messages) and a ``Mapping`` (``table_name``) want a mapping; unknown keys are
    errors. Unstructuring keeps dates and instants as they are and writes
    sequences as lists; ``omit_if_default`` leaves out fields at their default.
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        omit_if_default=omit_if_default,
        unstruct_collection_overrides={Sequence: list},
    )
    for kind, check in _SCALARS.items():
        converter.register_structure_hook(kind, check)
    converter.register_structure_hook(dt.datetime, _instant)
    converter.register_structure_hook(dt.date, _date_hook(date_example))
    converter.register_unstructure_hook(dt.datetime, _identity)
    converter.register_unstructure_hook(dt.date, _identity)
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )
    converter.register_structure_hook_factory(
        _is_variadic_tuple, lambda t: _tuple_hook(t, converter)
    )
    converter.register_structure_hook_factory(
        _is_mapping, lambda t: _mapping_hook(t, converter, table_name)
    )
    converter.register_structure_hook_factory(
        attrs.has, lambda t: _attrs_hook(t, converter, fields_name)
    )
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


def problems_of(
    exc: BaseException, root: str = "$", *, bare: re.Pattern[str] = IDENTIFIER
) -> tuple[Problem, ...]:
    """Every problem a (cattrs) structuring failure holds, with its path under ``root``.

    Keys are written as :func:`key_path` writes them with ``bare``.
    """
    # transform_error appends " @ path" to our description; a description
    # could itself contain " @ ", so we hand it an index and look the finding up.
    findings: list[str | tuple[Problem, ...]] = []

    def describe(error: BaseException, kind: type | None) -> str:
        findings.append(_finding(error, kind, bare))
        return str(len(findings) - 1)

    # cattrs quotes every key of a mapping: $['a']; a bare one goes after a dot
    quoted_bare = re.compile(rf"\['({bare.pattern})'\]")
    problems: list[Problem] = []
    for line in transform_error(exc, root, describe):
        index, _, path = line.partition(" @ ")
        path = quoted_bare.sub(r".\1", path)
        found = findings[int(index)]
        if isinstance(found, str):
            problems.append(Problem(path, found))
        else:
            problems.extend(Problem(join_path(path, p.path), p.message) for p in found)
    return tuple(problems)


def _finding(
    error: BaseException, kind: type | None, bare: re.Pattern[str]
) -> str | tuple[Problem, ...]:
    carried = getattr(error, "problems", None)
    if isinstance(carried, tuple) and all(isinstance(p, Problem) for p in carried):
        return carried
    if isinstance(error, ForbiddenExtraKeysError):
        known = ", ".join(a.name for a in attrs.fields(error.cl) if a.init)
        return tuple(
            Problem(key_path("$", str(key), bare=bare), f"unknown key; expected one of: {known}")
            for key in sorted(error.extra_fields, key=str)
        )
    if isinstance(error, Rejected):
        return (Problem(error.at, str(error)),)
    if isinstance(error, KeyError):
        return "required, missing"
    return format_exception(error, kind)


MAX_INTEGER = 2**53 - 1
"""The largest integer a document may hold: I-JSON's (RFC 7493, section 2.2), which every
JSON reader represents exactly; larger ones are refused, not rounded or overflowed."""

_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value: str) -> str:
    """``value`` if it is text that can be stored (UTF-8 encodable).

    Raises:
        Rejected: a lone surrogate (JSON's ``"\\ud800"`` escape decodes to one), named
            with its position.
    """
    found = _SURROGATE.search(value)
    if found is not None:
        raise Rejected(
            f"a lone surrogate U+{ord(found.group()):04X} at character {found.start() + 1} "
            "is not text"
        )
    return value


def _string(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise Rejected(f"expected a string, got {describe_value(value)}")
    return check_text(value)


def _integer(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Rejected(f"expected an integer, got {describe_value(value)}")
    if abs(value) > MAX_INTEGER:
        # (not str(value): a huge integer has too many digits to be printed)
        raise Rejected(f"an integer out of range (at most {MAX_INTEGER} either way)")
    return value


def _number(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Rejected(f"expected a number, got {describe_value(value)}")
    return float(value)


def _boolean(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise Rejected(f"expected true or false, got {describe_value(value)}")
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
        raise Rejected(f"expected an instant, got {describe_value(value)}")
    if value.utcoffset() is None:
        raise Rejected(f"{value.isoformat()} has no time zone; add an offset like +09:00")
    try:
        value.astimezone(dt.UTC)  # instants are stored in UTC
    except OverflowError:
        raise Rejected(f"{value.isoformat()} is out of range: it has no instant in UTC") from None
    return value


def _date_hook(example: str) -> Callable[[object, type], dt.date]:
    def structure_date(value: object, _: type) -> dt.date:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise Rejected(f"expected a date like {example}, got {value!r}") from None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise Rejected(f"expected a date like {example}, got {describe_value(value)}")
        return value

    return structure_date


def _identity(value: T) -> T:
    return value


def _enum_hook(kind: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    choices = ", ".join(repr(member.value) for member in kind)

    def structure_enum(value: object, _: type) -> enum.Enum:
        if isinstance(value, kind):
            return value
        try:
            return kind(value)
        except ValueError:
            raise Rejected(f"expected one of {choices}; got {describe_value(value)}") from None

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
            raise Rejected(f"expected an array, got {describe_value(value)}")
        return tuple(elements(value, kind))

    return structure_tuple


def _is_mapping(kind: Any) -> bool:  # Any: cattrs hands predicates any type form
    return get_origin(kind) is Mapping


def _mapping_hook(
    kind: Any, converter: cattrs.Converter, name: str
) -> Callable[[object, type], dict[Any, Any]]:
    # Any: the key and value types are only known at run time
    items = mapping_structure_factory(kind, converter)

    def structure_mapping(value: object, _: type) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise Rejected(f"expected {name}, got {describe_value(value)}")
        return dict(items(value, kind))

    return structure_mapping


def _attrs_hook(
    kind: type[T], converter: cattrs.Converter, name: str
) -> Callable[[object, type], T]:
    fields = make_dict_structure_fn(kind, converter)

    def structure_attrs(value: object, _: type) -> T:
        if not isinstance(value, Mapping):
            raise Rejected(f"expected {name}, got {describe_value(value)}")
        return fields(value, kind)

    return structure_attrs
