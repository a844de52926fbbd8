"""The organisation a regulation runs in: people, departments, deputies, accounts, absences.

An :class:`Organization` is one municipality's administration as the order
sees it: the curator (п. 5), the departments with their heads and their
ordered executors (п. 6), the deputy mayors and the questions they supervise
(п. 20), the official accounts that answers are posted from (п. 4, п. 13), and
who is absent when (п. 6). It is checked as a whole when it is built; every
problem is reported at once, with its path. It reads from and writes to TOML.

>>> import datetime as dt
>>> org = Organization(
...     id="town", name="Town administration", timezone="Asia/Yakutsk",
...     people=(Person("adviser", "Советник"), Person("head", "Начальник"),
...             Person("ivanov", "Иванов"), Person("petrov", "Петров")),
...     curators=("adviser",),
...     departments=(Department("roads", "Дороги", DepartmentKind.SECTORAL, head="head",
...                             executors=("ivanov", "petrov"), topics=("roads",)),),
...     absences=(Absence("ivanov", dt.date(2025, 11, 20), dt.date(2025, 11, 30),
...                       AbsenceReason.LEAVE),),
... )
>>> org.resolve_executor("roads", "ivanov", dt.date(2025, 11, 21))
('petrov', 'absent (leave) 2025-11-20..2025-11-30; substitute: petrov')
>>> Organization.from_toml(org.to_toml()) == org
True
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from regflow import _toml
from regflow.core._convert import make_converter
from regflow.core._convert import structure as _structure
from regflow.errors import InvalidOrganization, NoExecutorAvailable, NotAnExecutor, Problem
from regflow.rules.vocabulary import Platform

__all__ = [
    "Absence",
    "AbsenceReason",
    "Department",
    "DepartmentKind",
    "DeputyMayor",
    "OfficialAccount",
    "Organization",
    "Person",
]


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InvalidOrganization(problems)


def _id_problems(value: str, path: str) -> list[Problem]:
    if not value or value != value.strip() or any(c.isspace() for c in value):
        return [Problem(path, f"an id is a non-empty word without spaces, got {value!r}")]
    return []


def _blank(value: str, path: str, what: str = "must not be empty") -> list[Problem]:
    return [] if value.strip() else [Problem(path, what)]


@attrs.frozen
class Person:
    """Someone who works in the administration, with the contacts notifications go to.

    Raises:
        InvalidOrganization: an id with spaces or empty, an empty name.
    """

    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    telegram: str | None = None

    def __attrs_post_init__(self) -> None:
        _raise_if(_id_problems(self.id, "$.id") + _blank(self.name, "$.name"))


class AbsenceReason(enum.Enum):
    """Why someone is away (п. 6)."""

    ILLNESS = "illness"
    LEAVE = "leave"
    BUSINESS_TRIP = "business-trip"
    STUDY = "study"
    OTHER = "other"


@attrs.frozen
class Absence:
    """A person away from ``first`` to ``last``, both days included (п. 6).

    Raises:
        InvalidOrganization: ``last`` before ``first``.
    """

    person: str
    first: dt.date
    last: dt.date
    reason: AbsenceReason

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            _raise_if([Problem("$.last", f"{self.last} is before the first day {self.first}")])

    def covers(self, day: dt.date) -> bool:
        """True if the person is away on ``day``."""
        return self.first <= day <= self.last


class DepartmentKind(enum.Enum):
    """The three kinds of administration bodies the order names."""

    SECTORAL = "sectoral"
    """Owns a branch of city life: housing, transport, education."""
    FUNCTIONAL = "functional"
    """Owns a function across branches: architecture, finance, legal."""
    TERRITORIAL = "territorial"
    """Owns a part of the city; competent only for its :attr:`Department.locations`."""


@attrs.frozen
class Department:
    """A body of the administration that owns a set of questions (its ``topics``).

    ``executors`` are in order (п. 6): the first is the main executor, the
    others substitute for him, in turn, when he is absent. A territorial
    department names the ``locations`` it covers; other kinds cover the whole
    city and name none.

    Raises:
        InvalidOrganization: every problem found: an empty id or name, no
            executors, an executor named twice, a territorial department
            without locations, locations on another kind.
    """

    id: str
    name: str
    kind: DepartmentKind
    head: str
    executors: tuple[str, ...]
    topics: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = _id_problems(self.id, "$.id") + _blank(self.name, "$.name")
        if not self.executors:
            problems.append(
                Problem("$.executors", "name at least one executor; the first is the main one")
            )
        seen: set[str] = set()
        for index, person in enumerate(self.executors):
            if person in seen:
                problems.append(Problem(f"$.executors[{index}]", f"{person!r} is named twice"))
            seen.add(person)
        territorial = self.kind is DepartmentKind.TERRITORIAL
        if territorial and not self.locations:
            problems.append(Problem("$.locations", "a territorial department names its locations"))
        if not territorial and self.locations:
            problems.append(
                Problem(
                    "$.locations",
                    f"only a territorial department has locations; this one is {self.kind.value}",
                )
            )
        _raise_if(problems)


@attrs.frozen
class DeputyMayor:
    """A deputy mayor and the topics he supervises; escalations go to him (п. 20)."""

    person: str
    topics: tuple[str, ...]

    def __attrs_post_init__(self) -> None:
        if not self.topics:
            _raise_if([Problem("$.topics", "name the topics this deputy mayor supervises")])


@attrs.frozen
class OfficialAccount:
    """An official account or group answers are posted from (п. 4, п. 13).

    ``department`` is the department that runs it, or ``None`` for the
    administration's own account; ``external_id`` is the platform's id for it
    (a VK group id), if a publisher needs one.
    """

    platform: Platform
    url: str
    department: str | None = None
    external_id: str | None = None

    def __attrs_post_init__(self) -> None:
        _raise_if(_blank(self.url, "$.url"))


@attrs.frozen
class _Index:
    """Lookups built once per organisation."""

    zone: ZoneInfo
    people: Mapping[str, Person]
    departments: Mapping[str, Department]
    roles: Mapping[str, frozenset[str]]
    head_of: Mapping[str, tuple[str, ...]]
    executor_in: Mapping[str, tuple[str, ...]]
    absences: Mapping[str, tuple[Absence, ...]]


@attrs.frozen
class Organization:
    """One municipality's administration, checked as a whole (п. 4, 5, 6, 20).

    Attributes:
        id: a short id (``"blagoveshchensk"``); cases name it.
        name: the administration's name.
        timezone: an IANA zone (``"Asia/Yakutsk"``); local days are its days.
        people: everyone the other entries name, by id.
        curators: who detects, routes and approves (п. 5); usually one person.
        departments: the bodies that own questions, with heads and executors.
        deputies: deputy mayors and the topics they supervise (п. 20).
        accounts: official accounts answers are posted from (п. 4).
        absences: who is away when (п. 6).

    Raises:
        InvalidOrganization: every problem found, with its path: unknown
            people named as curators, heads, executors, deputies or absentees;
            an account's unknown department; duplicate ids; an unknown time
            zone; no curator (and the problems of the parts).
    """

    id: str
    name: str
    timezone: str
    people: tuple[Person, ...]
    curators: tuple[str, ...]
    departments: tuple[Department, ...]
    deputies: tuple[DeputyMayor, ...] = ()
    accounts: tuple[OfficialAccount, ...] = ()
    absences: tuple[Absence, ...] = ()
    _index: _Index = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems = _id_problems(self.id, "$.id") + _blank(self.name, "$.name")
        zone = _zone(self.timezone)
        if zone is None:
            problems.append(
                Problem("$.timezone", f"unknown time zone {self.timezone!r}; e.g. 'Asia/Yakutsk'")
            )
        people = _unique("people", [p.id for p in self.people], problems)
        departments = _unique("departments", [d.id for d in self.departments], problems)

        def known(person: str, path: str) -> None:
            if person not in people:
                problems.append(Problem(path, f"unknown person {person!r}"))

        if not self.curators:
            problems.append(Problem("$.curators", "name the curator (п. 5)"))
        for index, curator in enumerate(self.curators):
            known(curator, f"$.curators[{index}]")
        for index, department in enumerate(self.departments):
            known(department.head, f"$.departments[{index}].head")
            for position, executor in enumerate(department.executors):
                known(executor, f"$.departments[{index}].executors[{position}]")
        _unique("deputies", [d.person for d in self.deputies], problems, key="person")
        for index, deputy in enumerate(self.deputies):
            known(deputy.person, f"$.deputies[{index}].person")
        for index, account in enumerate(self.accounts):
            if account.department is not None and account.department not in departments:
                problems.append(
                    Problem(
                        f"$.accounts[{index}].department",
                        f"unknown department {account.department!r}",
                    )
                )
        for index, absence in enumerate(self.absences):
            known(absence.person, f"$.absences[{index}].person")
        _raise_if(problems)
        assert zone is not None
        object.__setattr__(self, "_index", self._build_index(zone))

    def _build_index(self, zone: ZoneInfo) -> _Index:
        roles: dict[str, set[str]] = {p.id: set() for p in self.people}
        head_of: dict[str, list[str]] = {}
        executor_in: dict[str, list[str]] = {}
        for curator in self.curators:
            roles[curator].add("curator")
        for department in self.departments:
            roles[department.head].add("department_head")
            head_of.setdefault(department.head, []).append(department.id)
            for executor in department.executors:
                roles[executor].add("executor")
                executor_in.setdefault(executor, []).append(department.id)
        for deputy in self.deputies:
            roles[deputy.person].add("deputy_mayor")
        absences: dict[str, list[Absence]] = {}
        for absence in self.absences:
            absences.setdefault(absence.person, []).append(absence)
        return _Index(
            zone=zone,
            people={p.id: p for p in self.people},
            departments={d.id: d for d in self.departments},
            roles={person: frozenset(found) for person, found in roles.items()},
            head_of={person: tuple(ids) for person, ids in head_of.items()},
            executor_in={person: tuple(ids) for person, ids in executor_in.items()},
            absences={person: tuple(found) for person, found in absences.items()},
        )

    @property
    def zone(self) -> ZoneInfo:
        """The organisation's time zone."""
        return self._index.zone

    def person(self, id: str) -> Person:
        """The person with this id. Raises :class:`KeyError` for an unknown id."""
        try:
            return self._index.people[id]
        except KeyError:
            raise KeyError(f"unknown person {id!r}") from None

    def department(self, id: str) -> Department:
        """The department with this id. Raises :class:`KeyError` for an unknown id."""
        try:
            return self._index.departments[id]
        except KeyError:
            raise KeyError(f"unknown department {id!r}") from None

    def roles_of(self, person: str) -> frozenset[str]:
        """The roles a person holds: ``"curator"``, ``"department_head"``, ``"executor"``,
        ``"deputy_mayor"``; empty for someone unknown.
        """
        return self._index.roles.get(person, frozenset())

    def head_of(self, person: str) -> tuple[str, ...]:
        """The ids of the departments this person heads, in declaration order."""
        return self._index.head_of.get(person, ())

    def executor_in(self, person: str) -> tuple[str, ...]:
        """The ids of the departments this person is an executor of, in declaration order."""
        return self._index.executor_in.get(person, ())

    def absence_on(self, person: str, day: dt.date) -> Absence | None:
        """The (first declared) absence of ``person`` that covers ``day``, if any."""
        return next((a for a in self._index.absences.get(person, ()) if a.covers(day)), None)

    def is_present(self, person: str, day: dt.date) -> bool:
        """True unless ``person`` is absent on ``day`` (п. 6)."""
        return self.absence_on(person, day) is None

    def resolve_executor(
        self, department: str, wanted: str | None, day: dt.date
    ) -> tuple[str, str | None]:
        """Who will act for ``department`` on ``day``, and why not ``wanted`` if not him (п. 6).

        Args:
            department: the department's id.
            wanted: the executor the head designated; ``None`` for the main
                (first) executor.
            day: the local date of the assignment.

        Returns:
            ``(wanted, None)`` if ``wanted`` is present; otherwise the first
            present executor in the department's order and the reason, e.g.
            ``"absent (leave) 2025-11-20..2025-11-30; substitute: petrov"``.

        Raises:
            KeyError: an unknown department.
            NotAnExecutor: ``wanted`` is not one of the department's executors.
            NoExecutorAvailable: every executor of the department is absent.
        """
        executors = self.department(department).executors
        if wanted is None:
            wanted = executors[0]
        elif wanted not in executors:
            raise NotAnExecutor(wanted, department)
        absence = self.absence_on(wanted, day)
        if absence is None:
            return wanted, None
        for executor in executors:
            if executor != wanted and self.is_present(executor, day):
                return executor, (
                    f"absent ({absence.reason.value}) {absence.first.isoformat()}.."
                    f"{absence.last.isoformat()}; substitute: {executor}"
                )
        raise NoExecutorAvailable(department, day)

    def on_duty(self, department: str, assigned: str, day: dt.date) -> str:
        """Who holds ``assigned``'s executor role for ``department`` on ``day``: ``assigned``
        if present, else the substitute (п. 6); ``assigned`` if nobody can stand in."""
        if self.is_present(assigned, day):
            return assigned
        try:
            return self.resolve_executor(department, assigned, day)[0]
        except (NoExecutorAvailable, NotAnExecutor, KeyError):
            return assigned

    def competent_departments(
        self, topics: Iterable[str], location: str | None = None
    ) -> tuple[str, ...]:
        """Departments that own any of ``topics``, in declaration order: a routing suggestion.

        A territorial department is included only if ``location`` is one of its
        locations (compared ignoring case and surrounding spaces).
        """
        wanted = set(topics)
        place = _fold(location) if location is not None else None
        return tuple(
            d.id
            for d in self.departments
            if wanted.intersection(d.topics)
            and (
                d.kind is not DepartmentKind.TERRITORIAL
                or place in {_fold(known) for known in d.locations}
            )
        )

    def deputies_for(self, topics: Iterable[str]) -> tuple[str, ...]:
        """The person ids of the deputy mayors who supervise any of ``topics`` (п. 20)."""
        wanted = set(topics)
        return tuple(d.person for d in self.deputies if wanted.intersection(d.topics))

    def accounts_for(
        self, platform: Platform, department: str | None = None
    ) -> tuple[OfficialAccount, ...]:
        """The official accounts to answer from on ``platform``, preferred first (п. 13).

        With ``department``: that department's own accounts, then the
        administration's (those with no department). Without: only the
        administration's.
        """
        on_platform = [a for a in self.accounts if a.platform == platform]
        own = [a for a in on_platform if department is not None and a.department == department]
        return (*own, *(a for a in on_platform if a.department is None))

    def official_accounts(self, platform: Platform) -> tuple[OfficialAccount, ...]:
        """Every official account on ``platform``, the administration's first (п. 4, п. 13).

        Empty when the organisation keeps none there (e.g. a network blocked in
        Russia): an answer cannot then be published as п. 13 requires.
        """
        on_platform = [a for a in self.accounts if a.platform == platform]
        return (
            *(a for a in on_platform if a.department is None),
            *(a for a in on_platform if a.department is not None),
        )

    @classmethod
    def from_toml(cls, text: str, *, source: str = "<string>") -> Self:
        """An organisation from a TOML document, as :meth:`to_toml` writes it.

        See ``examples/blagoveshchensk/organization.toml`` for the layout.

        Raises:
            InvalidOrganization: every problem at once, each with its path
                (``$.departments[2].kind``): TOML syntax (with the line and
                column), wrong types, missing or unknown keys, and the checks
                of the classes.
        """
        try:
            data = _toml.loads(text, source=source)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidOrganization([_toml.syntax_problem(exc, source)]) from exc
        return _structure(make_converter("toml"), data, cls, InvalidOrganization)

    @classmethod
    def from_toml_file(cls, path: str | os.PathLike[str]) -> Self:
        """An organisation from a UTF-8 TOML file; see :meth:`from_toml`.

        Raises:
            InvalidOrganization: as :meth:`from_toml`, or the file is not UTF-8.
            OSError: the file cannot be read.
        """
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidOrganization([Problem("$", f"{path}: not UTF-8 text ({exc})")]) from exc
        return cls.from_toml(text, source=str(path))

    def to_toml(self) -> str:
        """This organisation as a TOML document; :meth:`from_toml` reads it back equal."""
        data = make_converter("toml").unstructure(self)
        assert isinstance(data, dict)
        return _toml.dumps(data)


def _zone(key: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _fold(text: str) -> str:
    return text.strip().casefold()


def _unique(field: str, ids: list[str], problems: list[Problem], key: str = "id") -> frozenset[str]:
    """The set of ``ids``, adding a problem for each repeat."""
    first: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in first:
            problems.append(
                Problem(
                    f"$.{field}[{index}].{key}",
                    f"duplicate {value!r}, first at $.{field}[{first[value]}]",
                )
            )
        else:
            first[value] = index
    return frozenset(first)
