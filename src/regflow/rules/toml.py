"""Regulations as TOML files, so another city writes a file instead of code.

:func:`dump_regulation` writes a regulation (defaults left out);
:func:`load_regulation` reads one back, equal:

>>> from regflow.rules import blagoveshchensk_2020
>>> regulation = blagoveshchensk_2020()
>>> text = dump_regulation(regulation)
>>> print(text[:text.index("legal_basis")].strip())  # doctest: +ELLIPSIS
id = "blagoveshchensk-2180"
title = "Порядок организации работы администрации города Благовещенска ..."
version = "2020-07-13"
effective_from = 2020-07-13
>>> load_regulation(text) == regulation
True

The layout: top-level ``id``, ``title``, ``version``, ``effective_from``,
``effective_to`` (optional), ``legal_basis``, ``platforms``, ``importance``;
then ``[clauses]`` (``"п. 9" = "the clause's text"``; rules cite a clause by
its number), ``[working_time]``, ``[classification]`` (optional: what the
curator's classification must name), ``[[deadlines]]``, ``[[permissions]]``,
``[co_execution]``, ``[exclusion]``, ``[closing]`` (optional: ``reasons``, an
array of ``{id, title, why, citation}``), ``[answer_form]``, ``[[escalations]]``,
``[[interpretations]]`` (``choices``: name -> meaning; ``settings``: name ->
array of ``{path, value}``), ``[[notes]]``, ``[choices]`` (interpretation
-> the reading chosen) and ``[templates]`` (notification wording, see
:class:`regflow.notices.Templates`). ``examples/other_city/regulation.toml`` is a
full one; ``extends`` (see :func:`load_regulation`) lets a file say only what differs
from another.

Loading reports every problem at once, each with its path (and the line it is
written on, and the entry by id: ``$.deadlines[answer].limit``, with "did you
mean" for a mistyped key, id, role, event or time zone): TOML syntax (line
and column), wrong types, unknown and missing keys, and then the checks of
:class:`~regflow.rules.Regulation` (unknown events, roles and clauses, cycles
of ``before``, the stage graph, interpretations). The checks of a rule that
could not be read are skipped, so that one mistake is not reported as many.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, get_args, get_origin

import attrs
import cattrs

from regflow import _toml
from regflow._suggest import did_you_mean
from regflow.errors import InvalidRegulation, Problem, RegflowError
from regflow.rules._convert import (
    describe_value,
    key_path,
    make_converter,
    problems_of,
)
from regflow.rules.kinds import Citation, Period, Setting
from regflow.rules.regulation import Regulation, WorkingTimeSpec, working_time_problems
from regflow.rules.vocabulary import Platform

__all__ = ["dump_regulation", "load_regulation", "load_regulation_file"]

attrs.resolve_types(Regulation)

_LAYOUT = (
    "id",
    "title",
    "version",
    "effective_from",
    "effective_to",
    "legal_basis",
    "platforms",
    "sources_clause",
    "importance",
    "clauses",
    "platform_titles",
    "templates",
    "working_time",
    "intake",
    "classification",
    "deadlines",
    "permissions",
    "co_execution",
    "exclusion",
    "closing",
    "answer_form",
    "escalations",
    "interpretations",
    "notes",
    "choices",
)
"""The order of a regulation file: scalars, then tables; a field not named here follows."""

_UNREAD: Any = object()
"""A value that could not be read (its problems are recorded). Any: a sentinel of any field."""

_FACTORY: type[Any] = type(attrs.Factory(dict))
"""The type of an attrs ``factory=`` default. Any: attrs types it as a function."""

_UNREADABLE_LIMIT = Period(minutes=10**9)
"""Stands in for a limit that could not be read: longer than any, so a deadline
counted back from it raises no 'falls before its start' problem of its own."""


def dump_regulation(regulation: Regulation) -> str:
    """``regulation`` as a TOML document; :func:`load_regulation` reads it back equal.

    Fields at their default are left out, except ``[working_time]``'s zone,
    calendar and hours, which an auditor should always see.

    Raises:
        ValueError: a citation quotes a text other than its clause's in
            ``regulation.clauses`` (the file keeps one text per clause).
        TypeError: a setting's value TOML cannot hold (``None``).
    """
    converter = make_converter(regulation.clauses)
    data = converter.unstructure(regulation)
    spec = regulation.working_time
    data["working_time"] = {
        "timezone": spec.timezone,
        "calendar": spec.calendar,
        "hours": dict(spec.hours),
        **converter.unstructure(spec),
    }
    ordered = {key: data[key] for key in _LAYOUT if key in data}
    return _toml.dumps(ordered | {k: v for k, v in data.items() if k not in ordered})


BUILT_IN = {"blagoveshchensk-2180@2020-07-13"}
"""The regulations ``extends`` may name without a file (``id@version``)."""


def load_regulation(
    text: str, *, source: str = "<string>", base_dir: str | os.PathLike[str] | None = None
) -> Regulation:
    """The regulation a TOML document describes, as :func:`dump_regulation` writes it.

    A document with ``extends = "blagoveshchensk-2180@2020-07-13"`` (a built-in
    regulation) or ``extends = "other.toml"`` (a file, relative to ``base_dir``) says only
    what differs from that one: tables are merged key by key, an array of tables whose
    entries have an ``id`` (deadlines, escalations, interpretations, closing reasons) entry
    by entry (an entry with ``remove = true`` drops the one of its id; a new id is added),
    any other value replaces the base's. The result is checked as a whole.

    Args:
        text: the document.
        source: where it came from (a file name), for messages.
        base_dir: where a file named by ``extends`` is looked for; by default the
            directory of ``source`` if it is a file, else the working directory.

    Raises:
        InvalidRegulation: every problem found, each with its path
            (``$.deadlines[3].limit: expected a period like '30m' ...``); a
            syntax error as one problem naming the line and column.
    """
    try:
        data = _toml.loads(text, source=source)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidRegulation((_toml.syntax_problem(exc, source),), regulation=source) from exc
    extended = "extends" in data
    if extended:
        if base_dir is None:
            base_dir = Path(source).parent if Path(source).is_file() else Path.cwd()
        data = _extended(data, source, Path(base_dir), ())
    reader = _Reader(data.get("clauses"))
    kwargs = reader.fields(Regulation, data, "$")
    clauses = data.get("clauses")
    if isinstance(clauses, Mapping):  # keep every clause number, so citations of it resolve
        kwargs["clauses"] = {k: v if isinstance(v, str) else "" for k, v in clauses.items()}
    problems = list(reader.problems)
    lines = {} if extended else _lines(text)
    try:
        regulation = Regulation(**kwargs)
    except InvalidRegulation as exc:
        problems.extend(_skip_unread(_rerooted(exc.problems), [p.path for p in problems]))
        located = _located(problems, lines, data)
        raise InvalidRegulation(located, regulation=source) from exc
    if not problems:
        problems.extend(_readings_problems(regulation))
    if problems:
        raise InvalidRegulation(_located(problems, lines, data), regulation=source)
    return regulation


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r'^\s*("[^"]*"|[A-Za-z0-9_-]+)\s*=')


def _lines(text: str) -> dict[str, int]:
    """Document path -> the line it is written on (tables, array entries and keys)."""
    found: dict[str, int] = {}
    counts: dict[str, int] = {}
    table = "$"
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = ".".join(part.strip().strip('"') for part in header.group(2).split("."))
            if header.group(1) == "[[":
                index = counts.get(name, -1) + 1
                counts[name] = index
                table = key_path("$", name) + f"[{index}]"
            else:
                table = "$." + ".".join(
                    key_path("", part).removeprefix(".") for part in name.split(".")
                )
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            found.setdefault(key_path(table, key.group(1).strip('"')), number)
    return found


_POSITION = re.compile(r"^(\$\.(\w+))\[(\d+)\]")


def _located(
    problems: list[Problem], lines: Mapping[str, int], data: Mapping[str, Any]
) -> tuple[Problem, ...]:
    """``problems`` with the line each path is written on (or the nearest enclosing one)
    and the path with array entries named by their id."""
    result = []
    for problem in problems:
        line = None
        path = problem.path
        while path and line is None:
            line = lines.get(path)
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 1 else ""
        by_id = ""
        found = _POSITION.match(problem.path)
        if found:
            entries = data.get(found.group(2))
            index = int(found.group(3))
            if isinstance(entries, list) and index < len(entries):
                ident = entries[index].get("id") if isinstance(entries[index], Mapping) else None
                if isinstance(ident, str):
                    by_id = f"{found.group(1)}[{ident}]{problem.path[found.end() :]}"
        result.append(attrs.evolve(problem, line=line, by_id=by_id))
    return tuple(result)


def load_regulation_file(path: str | os.PathLike[str]) -> Regulation:
    """The regulation in a UTF-8 TOML file; see :func:`load_regulation`.

    Raises:
        InvalidRegulation: as :func:`load_regulation`, or the file is not UTF-8.
        OSError: the file cannot be read.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem("$", f"{path}: not UTF-8 text ({exc})")
        raise InvalidRegulation((problem,), regulation=str(path)) from exc
    return load_regulation(text, source=str(path), base_dir=Path(path).parent)


def _extended(
    data: dict[str, Any], source: str, base_dir: Path, seen: tuple[str, ...]
) -> dict[str, Any]:
    """``data`` merged over the regulation its ``extends`` names (recursively)."""
    name = data.pop("extends")
    if not isinstance(name, str):
        problem = Problem("$.extends", f"expected a name or a file, got {describe_value(name)}")
        raise InvalidRegulation((problem,), regulation=source)
    if name in seen:
        problem = Problem("$.extends", f"{name!r} extends itself through {list(seen)}")
        raise InvalidRegulation((problem,), regulation=source)
    if name in BUILT_IN:
        from regflow.rules.blagoveshchensk import blagoveshchensk_2020

        base = _toml.loads(dump_regulation(blagoveshchensk_2020()), source=name)
    else:
        path = base_dir / name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            hint = did_you_mean(name, BUILT_IN)
            problem = Problem(
                "$.extends",
                f"cannot read {name!r} ({exc.__class__.__name__}){hint}; name a file "
                f"relative to this one or one of {sorted(BUILT_IN)}",
            )
            raise InvalidRegulation((problem,), regulation=source) from exc
        try:
            base = _toml.loads(text, source=str(path))
        except tomllib.TOMLDecodeError as exc:
            problem = _toml.syntax_problem(exc, str(path))
            raise InvalidRegulation((problem,), regulation=source) from exc
        if "extends" in base:
            base = _extended(base, str(path), path.parent, (*seen, name))
    return _merge(base, data)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        earlier = merged.get(key)
        if isinstance(earlier, dict) and isinstance(value, Mapping):
            merged[key] = _merge(earlier, value)
        elif isinstance(earlier, list) and _by_id(earlier) and _by_id(value):
            entries = {item["id"]: dict(item) for item in earlier}
            for item in value:
                if item.get("remove") is True:
                    entries.pop(item["id"], None)
                elif item["id"] in entries:
                    entries[item["id"]] = _merge(entries[item["id"]], item)
                else:
                    entries[item["id"]] = dict(item)
            merged[key] = list(entries.values())
        else:
            merged[key] = value
    return merged


def _by_id(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, Mapping) and isinstance(item.get("id"), str) for item in value)
    )


class _Reader:
    """Structures a document field by field, so that one bad value does not hide the others.

    A field that cannot be read gets its default or a harmless placeholder and
    its problems are kept; the rule it belongs to is then built anyway, for the
    checks of the rules around it (whose own findings on it are skipped).
    """

    def __init__(self, clauses: object) -> None:
        texts = clauses if isinstance(clauses, Mapping) else {}
        self.converter = make_converter({k: v for k, v in texts.items() if isinstance(v, str)})
        self.problems: list[Problem] = []

    def fields(self, cls: type, raw: object, path: str) -> dict[str, Any]:
        # Any: the values of an attrs class's fields, by name
        if not isinstance(raw, Mapping):
            self.problems.append(Problem(path, f"expected a table, got {describe_value(raw)}"))
            raw = {}
        fields = [field for field in attrs.fields(cls) if field.init]
        names = [field.alias for field in fields]
        expected = f"expected one of: {', '.join(names)}"
        self.problems.extend(
            Problem(key_path(path, k), f"unknown key{did_you_mean(str(k), names)}; {expected}")
            for k in raw
            if k not in names
        )
        values: dict[str, Any] = {}
        for field in fields:
            here = key_path(path, field.alias)
            value: Any = _UNREAD
            if field.alias in raw:
                value = self.value(field.type, raw[field.alias], here)
            elif field.default is attrs.NOTHING:
                self.problems.append(Problem(here, "required, missing"))
            if value is _UNREAD:
                value = _fallback(field)
            if value is not _UNREAD:
                values[field.alias] = value
        return values

    def value(self, kind: Any, raw: object, path: str) -> Any:
        # Any: a field's type, as attrs resolved it, and its value
        if _is_rule(kind):
            return kind(**self.fields(kind, raw, path))
        args = get_args(kind)
        if get_origin(kind) is tuple and args[1:] == (Ellipsis,) and _is_rule(args[0]):
            if not isinstance(raw, list):
                what = f"expected an array of tables, got {describe_value(raw)}"
                self.problems.append(Problem(path, what))
                return _UNREAD
            return tuple(self.value(args[0], item, f"{path}[{i}]") for i, item in enumerate(raw))
        try:
            return self.converter.structure(raw, kind)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            self.problems.extend(problems_of(exc, path))
            return _UNREAD


def _is_rule(kind: object) -> bool:
    return attrs.has(kind) and kind not in (Citation, Period, Platform, Setting)  # type: ignore[arg-type]


def _fallback(field: attrs.Attribute[Any]) -> Any:
    """What stands in for a field that could not be read: its default, or a placeholder."""
    # Any: the field's type and value
    default = field.default
    if isinstance(default, _FACTORY):
        return default.factory()
    if default is not attrs.NOTHING:
        return _UNREAD  # the class fills in its default
    return _placeholder(field.type)


def _placeholder(kind: Any) -> Any:
    # Any: a field's type, and a value of it
    if kind is Period:
        return _UNREADABLE_LIMIT
    if kind is Citation:
        return Citation("", "")
    if kind is dt.date:
        return dt.date.min
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return next(iter(kind))
    if _is_rule(kind):
        required = (f for f in attrs.fields(kind) if f.init and f.default is attrs.NOTHING)
        return kind(**{f.alias: _placeholder(f.type) for f in required})
    origin = get_origin(kind)
    if origin is tuple:
        return ()
    if origin is Mapping:
        return {}
    if kind is str:
        return ""
    if kind is bool:
        return False
    if kind is int:
        return 0
    raise TypeError(f"no placeholder for a required field of type {kind!r}")


def _rerooted(problems: tuple[Problem, ...]) -> Iterator[Problem]:
    """The regulation's own problems with document paths (``$.deadlines[3].limit``)."""
    for problem in problems:
        path = problem.path
        message = problem.message
        if path.startswith("effective."):
            path = path.removeprefix("effective.")
            message += " (with the interpretations in force applied)"
        yield Problem(f"$.{path}" if path else "$", message)


_ROOT = re.compile(r"^\$\.working_time\.\w+(?:\[\d+\])?|^\$\.\w+(?:\[\d+\])?")

_READS: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = (
    (re.compile(r"^\$\.importance\b"), lambda p: ".by_importance" in p),
    (
        re.compile(r"^\$\.platforms\b"),
        lambda p: p == "$.platforms" or _under(p, "$.platform_titles") or ".max_length" in p,
    ),
    (re.compile(r"^\$\.permissions\b"), lambda p: p == "$.permissions"),
    (re.compile(r"^\$\.(interpretations|choices)\b"), lambda p: _under(p, "$.choices")),
    (re.compile(r"^\$\.clauses$"), lambda p: p.endswith((".citation", "_clause"))),
    (
        re.compile(r"^\$\.deadlines(\[\d+\]\.id)?$"),
        lambda p: p == "$.co_execution.deadline" or p.endswith(".before"),
    ),
)
"""A part of the document that could not be read, and the checks elsewhere that read it."""


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith((f"{root}.", f"{root}["))


def _skip_unread(problems: Iterator[Problem], unread: list[str]) -> Iterator[Problem]:
    """The problems that do not stem from a part of the document that could not be read."""
    roots = {m.group(0) if (m := _ROOT.match(path)) else path for path in unread}
    reads = [check for pattern, check in _READS if any(pattern.match(path) for path in unread)]
    for problem in problems:
        if not any(_under(problem.path, root) for root in roots) and not any(
            check(problem.path) for check in reads
        ):
            yield problem


def _readings_problems(regulation: Regulation) -> Iterator[Problem]:
    """Problems of the readings not chosen, and of every working time the file can set.

    :class:`Regulation` checks the readings in force; a file should not hold
    an alternative that fails only on the day someone chooses it.
    """
    for field, message in _working_time_problems(regulation.working_time):
        yield Problem(f"$.working_time.{field}", message)
    for index, interpretation in enumerate(regulation.interpretations):
        for choice in interpretation.choices:
            reading = f"with {interpretation.id} = {choice}: "
            try:
                other = regulation.choose(**{interpretation.id: choice})
            except InvalidRegulation as exc:
                for problem in _rerooted(exc.problems):
                    yield Problem(problem.path, reading + problem.message)
                continue
            spec = other.effective.working_time
            if spec != regulation.working_time:
                where = key_path(f"$.interpretations[{index}].settings", choice)
                for field, message in _working_time_problems(spec):
                    yield Problem(where, f"{reading}the working time it sets: {field}: {message}")


def _working_time_problems(spec: WorkingTimeSpec) -> Iterator[tuple[str, str]]:
    """(field, message) for each part of ``spec`` that cannot be built."""
    found = False
    for problem in working_time_problems(spec, ""):
        found = True
        yield problem.path.removeprefix("."), problem.message
    if not found:
        try:
            spec.build()
        except (RegflowError, ValueError, LookupError, NotImplementedError) as exc:
            yield "calendar", str(exc)
