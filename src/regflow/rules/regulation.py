"""A regulation: a named, versioned, effective-dated set of cited rules.

:class:`Regulation` is checked as a whole when it is built; every problem is
reported at once, with its path, in one :class:`~regflow.errors.InvalidRegulation`.
Interpretations of ambiguous passages are named choices whose settings are
applied to the rules: :meth:`Regulation.choose` gives the same regulation
under another reading (what-if), :attr:`Regulation.effective` the rules as
the engine applies them.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import cattrs

from regflow._suggest import did_you_mean, timezone_hint
from regflow.calendar import (
    DayKind,
    OfficeHours,
    Override,
    ProductionCalendar,
    WorkingTime,
    from_holidays,
    from_workalendar,
    russia,
)
from regflow.calendar.regional import REGIONS, regional
from regflow.errors import (
    CalendarError,
    InvalidCalendar,
    InvalidOfficeHours,
    InvalidRegulation,
    MissingExtra,
    NoRegulationInForce,
    Problem,
)
from regflow.rules.kinds import (
    RECIPIENTS,
    AnswerForm,
    Citation,
    Classification,
    ClauseNote,
    Closing,
    CoExecution,
    Deadline,
    Escalation,
    EscalationTrigger,
    EscalationWindow,
    Exclusion,
    Intake,
    Interpretation,
    Period,
    Permission,
    Setting,
)
from regflow.rules.vocabulary import (
    COMMANDS,
    END_STAGES,
    EVENT_KINDS,
    EVENTS,
    KNOWN_PLATFORMS,
    PLATFORM_TITLES,
    ROLES,
    STAGES,
    Platform,
    engine_targets,
    parse_trigger,
)

__all__ = ["DateEntry", "Effective", "Regulation", "WorkingTimeSpec"]


@attrs.frozen
class DateEntry:
    """One date of a regulation's working time that differs from its calendar, with its act.

    ``kind`` makes the date a day off (``"non-working"``), a working day (``"working"``)
    or a shortened one (``"shortened"``); ``hours`` gives a working date other hours
    (``"09:00-13:00"``). ``source`` is required: a regional law, a head's decree, a duty
    day order -- what an auditor is shown for that date.
    """

    date: dt.date
    kind: DayKind
    name: str
    source: str
    hours: str | None = None

    def override(self) -> Override:
        """The :class:`~regflow.calendar.Override` of this date.

        Raises:
            InvalidCalendar, InvalidOfficeHours: no source, hours on a day off, bad hours.
        """
        ranges = None
        if self.hours is not None:
            if not self.kind.is_working:
                raise InvalidCalendar("a non-working day cannot have hours", path="hours")
            office = OfficeHours.of({}, exceptions={self.date: self.hours})
            ranges = tuple(
                (_time(start), _time(end)) for start, end in office.exceptions[self.date]
            )
            if not ranges:
                raise InvalidCalendar("a working day needs at least one interval", path="hours")
        if not self.source.strip():
            raise InvalidCalendar("cite the act that changes this date", path="source")
        return Override(self.date, self.kind, self.name, self.source, ranges)


def _time(minute: int) -> dt.time:
    return dt.time(0) if minute == 24 * 60 else dt.time(*divmod(minute, 60))


CALENDARS = "'russia', 'russia:RU-XX' (a region), 'holidays:CC[-SUB]' or 'workalendar:module.Class'"
"""The calendars a working-time spec may name, in words for messages."""


@attrs.frozen
class WorkingTimeSpec:
    """The working time a regulation counts in (ambiguity 6 of the Blagoveshchensk order).

    Attributes:
        timezone: an IANA zone; day boundaries are local to it.
        calendar: ``"russia"``; ``"russia:RU-TA"`` for the Russian calendar with a
            subject's own cited non-working days (:mod:`regflow.calendar.regional`);
            ``"holidays:CC"`` / ``"holidays:CC-SUB"`` for another country of the
            ``holidays`` package; ``"workalendar:europe.Zurich"`` for a calendar class
            of ``workalendar`` (the ``workalendar`` extra).
        hours: office hours by weekday, as :meth:`OfficeHours.of` reads them.
        shortening: how much shorter a pre-holiday day is.
        presidential_non_working_days: for ``"russia"``: apply the 2020-2021 decreed days.
        first_year: the first year of the calendar.
        last_year: the last year; by default, for ``"russia"`` the last year the
            installed ``holidays`` has a transfer decree for, otherwise ten years on.
        dates: per-date changes, each with its act (:class:`DateEntry`).
        extend: years without data are counted anyway: by the weekly pattern (for
            ``holidays:`` and ``workalendar:``), by the federal calendar alone (for a
            region's years without cited data); off by default, so that nothing is guessed.
    """

    timezone: str = "Asia/Yakutsk"
    calendar: str = "russia"
    hours: Mapping[str, str] = attrs.field(
        factory=lambda: {"mon-fri": "09:00-13:00, 14:00-18:00"}, hash=False
    )
    shortening: Period = attrs.field(factory=lambda: Period(minutes=60))
    presidential_non_working_days: bool = True
    first_year: int = 2020
    last_year: int | None = None
    dates: tuple[DateEntry, ...] = ()
    extend: bool = False

    def build(self) -> WorkingTime:
        """The :class:`~regflow.calendar.WorkingTime` this spec describes (built once).

        Raises:
            InvalidCalendar: the calendar cannot be built (unknown, no data for a year).
            MissingExtra: ``workalendar:`` without the ``workalendar`` extra.
        """
        return _working_time(
            self.timezone,
            self.calendar,
            tuple(self.hours.items()),
            self.shortening.minutes,
            self.presidential_non_working_days,
            self.first_year,
            self.last_year,
            self.dates,
            self.extend,
        )


attrs.resolve_types(DateEntry)
attrs.resolve_types(WorkingTimeSpec)


@functools.lru_cache(maxsize=32)
def _working_time(
    timezone: str,
    calendar: str,
    hours: tuple[tuple[str, str], ...],
    shortening: int,
    presidential: bool,
    first_year: int,
    last_year: int | None,
    dates: tuple[DateEntry, ...] = (),
    extend: bool = False,
) -> WorkingTime:
    production: ProductionCalendar
    if calendar == "russia":
        production = russia(
            first_year, last_year, presidential_non_working_days=presidential, extend=extend
        )
    elif calendar.startswith("russia:"):
        production = regional(
            calendar.removeprefix("russia:"),
            first_year,
            last_year,
            presidential_non_working_days=presidential,
            extend=extend,
        )
    elif calendar.startswith("holidays:"):
        country, _, subdiv = calendar.removeprefix("holidays:").partition("-")
        last = last_year if last_year is not None else first_year + 10
        production = from_holidays(country, first_year, last, subdiv=subdiv or None, extend=extend)
    elif calendar.startswith("workalendar:"):
        last = last_year if last_year is not None else first_year + 10
        production = from_workalendar(_workalendar(calendar), first_year, last, extend=extend)
    else:
        raise InvalidCalendar(f"unknown calendar {calendar!r}: use {CALENDARS}", path="calendar")
    if dates:
        production = production.with_overrides(*(entry.override() for entry in dates))
    office = OfficeHours.of(dict(hours), shortening=dt.timedelta(minutes=shortening))
    return WorkingTime(production, office, timezone)


def _workalendar(calendar: str) -> Any:
    """The ``workalendar`` calendar a ``"workalendar:module.Class"`` name means (an instance).

    Any: workalendar has no type hints.
    """
    import importlib

    module, _, name = calendar.removeprefix("workalendar:").rpartition(".")
    try:
        importlib.import_module("workalendar")
    except ImportError as exc:
        raise MissingExtra(f"calendar {calendar!r}", "workalendar") from exc
    try:
        found = getattr(importlib.import_module(f"workalendar.{module}"), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise InvalidCalendar(
            f"workalendar has no calendar {calendar.removeprefix('workalendar:')!r} "
            "(write module.Class, e.g. 'workalendar:europe.Zurich')",
            path="calendar",
        ) from exc
    return found()


Action = tuple[int, str]
"""``(index of a deadline in Effective.deadlines, "start" | "stop" | "pause" | "resume" |
"cancel")``."""


@attrs.frozen
class Effective:
    """The rules as the engine applies them: interpretations resolved, indexed by name.

    ``triggers`` maps an event ``(type, kind)`` to what it does to which
    deadline, so the engine never scans rules per event.
    """

    deadlines: tuple[Deadline, ...]
    deadline: Mapping[str, Deadline]
    permissions: Mapping[str, tuple[Permission, ...]]
    answer_form: AnswerForm
    working_time: WorkingTimeSpec
    choices: Mapping[str, str]
    triggers: Mapping[tuple[str, str | None], tuple[Action, ...]]
    touched_by: Mapping[str, tuple[str, ...]]
    """Deadline id -> the interpretations whose settings change it."""
    co_execution: CoExecution
    """The rule on several executors, with the readings in force applied."""
    escalations: tuple[Escalation, ...] = ()
    """The п. 20 escalations with the interpretations in force applied (thresholds)."""
    intake: Intake = attrs.field(factory=Intake)
    """How a message is taken in: the instant that counts as its detection (п. 9)."""
    memo: dict[object, object] = attrs.field(factory=dict, eq=False, repr=False, hash=False)
    """Values the engine derives from these rules, computed once (e.g. durations)."""

    @property
    def calendar(self) -> WorkingTime:
        """The :class:`~regflow.calendar.WorkingTime` of :attr:`working_time`, built once."""
        found = self.memo.get("working_time")
        if found is None:
            found = self.memo["working_time"] = self.working_time.build()
        return found  # type: ignore[return-value]


def _triggers(deadlines: tuple[Deadline, ...]) -> dict[tuple[str, str | None], tuple[Action, ...]]:
    table: dict[tuple[str, str | None], list[Action]] = {}
    kinds: dict[str, tuple[str | None, ...]] = {
        name: (None, *sorted(values)) for name, values in EVENT_KINDS.items()
    }
    for index, deadline in enumerate(deadlines):
        for action, triggers in (
            ("stop", deadline.stops_on),
            ("start", deadline.starts_on),
            ("pause", deadline.pause_on),
            ("resume", deadline.resume_on),
            ("cancel", deadline.cancelled_on),
        ):
            for trigger in triggers:
                name, kind = parse_trigger(trigger)
                for event_kind in kinds.get(name, (None,)):
                    if kind is None or kind == event_kind:
                        table.setdefault((name, event_kind), []).append((index, action))
    return {key: tuple(actions) for key, actions in table.items()}


@attrs.frozen(eq=True)
class Regulation:
    """A regulation as executable, cited rules.

    Build it in Python (see :func:`regflow.rules.blagoveshchensk_2020`) or
    load it from TOML (:func:`regflow.rules.load_regulation`). It is checked
    when built.

    Raises:
        InvalidRegulation: every problem found, each with its path.
    """

    id: str
    title: str
    version: str
    effective_from: dt.date
    legal_basis: str
    clauses: Mapping[str, str] = attrs.field(hash=False)
    """Clause number -> the clause's original text."""
    platforms: tuple[Platform, ...]
    importance: tuple[str, ...]
    deadlines: tuple[Deadline, ...]
    permissions: tuple[Permission, ...]
    co_execution: CoExecution
    exclusion: Exclusion
    answer_form: AnswerForm
    classification: Classification | None = None
    """What the curator's classification must name (п. 7); ``None``: topics, location and
    importance, citing the ``classify`` permission's clause."""
    closing: Closing | None = None
    """The reasons to close a case that has no answer; ``None``: only an answered case closes."""
    escalations: tuple[Escalation, ...] = ()
    interpretations: tuple[Interpretation, ...] = ()
    notes: tuple[ClauseNote, ...] = ()
    working_time: WorkingTimeSpec = WorkingTimeSpec()
    intake: Intake = attrs.field(factory=Intake)
    """How a message is taken in: which instant counts as its detection (п. 9)."""
    effective_to: dt.date | None = None
    sources_clause: str = ""
    """The clause that lists the accepted sources (п. 3), cited when a message from another
    platform is refused; by default the detect permission's clause."""
    choices: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    """Interpretation id -> the chosen reading; absent ones take their default."""
    platform_titles: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    """Platform id -> its name as people read it (``dzen = "Дзен"``); the platforms the
    library knows have theirs (:data:`~regflow.rules.vocabulary.PLATFORM_TITLES`)."""
    templates: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    """Notification wording of this regulation: :class:`regflow.notices.Templates` field ->
    its text (``breach = "..."``), applied by ``Templates.for_regulation``; the others keep
    the library's Russian defaults."""
    _effective: Effective | None = attrs.field(
        init=False, default=None, eq=False, repr=False, alias="_effective"
    )

    def __attrs_post_init__(self) -> None:
        problems = list(_check(self))
        effective = None
        if problems:  # the rules do not resolve; the working time is checked on its own
            problems.extend(working_time_problems(self.working_time, "working_time"))
        else:
            effective, more = _resolve(self)
            problems.extend(more)
            if effective is not None:
                problems.extend(_check_deadlines(effective.deadlines, self, "effective."))
        if problems:
            raise InvalidRegulation(tuple(problems), regulation=f"{self.id} {self.version}")
        object.__setattr__(self, "_effective", effective)

    @property
    def effective(self) -> Effective:
        """The rules with the chosen interpretations applied."""
        assert self._effective is not None
        return self._effective

    def choose(self, **choices: str) -> Regulation:
        """The same regulation under other readings: ``choose(**{"short-limits": "clock"})``.

        Raises:
            InvalidRegulation: an unknown interpretation or choice.
        """
        return attrs.evolve(self, choices={**self.choices, **choices})

    def platform_title(self, platform: Platform) -> str:
        """The name of ``platform`` for people: the regulation's, the library's, or its id."""
        return self.platform_titles.get(
            platform.value, PLATFORM_TITLES.get(platform.value, platform.value)
        )

    def choice(self, interpretation: str) -> str:
        """The reading in force for ``interpretation``."""
        return self.effective.choices[interpretation]

    def in_force(self, day: dt.date) -> bool:
        """True if the regulation applies to a message detected on ``day``."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def citation(self, clause: str) -> Citation:
        """The citation of ``clause`` with its text."""
        return Citation(clause, self.clauses[clause])

    def rules_citing(self, clause: str) -> Iterator[object]:
        """Every rule object that cites ``clause``."""
        for rule in self._all_rules():
            if getattr(rule, "citation", None) and rule.citation.clause == clause:  # type: ignore[attr-defined]
                yield rule

    def _all_rules(self) -> Iterator[object]:
        yield from self.deadlines
        yield from self.permissions
        yield self.co_execution
        yield self.exclusion
        yield self.answer_form
        if self.classification is not None:
            yield self.classification
        if self.closing is not None:
            yield from self.closing.reasons
        yield from self.escalations
        yield from self.interpretations
        yield from self.notes


def select_regulation(regulations: Iterable[Regulation], day: dt.date) -> Regulation:
    """The version in force on ``day`` (the latest effective one).

    Raises:
        NoRegulationInForce: none is in force (a :class:`LookupError` too).
    """
    regulations = tuple(regulations)
    candidates = [r for r in regulations if r.in_force(day)]
    if not candidates:
        raise NoRegulationInForce(
            day,
            tuple(
                f"{r.id}@{r.version} (from {r.effective_from.isoformat()}"
                + (f" to {r.effective_to.isoformat()})" if r.effective_to else ")")
                for r in regulations
            ),
        )
    return max(candidates, key=lambda r: r.effective_from)


# -- checks ----------------------------------------------------------------


def _check(reg: Regulation) -> Iterator[Problem]:
    if reg.effective_to is not None and reg.effective_to < reg.effective_from:
        yield Problem("effective_to", "ends before effective_from")
    if not reg.platforms:
        yield Problem("platforms", "no accepted platform")
    if reg.sources_clause and reg.sources_clause not in reg.clauses:
        yield Problem("sources_clause", f"unknown clause {reg.sources_clause!r}")
    if not reg.importance:
        yield Problem("importance", "no importance category (п. 7)")
    cited = (
        ("deadlines", reg.deadlines),
        ("permissions", reg.permissions),
        ("escalations", reg.escalations),
        ("interpretations", reg.interpretations),
        ("notes", reg.notes),
    )
    for section, rules in cited:
        for index, rule in enumerate(rules):
            if rule.citation is None:  # type: ignore[attr-defined]
                continue  # a permission no clause provides: the library's addition
            clause = rule.citation.clause  # type: ignore[attr-defined]
            if clause not in reg.clauses:
                yield Problem(f"{section}[{index}].citation", f"unknown clause {clause!r}")
    for name, rule in (
        ("co_execution", reg.co_execution),
        ("exclusion", reg.exclusion),
        ("answer_form", reg.answer_form),
        ("classification", reg.classification),
    ):
        if rule is not None and rule.citation.clause not in reg.clauses:
            yield Problem(f"{name}.citation", f"unknown clause {rule.citation.clause!r}")
    default = reg.classification.default_importance if reg.classification else None
    if default is not None and default not in reg.importance:
        hint = did_you_mean(default, reg.importance)
        yield Problem(
            "classification.default_importance", f"unknown importance category {default!r}{hint}"
        )
    yield from _duplicates("deadlines", [d.id for d in reg.deadlines])
    yield from _duplicates("escalations", [e.id for e in reg.escalations])
    yield from _duplicates("interpretations", [i.id for i in reg.interpretations])
    if reg.closing is not None:
        yield from _duplicates("closing.reasons", [r.id for r in reg.closing.reasons])
        for index, reason in enumerate(reg.closing.reasons):
            path = f"closing.reasons[{index}]"
            if not reason.id.strip():
                yield Problem(f"{path}.id", "a reason needs a name")
            if not reason.title.strip():
                yield Problem(f"{path}.title", "say what the reason is, in words an official reads")
            if reason.citation is not None and reason.citation.clause not in reg.clauses:
                yield Problem(f"{path}.citation", f"unknown clause {reason.citation.clause!r}")
    yield from _check_deadlines(reg.deadlines, reg, "")
    yield from _check_permissions(reg)
    if not reg.exclusion.categories:
        yield Problem("exclusion.categories", "no category (п. 18 names them)")
    if reg.co_execution.deadline and reg.co_execution.deadline not in {d.id for d in reg.deadlines}:
        hint = did_you_mean(reg.co_execution.deadline, [d.id for d in reg.deadlines])
        yield Problem("co_execution.deadline", f"no deadline {reg.co_execution.deadline!r}{hint}")
    seen_platforms: set[Platform] = set()
    for index, declared in enumerate(reg.platforms):
        if declared in seen_platforms:
            yield Problem(f"platforms[{index}]", f"{declared.value!r} is declared twice")
        seen_platforms.add(declared)
    for ident, title in reg.platform_titles.items():
        if ident not in {p.value for p in reg.platforms}:
            yield Problem(f"platform_titles.{ident}", "not a declared platform")
        if not title.strip():
            yield Problem(f"platform_titles.{ident}", "must not be empty")
    for platform, length in reg.answer_form.max_length.items():
        if platform not in {p.value for p in (*reg.platforms, *KNOWN_PLATFORMS)}:
            yield Problem(
                f"answer_form.max_length.{platform}",
                "unknown platform: declare it in platforms first",
            )
        if length <= 0:
            yield Problem(f"answer_form.max_length.{platform}", "must be positive")
    for index, escalation in enumerate(reg.escalations):
        if escalation.threshold < 1:
            yield Problem(f"escalations[{index}].threshold", _at_least_one(escalation.threshold))
        recipient = escalation.recipient
        if recipient.startswith("person:"):
            if not recipient.removeprefix("person:").strip():
                yield Problem(f"escalations[{index}].recipient", "name the person: 'person:<id>'")
        elif recipient not in RECIPIENTS:
            hint = did_you_mean(recipient, RECIPIENTS)
            yield Problem(
                f"escalations[{index}].recipient",
                f"unknown recipient {recipient!r}{hint}: 'deputies', 'head' or 'person:<id>'",
            )
        elif recipient == "head" and escalation.trigger is not EscalationTrigger.REPEATED_BREACHES:
            yield Problem(
                f"escalations[{index}].recipient",
                "'head' names the department whose breaches are counted: only for "
                "repeated-breaches",
            )
        if escalation.per is not EscalationWindow.ROLLING and escalation.window != Period():
            yield Problem(
                f"escalations[{index}].window",
                f"a calendar {escalation.per.value} has no window length; leave it out",
            )
    yield from _check_interpretations(reg)
    for path, rule in _cited(reg):
        citation = rule.citation
        known = reg.clauses.get(citation.clause)
        if known is not None and citation.text and citation.text != known:
            yield Problem(f"{path}.citation", f"quotes other words than {citation.clause}")


def _at_least_one(value: int) -> str:
    return f"must be at least 1, got {value}" + (" (negative)" if value < 0 else "")


def _cited(reg: Regulation) -> Iterator[tuple[str, Any]]:
    for section in ("deadlines", "permissions", "escalations", "interpretations", "notes"):
        for index, rule in enumerate(getattr(reg, section)):
            if rule.citation is not None:
                yield f"{section}[{index}]", rule
    if reg.closing is not None:
        for index, reason in enumerate(reg.closing.reasons):
            if reason.citation is not None:
                yield f"closing.reasons[{index}]", reason
    for name in ("co_execution", "exclusion", "answer_form", "classification"):
        if getattr(reg, name) is not None:
            yield name, getattr(reg, name)


def working_time_problems(spec: WorkingTimeSpec, path: str) -> Iterator[Problem]:
    """The parts of a working-time spec that cannot be read (the calendar is not built)."""
    try:
        zoneinfo.ZoneInfo(spec.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        hint = timezone_hint(spec.timezone, "Asia/Vladivostok")
        yield Problem(f"{path}.timezone", f"unknown time zone {spec.timezone!r}{hint}")
    yield from _calendar_name_problems(spec.calendar, f"{path}.calendar")
    try:
        OfficeHours.of(dict(spec.hours), shortening=dt.timedelta(minutes=spec.shortening.minutes))
    except InvalidOfficeHours as exc:
        yield Problem(f"{path}.hours{exc.path.removeprefix('days')}", str(exc).split(": ", 1)[-1])
    seen: dict[dt.date, int] = {}
    for index, entry in enumerate(spec.dates):
        here = f"{path}.dates[{index}]"
        if entry.date in seen:
            yield Problem(
                f"{here}.date", f"{entry.date} is given twice (also dates[{seen[entry.date]}])"
            )
        seen.setdefault(entry.date, index)
        if not entry.name.strip():
            yield Problem(f"{here}.name", "say what the date is, in words an official reads")
        try:
            entry.override()
        except CalendarError as exc:
            field = getattr(exc, "path", "") or "hours"
            field = "hours" if field.startswith("exceptions") else field
            yield Problem(f"{here}.{field}", str(exc).split(": ", 1)[-1])


def _calendar_name_problems(calendar: str, path: str) -> Iterator[Problem]:
    if calendar == "russia" or calendar.startswith(("holidays:", "workalendar:")):
        return
    if calendar.startswith("russia:"):
        region = calendar.removeprefix("russia:")
        if region not in REGIONS:
            hint = did_you_mean(region, REGIONS) or f"; regflow has {', '.join(sorted(REGIONS))}"
            yield Problem(path, f"no regional calendar {region!r}{hint}")
        return
    names = ["russia", *(f"russia:{r}" for r in REGIONS)]
    hint = did_you_mean(calendar, names)
    yield Problem(path, f"unknown calendar {calendar!r}{hint}: {CALENDARS}")


def _duplicates(section: str, ids: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, ident in enumerate(ids):
        if ident in seen:
            yield Problem(f"{section}[{index}].id", f"{ident!r} is used twice")
        seen.add(ident)


def _check_trigger(trigger: str, path: str) -> Iterator[Problem]:
    name, kind = parse_trigger(trigger)
    if name not in EVENTS:
        yield Problem(path, f"unknown event {name!r}{did_you_mean(name, EVENTS)}")
    elif kind is not None and kind not in EVENT_KINDS.get(name, frozenset()):
        yield Problem(path, f"event {name!r} has no kind {kind!r}")


def _check_deadlines(
    deadlines: tuple[Deadline, ...], reg: Regulation, prefix: str
) -> Iterator[Problem]:
    by_id = {d.id: d for d in deadlines}
    for index, deadline in enumerate(deadlines):
        path = f"{prefix}deadlines[{index}]"
        for field in ("starts_on", "stops_on", "pause_on", "resume_on", "cancelled_on"):
            for position, trigger in enumerate(getattr(deadline, field)):
                yield from _check_trigger(trigger, f"{path}.{field}[{position}]")
        if not deadline.starts_on:
            yield Problem(f"{path}.starts_on", "a deadline must start on some event")
        if not deadline.stops_on:
            yield Problem(f"{path}.stops_on", "a deadline must be met by some event")
        if bool(deadline.pause_on) != bool(deadline.resume_on):
            yield Problem(f"{path}.resume_on", "pause_on and resume_on go together")
        if deadline.responsible not in ROLES:
            hint = did_you_mean(deadline.responsible, ROLES)
            yield Problem(f"{path}.responsible", f"unknown role {deadline.responsible!r}{hint}")
        for field in ("by_importance", "basis_by_importance"):
            for category in getattr(deadline, field):
                if category not in reg.importance:
                    hint = did_you_mean(category, reg.importance)
                    where = f"{path}.{field}.{category}"
                    yield Problem(where, f"unknown importance category{hint}")
        if deadline.before is None:
            continue
        target = by_id.get(deadline.before)
        if target is None:
            hint = did_you_mean(deadline.before, by_id)
            yield Problem(f"{path}.before", f"no deadline {deadline.before!r}{hint}")
            continue
        # a chain of 'before' must end: no cycles
        seen: set[str] = {deadline.id}
        cursor: Deadline | None = target
        while cursor is not None and cursor.before is not None:
            if cursor.id in seen:
                break
            seen.add(cursor.id)
            cursor = by_id.get(cursor.before)
        if cursor is not None and cursor.id in seen and cursor.before is not None:
            yield Problem(f"{path}.before", f"a cycle of 'before' through {sorted(seen)}")
            continue
        shortest = min([target.limit, *target.by_importance.values()])
        comparable = bool(shortest.days) == bool(deadline.limit.days)
        if comparable and deadline.limit >= shortest:
            yield Problem(
                f"{path}.limit",
                f"{deadline.limit} before {target.id!r} (as short as {shortest}) can fall "
                "at or before its own start",
            )


def _check_permissions(reg: Regulation) -> Iterator[Problem]:
    for index, permission in enumerate(reg.permissions):
        path = f"permissions[{index}]"
        if permission.command not in COMMANDS:
            hint = did_you_mean(permission.command, COMMANDS)
            yield Problem(f"{path}.command", f"unknown command {permission.command!r}{hint}")
        for position, role in enumerate(permission.roles):
            if role not in ROLES:
                hint = did_you_mean(role, ROLES)
                yield Problem(f"{path}.roles[{position}]", f"unknown role {role!r}{hint}")
        for field in ("stages", "leads_to"):
            for position, stage in enumerate(getattr(permission, field)):
                if stage not in STAGES:
                    hint = did_you_mean(stage, STAGES)
                    yield Problem(f"{path}.{field}[{position}]", f"unknown stage {stage!r}{hint}")
        if permission.command in COMMANDS:
            yield from _check_transitions(permission, path)
    # a case must be able to get from detection to an end, and every stage must be reachable
    edges: dict[str, set[str]] = {}
    for permission in reg.permissions:
        for stage in permission.stages:
            # a command whose stages and results are the same keeps a case where it is
            edges.setdefault(stage, set()).update(permission.targets(stage))
    reachable, frontier = {"new"}, ["new"]
    while frontier:
        for following in edges.get(frontier.pop(), ()):
            if following not in reachable:
                reachable.add(following)
                frontier.append(following)
    if not reachable & END_STAGES:
        yield Problem("permissions", "no permission path leads a new case to an end")
    named = {s for p in reg.permissions for s in (*p.stages, *p.leads_to)}
    for stage in sorted((named - reachable) & set(STAGES), key=STAGES.index):
        yield Problem("permissions", f"stage {stage!r} cannot be reached from 'new'")
    for stage in sorted((reachable - END_STAGES) & set(STAGES), key=STAGES.index):
        if not edges.get(stage, set()) - {stage}:
            yield Problem("permissions", f"a case at {stage!r} can never leave it")


def _check_transitions(permission: Permission, path: str) -> Iterator[Problem]:
    """The moves ``permission`` declares that the engine cannot make (its stage graph is
    :data:`~regflow.rules.vocabulary.TRANSITIONS`)."""
    command = permission.command
    unrunnable = set()
    for position, stage in enumerate(permission.stages):
        if stage in STAGES and engine_targets(command, stage) is None:
            unrunnable.add(stage)
            yield Problem(
                f"{path}.stages[{position}]", f"the engine cannot run {command!r} at {stage!r}"
            )
    for position, target in enumerate(permission.leads_to):
        if target not in STAGES:
            continue
        if permission.keeps:
            continue  # each stage leads to itself, which engine_targets checked above
        for stage in permission.stages:
            runs = engine_targets(command, stage)
            if stage in unrunnable or runs is None or target in runs:
                continue
            yield Problem(
                f"{path}.leads_to[{position}]",
                f"{command!r} never moves a case from {stage!r} to {target!r} (from {stage!r} "
                f"it leads to {', '.join(sorted(runs))}); declare one permission per stage "
                "whose moves differ",
            )
            break


def _check_interpretations(reg: Regulation) -> Iterator[Problem]:
    known = {i.id: i for i in reg.interpretations}
    for index, interpretation in enumerate(reg.interpretations):
        path = f"interpretations[{index}]"
        if interpretation.default not in interpretation.choices:
            yield Problem(f"{path}.default", f"{interpretation.default!r} is not a choice")
        extra = set(interpretation.settings) - set(interpretation.choices)
        for name in sorted(extra):
            yield Problem(f"{path}.settings.{name}", "settings for a choice that does not exist")
    for name, value in reg.choices.items():
        chosen = known.get(name)
        if chosen is None:
            yield Problem(f"choices.{name}", f"no such interpretation{did_you_mean(name, known)}")
        elif value not in chosen.choices:
            yield Problem(f"choices.{name}", f"{value!r} is not one of {sorted(chosen.choices)}")


# -- interpretations --------------------------------------------------------


def _apply(
    converter: cattrs.Converter,
    settings: Iterable[Setting],
    deadlines: dict[str, Deadline],
    escalations: dict[str, Escalation],
    sections: dict[str, Any],
    path: str,
) -> list[Problem]:
    """Apply ``settings`` in place to ``deadlines``, ``escalations`` and the other ``sections``."""
    problems: list[Problem] = []
    for position, setting in enumerate(settings):
        section, _, rest = setting.path.partition(".")
        try:
            if section == "deadlines":
                ident, _, field = rest.partition(".")
                if ident not in deadlines:
                    raise ValueError(f"no deadline {ident!r}{did_you_mean(ident, deadlines)}")
                deadlines[ident] = _set(converter, deadlines[ident], field, setting)
            elif section == "escalations":
                ident, _, field = rest.partition(".")
                if ident not in escalations:
                    hint = did_you_mean(ident, escalations)
                    raise ValueError(f"no escalation {ident!r}{hint}")
                escalations[ident] = _set(converter, escalations[ident], field, setting)
            elif section in sections:
                sections[section] = _set(converter, sections[section], rest, setting)
                if section == "working_time":
                    problems += working_time_problems(sections[section], f"{path}[{position}]")
            else:
                raise ValueError(
                    f"cannot set {section!r}; settings reach deadlines, escalations, "
                    f"{' and '.join(sorted(sections))}"
                )
        except (ValueError, TypeError, KeyError, cattrs.BaseValidationError) as exc:
            problems.append(Problem(f"{path}[{position}]", f"{setting.path}: {exc}"))
    return problems


def _resolve(reg: Regulation) -> tuple[Effective | None, list[Problem]]:
    converter = _patch_converter()
    deadlines = {d.id: d for d in reg.deadlines}
    escalations = {e.id: e for e in reg.escalations}
    sections: dict[str, Any] = {
        "working_time": reg.working_time,
        "answer_form": reg.answer_form,
        "co_execution": reg.co_execution,
        "intake": reg.intake,
    }
    choices: dict[str, str] = {}
    problems: list[Problem] = list(working_time_problems(reg.working_time, "working_time"))
    for index, interpretation in enumerate(reg.interpretations):
        chosen = reg.choices.get(interpretation.id, interpretation.default)
        choices[interpretation.id] = chosen
        path = f"interpretations[{index}].settings.{chosen}"
        settings = interpretation.settings.get(chosen, ())
        problems += _apply(converter, settings, deadlines, escalations, sections, path)
    if problems:
        return None, problems
    working_time: WorkingTimeSpec = sections["working_time"]
    answer_form: AnswerForm = sections["answer_form"]
    ordered = tuple(deadlines[d.id] for d in reg.deadlines)
    permissions: dict[str, list[Permission]] = {}
    for permission in reg.permissions:
        permissions.setdefault(permission.command, []).append(permission)
    touched: dict[str, list[str]] = {}
    for interpretation in reg.interpretations:
        paths = {s.path for settings in interpretation.settings.values() for s in settings}
        for path in paths:
            section, _, rest = path.partition(".")
            if section == "deadlines":
                targets = [rest.partition(".")[0]]
            elif section == "working_time":
                targets = [d.id for d in ordered]
            elif section == "co_execution":
                targets = [reg.co_execution.deadline] if reg.co_execution.deadline else []
            else:
                targets = []
            for target in targets:
                if interpretation.id not in touched.setdefault(target, []):
                    touched[target].append(interpretation.id)
    effective = Effective(
        ordered,
        {d.id: d for d in ordered},
        {command: tuple(found) for command, found in permissions.items()},
        answer_form,
        working_time,
        choices,
        _triggers(ordered),
        {ident: tuple(ids) for ident, ids in touched.items()},
        sections["co_execution"],
        escalations=tuple(escalations[e.id] for e in reg.escalations),
        intake=sections["intake"],
    )
    for index, escalation in enumerate(effective.escalations):
        if escalation.threshold < 1:
            problems.append(
                Problem(
                    f"effective.escalations[{index}].threshold",
                    "must be at least 1 (with the interpretations in force applied)",
                )
            )
    return effective, problems


@functools.cache
def _patch_converter() -> cattrs.Converter:
    from regflow.rules._convert import make_converter

    return make_converter()


def _set(converter: Any, rule: Any, field: str, setting: Setting) -> Any:
    fields = attrs.fields_dict(type(rule))
    if field not in fields or field == "id":
        raise ValueError(f"no field {field!r} to set")
    value = converter.structure(setting.value, fields[field].type)
    return attrs.evolve(rule, **{field: value})
