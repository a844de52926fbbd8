"""The private cattrs converter for rules: TOML-shaped data in and out.

One factory builds a fresh converter; nothing is registered on cattrs' global
converter. Citations travel as their clause number (``"п. 9"``) and are joined
to the clause texts of the regulation when loaded; whether the clause exists is
the regulation's own check. The converter is strict: a string field wants a
string, an array field an array (``"detected"`` is not ``["d", "e", ...]``), an
unknown key is an error. :func:`problems_of` turns a structuring failure into
every :class:`~regflow.errors.Problem` it holds, each with its path.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, mapping_structure_factory
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn
from cattrs.v import format_exception, transform_error

from regflow.calendar import DayCounting
from regflow.errors import Problem
from regflow.rules.kinds import (
    AnswerForm,
    Basis,
    Citation,
    ClauseNote,
    CoExecution,
    Deadline,
    Escalation,
    EscalationTrigger,
    Exclusion,
    Interpretation,
    Period,
    Permission,
    Scope,
    Setting,
)

__all__ = ["Rejected", "describe_value", "key_path", "make_converter", "problems_of"]

for _cls in (
    AnswerForm,
    ClauseNote,
    CoExecution,
    Deadline,
    Escalation,
    Exclusion,
    Interpretation,
    Permission,
    Setting,
):
    attrs.resolve_types(_cls)

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_QUOTED_BARE_KEY = re.compile(r"\['([A-Za-z0-9_-]+)'\]")


class Rejected(ValueError):
    """A value of the wrong shape; its text is the whole explanation shown to the user."""


def key_path(base: str, key: str) -> str:
    """The path of ``key`` inside the table at ``base``: ``$.a.b-c`` or ``$.a['п. 9']``.

    A key TOML writes bare follows a dot, as in the paths of :class:`Regulation`'s checks.
    """
    return f"{base}.{key}" if _BARE_KEY.fullmatch(key) else f"{base}[{key!r}]"


def describe_value(value: object) -> str:
    """A short repr of ``value`` with its TOML-ish type, for messages."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def make_converter(clauses: Mapping[str, str] | None = None) -> cattrs.Converter:
    """A converter for rule objects; ``clauses`` maps clause numbers to their texts.

    Unstructuring checks that every citation quotes its clause's text in
    ``clauses`` (a TOML file keeps one text per clause) and raises
    :class:`ValueError` otherwise.
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        omit_if_default=True,
        unstruct_collection_overrides={Sequence: list},
    )
    texts = dict(clauses or {})

    for kind, check in _SCALARS.items():
        converter.register_structure_hook(kind, check)
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )
    converter.register_structure_hook_factory(
        _is_variadic_tuple, lambda t: _tuple_hook(t, converter)
    )
    converter.register_structure_hook_factory(_is_mapping, lambda t: _mapping_hook(t, converter))

    def structure_citation(value: Any, _type: type) -> Citation:
        if isinstance(value, Citation):
            return value
        if not isinstance(value, str):
            raise Rejected(f"expected a clause number like 'п. 9', got {describe_value(value)}")
        return Citation(value, texts.get(value, ""))

    def unstructure_citation(citation: Citation) -> str:
        if texts and texts.get(citation.clause, citation.text) != citation.text:
            raise ValueError(
                f"a citation of {citation.clause!r} quotes a text other than the clauses "
                "table's; a TOML file keeps one text per clause"
            )
        return citation.clause

    converter.register_structure_hook(Citation, structure_citation)
    converter.register_unstructure_hook(Citation, unstructure_citation)

    def structure_period(value: Any, _type: type) -> Period:
        if isinstance(value, Period):
            return value
        if not isinstance(value, str):
            raise Rejected(
                f"expected a period like '30m', '8h', '1h30m' or '7d', got {describe_value(value)}"
            )
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise Rejected(str(exc)) from None

    converter.register_structure_hook(Period, structure_period)
    converter.register_unstructure_hook(Period, str)

    converter.register_structure_hook(dt.date, _date)
    converter.register_unstructure_hook(dt.date, lambda d: d)

    for enum_type in (Basis, Scope, EscalationTrigger, DayCounting):
        converter.register_unstructure_hook(enum_type, lambda e: e.value)

    def structure_setting(value: Any, _type: type) -> Setting:
        if isinstance(value, Setting):
            return value
        if not isinstance(value, Mapping) or set(value) != {"path", "value"}:
            raise Rejected(f"expected {{path = ..., value = ...}}, got {describe_value(value)}")
        if not isinstance(value["path"], str):
            raise Rejected(f"expected a path like 'deadlines.answer.limit', got {value['path']!r}")
        return Setting(value["path"], value["value"])

    converter.register_structure_hook(Setting, structure_setting)
    # A value may be a rule's own type (Period, Basis, a tuple): written as TOML holds it;
    # Regulation structures it into the field's type when the choice is applied.
    converter.register_unstructure_hook(
        Setting, lambda s: {"path": s.path, "value": converter.unstructure(s.value)}
    )
    converter.register_structure_hook_factory(attrs.has, lambda t: _attrs_hook(t, converter))
    return converter


def problems_of(exc: BaseException, root: str) -> tuple[Problem, ...]:
    """Every problem a structuring failure holds, with its path under ``root``."""
    # transform_error appends " @ path" to our description, which may itself
    # contain " @ ": it gets an index and the finding is looked up by it.
    findings: list[str | tuple[Problem, ...]] = []

    def describe(error: BaseException, kind: type | None) -> str:
        findings.append(_finding(error, kind))
        return str(len(findings) - 1)

    problems: list[Problem] = []
    for line in transform_error(exc, root, describe):
        index, _, path = line.partition(" @ ")
        path = _QUOTED_BARE_KEY.sub(r".\1", path)
        found = findings[int(index)]
        if isinstance(found, str):
            problems.append(Problem(path, found))
        else:
            problems.extend(Problem(path + p.path.removeprefix("$"), p.message) for p in found)
    return tuple(problems)


def _finding(error: BaseException, kind: type | None) -> str | tuple[Problem, ...]:
    if isinstance(error, ForbiddenExtraKeysError):
        known = ", ".join(a.name for a in attrs.fields(error.cl) if a.init)
        return tuple(
            Problem(key_path("$", str(key)), f"unknown key; expected one of: {known}")
            for key in sorted(error.extra_fields, key=str)
        )
    if isinstance(error, Rejected):
        return str(error)
    if isinstance(error, KeyError):
        return "required, missing"
    return format_exception(error, kind)


def _string(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise Rejected(f"expected a string, got {describe_value(value)}")
    return value


def _integer(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Rejected(f"expected an integer, got {describe_value(value)}")
    return value


def _boolean(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise Rejected(f"expected true or false, got {describe_value(value)}")
    return value


_SCALARS: dict[type, Callable[[object, type], object]] = {
    str: _string,
    int: _integer,
    bool: _boolean,
}


def _date(value: object, _: type) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise Rejected(f"expected a date like 2020-07-13, got {value!r}") from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise Rejected(f"expected a date like 2020-07-13, got {describe_value(value)}")
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
    kind: Any, converter: cattrs.Converter
) -> Callable[[object, type], dict[Any, Any]]:
    # Any: the key and value types are only known at run time
    items = mapping_structure_factory(kind, converter)

    def structure_mapping(value: object, _: type) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise Rejected(f"expected a table, got {describe_value(value)}")
        return dict(items(value, kind))

    return structure_mapping


def _attrs_hook(kind: Any, converter: cattrs.Converter) -> Callable[[object, type], Any]:
    # Any: any attrs class of the rules
    fields = make_dict_structure_fn(kind, converter)

    def structure_attrs(value: object, _: type) -> Any:
        if not isinstance(value, Mapping):
            raise Rejected(f"expected a table of fields, got {describe_value(value)}")
        return fields(value, kind)

    return structure_attrs
