"""Compliance reports: how a municipality kept its regulation over a period.

:func:`build_report` reads cases (their events only) and recomputes their
deadlines as of an instant, so a report can be rebuilt for any period and any
moment. It counts, in total, per department and per executor: messages,
answers, the share answered within the main deadline (п. 9), the time to
route and to answer in working and in clock time, breached deadlines with the
person who answers for each (п. 19), repeats (п. 16), exclusions (п. 18) and
escalations (п. 20), and the messages detected per local day.

Renderers: :func:`render_markdown`, :func:`render_csv`, :func:`render_json`
here, and :func:`regflow.reports.html.render_html` (a page with charts).
Headings are Russian: the reader is the administration's control department.

Who a row counts:

- a case belongs to its *lead department* (after п. 8 returns) and to that
  department's designated executor; a case never routed belongs to no
  department (the row with ``id=None``);
- a breach counts for the department it concerns: the department of a
  per-department deadline (п. 8, п. 15), else the case's lead department,
  except that the curator's deadlines (п. 7, п. 11) count for no department;
  for the person who answers for it (п. 19) in the executor rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from regflow.core.case import Case
from regflow.core.deadlines import Status, deadlines
from regflow.core.events import Closed, Escalated, Excluded, Published, Routed
from regflow.core.organization import Organization
from regflow.rules.regulation import Regulation
from regflow.rules.vocabulary import DraftKind

__all__ = [
    "CSV_COLUMNS",
    "Breach",
    "ComplianceReport",
    "DayLoad",
    "DeadlineBreaches",
    "Flagged",
    "Metrics",
    "Ref",
    "Repeat",
    "Row",
    "Spread",
    "Tally",
    "Timing",
    "build_report",
    "render_csv",
    "render_json",
    "render_markdown",
]


@attrs.frozen
class Ref:
    """A department or a person: the id and the name to show."""

    id: str
    name: str


@attrs.frozen
class Spread:
    """The median and the 90th percentile of some durations, each duration taken to the
    nearest whole minute (the report's resolution; it keeps a year of them as a
    histogram), with linear interpolation between the closest ranks, as numpy's default."""

    median: dt.timedelta
    p90: dt.timedelta


@attrs.frozen
class Timing:
    """How long a step took from detection, over the ``count`` cases that reached it."""

    count: int
    working: Spread | None
    """In working time (the regulation's calendar and office hours)."""
    clock: Spread | None
    """In elapsed time."""


@attrs.frozen
class Metrics:
    """The figures of one row (the totals, a department, an executor).

    Attributes:
        messages: cases detected in the period.
        answered: cases with a final answer published.
        on_time, late: cases whose main deadline (п. 9) was met, or was
            breached (late, or overdue and still open); others are not yet judged.
        closed_unanswered: cases closed without a final answer («закрыто без
            ответа»: a step of the library, not of the text; see the regulation's
            closing reasons). One whose main deadline had passed when it was closed
            is judged late like any other; one closed before is not judged (the
            answer was no longer owed) and is counted in ``closed_not_judged``, so
            the share on time never leaves it out unsaid.
        to_route: detection to the first routing (п. 7).
        to_answer: detection to the first answer or interim answer published (п. 9).
        breaches: breached deadlines counted for the row (see the module docstring).
        repeats, excluded, escalations: repeat messages (п. 16), excluded
            messages (п. 18), escalation events (п. 20).
    """

    messages: int
    answered: int
    on_time: int
    late: int
    to_route: Timing
    to_answer: Timing
    breaches: int
    repeats: int
    excluded: int
    escalations: int
    closed_unanswered: int = 0
    closed_not_judged: int = 0

    @property
    def judged(self) -> int:
        """Cases whose main deadline is decided: met or breached."""
        return self.on_time + self.late

    @property
    def share_on_time(self) -> float | None:
        """``on_time / judged``; None when nothing is judged yet."""
        return self.on_time / self.judged if self.judged else None


@attrs.frozen
class Row:
    """A department (``id=None``: no department) or an executor, with its figures."""

    id: str | None
    name: str
    metrics: Metrics


@attrs.frozen
class Breach:
    """One breached deadline of one case (п. 19: with who answers for it).

    ``late_by`` is elapsed time from ``due`` to ``done_at``; when the step was
    not taken (``done_at`` is None), to ``now`` or to the case's exclusion or
    closing.
    """

    case_id: str
    deadline: str
    clause: str
    title: str
    department: Ref | None
    due: dt.datetime
    done_at: dt.datetime | None
    late_by: dt.timedelta
    responsible_role: str
    responsible: Ref | None
    held_at: str | None = None
    """The stage the case was in when the deadline fell due: which step was overdue."""


@attrs.frozen
class DeadlineBreaches:
    """How many times one deadline of the regulation was breached."""

    deadline: str
    clause: str
    title: str
    count: int


@attrs.frozen
class Repeat:
    """A repeat message (п. 16) and the case it repeats."""

    case_id: str
    repeat_of: str
    department: Ref | None


@attrs.frozen
class Flagged:
    """A message the screener flagged under п. 18 that the curator did not exclude: the
    curator decides, and the decision is on the record.

    ``answered``: an answer (or interim answer) was published all the same.
    """

    case_id: str
    categories: tuple[str, ...]
    department: Ref | None
    answered: bool


@attrs.frozen
class Tally:
    """A count under a key (an exclusion category, an escalation reason)."""

    key: str
    count: int


@attrs.frozen
class DayLoad:
    """The messages detected on one local day."""

    day: dt.date
    messages: int


@attrs.frozen
class ComplianceReport:
    """How the regulation was kept over a period, as of an instant.

    Attributes:
        organization_id, organization_name, timezone: whose report; local
            days and times are in ``timezone``.
        start, end: the period, ``[start, end)`` of detection.
        now: the instant open deadlines were judged at.
        regulations: the versions the cases were judged by (``id@version``).
        main_deadlines: the ids of the deadlines that "on time" means.
        totals, departments, executors: the figures.
        breaches_by_deadline: every deadline of the regulations, with its breaches.
        breaches: each breach, by due instant.
        repeats: each repeat message.
        flagged: each message the screener flagged (п. 18) that was not excluded.
        exclusions, escalations: by category and by reason (zeros included).
        daily: messages per local day of the period.
    """

    organization_id: str
    organization_name: str
    timezone: str
    start: dt.datetime
    end: dt.datetime
    now: dt.datetime
    regulations: tuple[str, ...]
    main_deadlines: tuple[str, ...]
    totals: Metrics
    departments: tuple[Row, ...]
    executors: tuple[Row, ...]
    breaches_by_deadline: tuple[DeadlineBreaches, ...]
    breaches: tuple[Breach, ...]
    repeats: tuple[Repeat, ...]
    exclusions: tuple[Tally, ...]
    escalations: tuple[Tally, ...]
    daily: tuple[DayLoad, ...]
    flagged: tuple[Flagged, ...] = ()


# -- building ----------------------------------------------------------------

_NO_DEPARTMENT = "Без органа (не направленные сообщения, сроки куратора)"
"""The name of the row of what no department answers for."""


@attrs.frozen
class _Facts:
    """What one case contributes, before grouping."""

    case_id: str
    detected_at: dt.datetime
    repeat_of: str | None
    screening: tuple[str, ...]
    published: bool
    """Anything of it published (an answer, an interim answer, a clarification request)."""
    department: str | None
    executor: str | None
    answered: bool
    on_time: bool | None
    to_route: tuple[dt.timedelta, dt.timedelta] | None
    to_answer: tuple[dt.timedelta, dt.timedelta] | None
    excluded: str | None
    escalations: tuple[str, ...]
    closed_unanswered: bool = False


def build_report(
    cases: Iterable[Case],
    *,
    regulation_for: Callable[[Case], Regulation],
    organization: Organization,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> ComplianceReport:
    """The compliance report of ``organization`` for messages detected in ``[start, end)``.

    Pure: it reads only the cases' events and recomputes their deadlines.

    Args:
        cases: any cases; those detected outside the period are skipped.
        regulation_for: the regulation to judge a case by (normally the
            version it is bound to).
        organization: whose cases they are; gives names and responsible persons.
        start, end: the period of detection, aware datetimes, ``start < end``.
        now: the instant open deadlines are judged at (a deadline passed
            before ``now`` without its step is breached).

    Raises:
        ValueError: a naive datetime, an empty period, or a case of another
            organisation.
    """
    for name, value in (("start", start), ("end", end), ("now", now)):
        if value.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime, got {value!r}")
    if end <= start:
        raise ValueError(f"the period is empty: end {end.isoformat()} <= start {start.isoformat()}")
    names = _Names(organization)
    totals, departments, executors = _Group(), dict[str | None, _Group](), dict[str, _Group]()
    repeats: list[tuple[dt.datetime, Repeat]] = []
    flagged: list[tuple[dt.datetime, Flagged]] = []
    excluded: Counter[str] = Counter()
    escalated: Counter[str] = Counter()
    daily: Counter[dt.date] = Counter()
    breaches: list[Breach] = []
    regulations: dict[str, Regulation] = {}
    zone = organization.zone
    # One case at a time: its figures go into the groups and the case is dropped, so a
    # year's report holds per-group sums and what it lists, not the cases.
    for case in cases:
        if not start <= case.detected_at < end:
            continue
        if case.organization != organization.id:
            raise ValueError(
                f"case {case.id} belongs to {case.organization!r}, not {organization.id!r}"
            )
        regulation = regulation_for(case)
        regulations.setdefault(f"{regulation.id}@{regulation.version}", regulation)
        fact, found = _study(case, regulation, organization, now, names)
        breaches.extend(found)
        totals.add(fact)
        departments.setdefault(fact.department, _Group()).add(fact)
        if fact.executor is not None:
            executors.setdefault(fact.executor, _Group()).add(fact)
        department = names.department(fact.department)
        if fact.repeat_of is not None:
            repeat = Repeat(fact.case_id, fact.repeat_of, department)
            repeats.append((fact.detected_at, repeat))
        if fact.screening and fact.excluded is None:
            marked = Flagged(fact.case_id, fact.screening, department, fact.published)
            flagged.append((fact.detected_at, marked))
        if fact.excluded is not None:
            excluded[fact.excluded] += 1
        escalated.update(fact.escalations)
        daily[fact.detected_at.astimezone(zone).date()] += 1
    repeats.sort(key=lambda pair: (pair[0], pair[1].case_id))
    flagged.sort(key=lambda pair: (pair[0], pair[1].case_id))
    breaches.sort(key=lambda b: (b.due, b.case_id, b.deadline))
    return ComplianceReport(
        organization_id=organization.id,
        organization_name=organization.name,
        timezone=organization.timezone,
        start=start,
        end=end,
        now=now,
        regulations=tuple(regulations),
        main_deadlines=tuple(dict.fromkeys(i for r in regulations.values() for i in _main_ids(r))),
        totals=totals.metrics(len(breaches)),
        departments=_department_rows(departments, breaches, organization, names),
        executors=_executor_rows(executors, breaches, names),
        breaches_by_deadline=_by_deadline(regulations.values(), breaches),
        breaches=tuple(breaches),
        repeats=tuple(repeat for _at, repeat in repeats),
        flagged=tuple(marked for _at, marked in flagged),
        exclusions=_tally(
            [c for r in regulations.values() for c in r.exclusion.categories], excluded
        ),
        escalations=_tally([e.id for r in regulations.values() for e in r.escalations], escalated),
        daily=_daily(daily, organization, start, end),
    )


class _Names:
    def __init__(self, organization: Organization) -> None:
        self.organization = organization

    def person(self, ident: str | None) -> Ref | None:
        if ident is None:
            return None
        try:
            return Ref(ident, self.organization.person(ident).name)
        except KeyError:
            return Ref(ident, ident)

    def department(self, ident: str | None) -> Ref | None:
        if ident is None:
            return None
        try:
            return Ref(ident, self.organization.department(ident).name)
        except KeyError:
            return Ref(ident, ident)


def _main_ids(regulation: Regulation) -> tuple[str, ...]:
    """The deadlines "answered on time" is judged by: those the curator may set per
    message (п. 7, п. 9), else the one called ``answer``."""
    effective = regulation.effective
    found = tuple(d.id for d in effective.deadlines if d.per_message)
    return found or tuple(i for i in ("answer",) if i in effective.deadline)


def _study(
    case: Case, regulation: Regulation, organization: Organization, now: dt.datetime, names: _Names
) -> tuple[_Facts, list[Breach]]:
    wt = regulation.effective.calendar
    states = deadlines(case, regulation, now=now, organization=organization)
    main = _main_ids(regulation)
    decided = [s for s in states if s.id in main and s.status in (Status.MET, Status.BREACHED)]
    routed = next((e.at for e in case.events if isinstance(e.data, Routed)), None)
    published = next(
        (
            e.at
            for e in case.events
            if isinstance(e.data, Published)
            and e.data.kind in (DraftKind.ANSWER, DraftKind.INTERIM)
        ),
        None,
    )
    ended = next((e.at for e in case.events if isinstance(e.data, Excluded | Closed)), now)

    def span(until: dt.datetime | None) -> tuple[dt.timedelta, dt.timedelta] | None:
        if until is None:
            return None
        return wt.between(case.detected_at, until), until - case.detected_at

    breaches = []
    for state in states:
        if state.status is not Status.BREACHED:
            continue
        department = state.department or state.accountable_department
        done = state.met_at
        breaches.append(
            Breach(
                case_id=case.id,
                deadline=state.id,
                clause=state.clause,
                title=state.title,
                department=names.department(department),
                due=state.due,
                done_at=done,
                late_by=max((done or ended) - state.due, dt.timedelta(0)),
                responsible_role=state.responsible_role,
                responsible=names.person(state.responsible),
                held_at=state.held_at,
            )
        )
    fact = _Facts(
        case_id=case.id,
        detected_at=case.detected_at,
        repeat_of=case.repeat_of,
        screening=case.screening,
        published=any(isinstance(e.data, Published) for e in case.events),
        department=case.lead,
        executor=case.lead_executor,
        answered=any(
            isinstance(e.data, Published) and e.data.kind is DraftKind.ANSWER for e in case.events
        ),
        on_time=all(s.status is Status.MET for s in decided) if decided else None,
        to_route=span(routed),
        to_answer=span(published),
        excluded=next((e.data.category for e in case.events if isinstance(e.data, Excluded)), None),
        escalations=tuple(e.data.reason for e in case.events if isinstance(e.data, Escalated)),
    )
    if case.stage == "closed" and not fact.answered:
        fact = attrs.evolve(fact, closed_unanswered=True)
    return fact, breaches


class _Group:
    """The running sums of one row of the report (the totals, a department, an executor):
    counts, and the times to route and to answer as histograms of whole minutes, so that
    a year's report holds as much as its longest times, not one entry per case."""

    __slots__ = (
        "answered",
        "closed_not_judged",
        "closed_unanswered",
        "escalations",
        "excluded",
        "late",
        "messages",
        "on_time",
        "repeats",
        "to_answer",
        "to_route",
    )

    def __init__(self) -> None:
        self.messages = self.answered = self.on_time = self.late = 0
        self.repeats = self.excluded = self.escalations = 0
        self.closed_unanswered = self.closed_not_judged = 0
        self.to_route: tuple[Counter[int], Counter[int]] = (Counter(), Counter())
        self.to_answer: tuple[Counter[int], Counter[int]] = (Counter(), Counter())

    def add(self, fact: _Facts) -> None:
        self.messages += 1
        self.answered += fact.answered
        self.on_time += fact.on_time is True
        self.late += fact.on_time is False
        self.repeats += fact.repeat_of is not None
        self.excluded += fact.excluded is not None
        self.escalations += len(fact.escalations)
        self.closed_unanswered += fact.closed_unanswered
        self.closed_not_judged += fact.closed_unanswered and fact.on_time is None
        for span, into in ((fact.to_route, self.to_route), (fact.to_answer, self.to_answer)):
            if span is not None:
                into[0][_whole_minutes(span[0])] += 1
                into[1][_whole_minutes(span[1])] += 1

    def metrics(self, breaches: int) -> Metrics:
        return Metrics(
            messages=self.messages,
            answered=self.answered,
            on_time=self.on_time,
            late=self.late,
            to_route=_timing(self.to_route),
            to_answer=_timing(self.to_answer),
            breaches=breaches,
            repeats=self.repeats,
            excluded=self.excluded,
            escalations=self.escalations,
            closed_unanswered=self.closed_unanswered,
            closed_not_judged=self.closed_not_judged,
        )


def _whole_minutes(span: dt.timedelta) -> int:
    """``span`` to the nearest minute (half a minute up): the report's resolution."""
    return (span + dt.timedelta(seconds=30)) // dt.timedelta(minutes=1)


def _timing(histograms: tuple[Counter[int], Counter[int]]) -> Timing:
    working, clock = histograms
    count = sum(working.values())
    if not count:
        return Timing(0, None, None)
    return Timing(count, _spread(working, count), _spread(clock, count))


def _spread(minutes: Counter[int], count: int) -> Spread:
    ordered = sorted(minutes.items())
    return Spread(
        _percentile(ordered, count, Fraction(1, 2)), _percentile(ordered, count, Fraction(9, 10))
    )


def _percentile(ordered: Sequence[tuple[int, int]], count: int, share: Fraction) -> dt.timedelta:
    """The ``share`` percentile of ``count`` values given as sorted (minutes, how many)
    pairs: linear interpolation between the closest ranks, as numpy's default."""
    rank = share * (count - 1)
    low = int(rank)
    high = min(low + 1, count - 1)
    low_value = high_value = None
    seen = 0
    for value, times in ordered:
        if low_value is None and low < seen + times:
            low_value = value
        if high < seen + times:
            high_value = value
            break
        seen += times
    assert low_value is not None
    assert high_value is not None
    minutes = low_value + (high_value - low_value) * (rank - low)
    return dt.timedelta(microseconds=round(minutes * 60_000_000))


def _department_rows(
    groups: dict[str | None, _Group],
    breaches: Sequence[Breach],
    organization: Organization,
    names: _Names,
) -> tuple[Row, ...]:
    counted = Counter(b.department.id if b.department else None for b in breaches)
    known = [d.id for d in organization.departments]
    ids = [*known, *sorted({i for i in [*groups, *counted] if i is not None} - set(known)), None]
    rows = []
    for ident in ids:
        if ident in groups or ident in counted:
            ref = names.department(ident)
            name = ref.name if ref is not None else _NO_DEPARTMENT
            group = groups.get(ident) or _Group()
            rows.append(Row(ident, name, group.metrics(counted[ident])))
    return tuple(rows)


def _executor_rows(
    groups: dict[str, _Group], breaches: Sequence[Breach], names: _Names
) -> tuple[Row, ...]:
    counted = Counter(b.responsible.id for b in breaches if b.responsible is not None)
    people = set(groups) | {
        b.responsible.id
        for b in breaches
        if b.responsible is not None and b.responsible_role in ("executor", "co_executor")
    }
    rows = []
    for ident in people:
        ref = names.person(ident)
        assert ref is not None
        group = groups.get(ident) or _Group()
        rows.append(Row(ident, ref.name, group.metrics(counted[ident])))
    return tuple(sorted(rows, key=lambda r: (r.name, r.id)))


def _by_deadline(
    regulations: Iterable[Regulation], breaches: Sequence[Breach]
) -> tuple[DeadlineBreaches, ...]:
    counts = Counter(b.deadline for b in breaches)
    rules = {d.id: d for r in regulations for d in r.effective.deadlines}
    return tuple(
        DeadlineBreaches(i, d.citation.clause, d.title, counts[i]) for i, d in rules.items()
    )


def _tally(known: Iterable[str], counts: Counter[str]) -> tuple[Tally, ...]:
    return tuple(Tally(key, counts[key]) for key in dict.fromkeys([*known, *sorted(counts)]))


def _daily(
    counts: Counter[dt.date], organization: Organization, start: dt.datetime, end: dt.datetime
) -> tuple[DayLoad, ...]:
    zone = organization.zone
    first = start.astimezone(zone).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return tuple(DayLoad(day, counts[day]) for day in days)


# -- wording shared by the renderers -------------------------------------------

_DEADLINES = {
    "route": "классификация и направление в орган",
    "return": "возврат куратору не по компетенции",
    "answer": "подготовка и размещение ответа",
    "draft": "направление проекта ответа куратору",
    "final-draft": "проект окончательного ответа после промежуточного",
    "approve": "согласование или возврат проекта",
    "rework": "доработка проекта",
    "publish": "размещение согласованного ответа",
    "final": "окончательный ответ после промежуточного",
    "contribute": "информация соисполнителя",
}
_CATEGORIES = {
    "intent-to-harm": "намерение причинить вред",
    "obscene": "нецензурная брань",
    "insult": "оскорбления",
    "threat-to-official": "угрозы должностному лицу",
}
_REASONS = {
    "significant": "социально значимое сообщение",
    "surge": "всплеск общественной активности",
    "department-breaches": "недостатки в работе органа",
}
_ROLES = {
    "curator": "куратор",
    "department_head": "руководитель органа",
    "executor": "исполнитель",
    "co_executor": "соисполнитель",
}

_STAGES = {
    "detected": "направление в орган (п. 7)",
    "classified": "направление в орган (п. 7)",
    "routed": "назначение исполнителя (п. 6)",
    "in_work": "подготовка проекта ответа (п. 10)",
    "awaiting_approval": "согласование проекта куратором (п. 11)",
    "rework": "доработка проекта (п. 12)",
    "approved": "размещение ответа (п. 13)",
    "interim_published": "подготовка окончательного ответа (п. 14)",
    "answered": "ответ размещён",
    "excluded": "исключено (п. 18)",
    "closed": "закрыто",
}


def _deadline_label(ident: str, title: str) -> str:
    """Russian words for the built-in deadlines; another regulation's title otherwise."""
    return _DEADLINES.get(ident, title)


def _percent(part: int, whole: int) -> str:
    """``"87 %"``, rounded half up; ``"—"`` for nothing judged."""
    if not whole:
        return "—"
    return f"{(200 * part + whole) // (2 * whole)} %"


def _duration(value: dt.timedelta | None) -> str:
    """``"1 ч 05 мин"``, to the nearest minute; hours are not folded into days (a
    working day and a calendar day differ)."""
    if value is None:
        return "—"
    minutes = max(0, int((value + dt.timedelta(seconds=30)) // dt.timedelta(minutes=1)))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} ч {minutes:02d} мин" if hours else f"{minutes} мин"


def _local(instant: dt.datetime | None, timezone: str) -> str:
    if instant is None:
        return "—"
    return instant.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")


# -- Markdown -----------------------------------------------------------------


def render_markdown(report: ComplianceReport) -> str:
    """The report as a Markdown document (Russian headings), ending with a newline."""
    tz = report.timezone
    main = ", ".join(_main_label(report, i) for i in report.main_deadlines) or "—"
    totals = report.totals
    lines = [
        f"# Отчёт о соблюдении регламента: {_md(report.organization_name)}",
        "",
        f"- **Организация:** {_md(report.organization_name)} (`{report.organization_id}`)",
        f"- **Период:** {_local(report.start, tz)} — {_local(report.end, tz)} "
        f"(дата обнаружения сообщения; конец периода не включается; время `{tz}`)",
        f"- **По состоянию на:** {_local(report.now, tz)}",
        f"- **Регламент:** {', '.join(f'`{r}`' for r in report.regulations) or '—'}",
        f"- **Основной срок:** {main}",
        "",
        "## Итоги",
        "",
        f"- Сообщений: {totals.messages}",
        f"- Дан окончательный ответ: {totals.answered}",
        f"- Ответ в срок: {totals.on_time} из {totals.judged} "
        f"({_percent(totals.on_time, totals.judged)})" + _not_judged_words(totals),
        f"- Время до направления в орган: {_timing_words(totals.to_route)}",
        f"- Время до ответа: {_timing_words(totals.to_answer)}",
        f"- Нарушений сроков: {totals.breaches}",
        f"- Повторных сообщений (п. 16): {totals.repeats}",
        f"- Исключено из обработки (п. 18): {totals.excluded}",
        f"- Закрыто без ответа: {totals.closed_unanswered}",
        f"- Доведено до заместителей мэра (п. 20): {totals.escalations}",
        "",
        "## По органам",
        "",
        *_md_rows("Орган", report.departments, lambda r: r.name),
        "",
        "## По исполнителям",
        "",
        *_md_rows("Исполнитель", report.executors, lambda r: f"{r.name} (`{r.id}`)"),
        "",
        "## Нарушения сроков (п. 19)",
        "",
        "| Срок | Пункт | Нарушений |",
        "|---|---|---|",
        *(
            _md_line(f"{_deadline_label(d.deadline, d.title)} (`{d.deadline}`)", d.clause, d.count)
            for d in report.breaches_by_deadline
        ),
        "",
        "| Сообщение | Срок | Пункт | Орган | Истёк | Выполнено | Просрочка | Ответственный |",
        "|---|---|---|---|---|---|---|---|",
        *(
            _md_line(
                f"`{b.case_id}`",
                f"`{b.deadline}`",
                b.clause,
                b.department.name if b.department else "—",
                _local(b.due, tz),
                _local(b.done_at, tz) if b.done_at else "не выполнено",
                _duration(b.late_by),
                _responsible_words(b),
            )
            for b in report.breaches
        ),
        "",
        "## Повторные сообщения (п. 16)",
        "",
        *(
            f"- `{r.case_id}` повторяет `{r.repeat_of}`"
            + (f"; {_md(r.department.name)}" if r.department else "")
            for r in report.repeats
        ),
        *(["Нет."] if not report.repeats else []),
        "",
        "## Исключённые сообщения (п. 18)",
        "",
        *(
            f"- {_md(_CATEGORIES.get(t.key, t.key))} (`{t.key}`): {t.count}"
            for t in report.exclusions
        ),
        "",
        "Отмечены фильтром как возможно подлежащие исключению, но не исключены куратором:",
        "",
        *(
            f"- `{f.case_id}`: "
            + ", ".join(_md(_CATEGORIES.get(c, c)) for c in f.categories)
            + ("; ответ размещён" if f.answered else "; ответ не размещён")
            + (f"; {_md(f.department.name)}" if f.department else "")
            for f in report.flagged
        ),
        *(["Нет."] if not report.flagged else []),
        "",
        "## Доведено до заместителей мэра (п. 20)",
        "",
        *(
            f"- {_md(_REASONS.get(t.key, t.key))} (`{t.key}`): {t.count}"
            for t in report.escalations
        ),
        "",
        "## Нагрузка по дням",
        "",
        "| День | Сообщений |",
        "|---|---|",
        *(_md_line(d.day.strftime("%d.%m.%Y"), d.messages) for d in report.daily),
    ]
    return "\n".join(lines) + "\n"


def _not_judged_words(totals: Metrics) -> str:
    """What the share on time leaves out, said beside it."""
    if not totals.closed_not_judged:
        return ""
    return (
        f"; не оценены {totals.closed_not_judged} закрытых без ответа до истечения срока "
        "(закрытые после истечения срока учтены как нарушившие срок)"
    )


def _main_label(report: ComplianceReport, ident: str) -> str:
    clause = next((d.clause for d in report.breaches_by_deadline if d.deadline == ident), "")
    return f"{ident} ({clause})" if clause else ident


def _timing_words(timing: Timing) -> str:
    if timing.working is None or timing.clock is None:
        return "нет данных"
    return (
        f"медиана {_duration(timing.working.median)} рабочего времени "
        f"({_duration(timing.clock.median)} календарного), 90-й процентиль "
        f"{_duration(timing.working.p90)} ({_duration(timing.clock.p90)}); "
        f"сообщений: {timing.count}"
    )


def _responsible_words(breach: Breach) -> str:
    role = _ROLES.get(breach.responsible_role, breach.responsible_role)
    who = f"{breach.responsible.name} (`{breach.responsible.id}`)" if breach.responsible else "—"
    return f"{role} {who}{_held_words(breach)}"


def _held_words(breach: Breach) -> str:
    """Which step was overdue when the deadline fell due (п. 19), in words."""
    if breach.held_at is None:
        return ""
    return f"; этап на момент истечения: {_STAGES.get(breach.held_at, breach.held_at)}"


def _md_rows(title: str, rows: Sequence[Row], name: Callable[[Row], str]) -> list[str]:
    lines = [
        f"| {title} | Сообщений | Дан ответ | В срок | Нарушен основной срок | Доля в срок "
        "| Нарушений сроков | Повторных | Исключено | Закрыто без ответа | П. 20 "
        "| Направление: медиана (раб. / кал.) | Направление: 90 % "
        "| Ответ: медиана (раб. / кал.) | Ответ: 90 % |",
        "|---|" + "---|" * 14,
    ]
    for row in rows:
        m = row.metrics
        lines.append(
            _md_line(
                name(row),
                m.messages,
                m.answered,
                m.on_time,
                m.late,
                _percent(m.on_time, m.judged),
                m.breaches,
                m.repeats,
                m.excluded,
                m.closed_unanswered,
                m.escalations,
                *_spread_cells(m.to_route),
                *_spread_cells(m.to_answer),
            )
        )
    if not rows:
        lines.append("| — |" + " |" * 14)
    return lines


def _spread_cells(timing: Timing) -> tuple[str, str]:
    if timing.working is None or timing.clock is None:
        return "—", "—"
    return (
        f"{_duration(timing.working.median)} / {_duration(timing.clock.median)}",
        f"{_duration(timing.working.p90)} / {_duration(timing.clock.p90)}",
    )


def _md(text: str) -> str:
    """Names and other data as inert Markdown: one line, no HTML, no table breaks."""
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|")


def _md_line(*cells: object) -> str:
    return "| " + " | ".join(_md(str(c)) for c in cells) + " |"


# -- CSV and JSON -------------------------------------------------------------

CSV_COLUMNS = (
    "level",
    "id",
    "name",
    "messages",
    "answered",
    "on_time",
    "late",
    "share_on_time",
    "breaches",
    "repeats",
    "excluded",
    "escalations",
    "closed_unanswered",
    "closed_not_judged",
    "route_count",
    "route_working_median_min",
    "route_working_p90_min",
    "route_clock_median_min",
    "route_clock_p90_min",
    "answer_count",
    "answer_working_median_min",
    "answer_working_p90_min",
    "answer_clock_median_min",
    "answer_clock_p90_min",
)
"""The columns of :func:`render_csv`."""


def render_csv(report: ComplianceReport) -> str:
    """The figures as one CSV table: the totals, then a row per department and per executor.

    Columns (:data:`CSV_COLUMNS`): ``level`` (``total``, ``department`` or
    ``executor``); ``id`` (empty for the totals and for cases of no
    department) and ``name``; the counts of :class:`Metrics` (``messages``,
    ``answered``, ``on_time``, ``late``, ``breaches``, ``repeats``,
    ``excluded``, ``escalations``, ``closed_unanswered``,
    ``closed_not_judged``); ``share_on_time`` as a fraction 0..1 (empty when
    nothing is judged); for routing and answering, the number of
    cases timed (``route_count``, ``answer_count``) and the median and 90th
    percentile in working and clock minutes (``*_min``, empty when none).
    Numbers use a dot; rows end with ``\\r\\n``. Write it as ``utf-8-sig`` for
    spreadsheet programs that need the BOM to read Cyrillic.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    groups = [("total", [Row(None, report.organization_name, report.totals)])]
    groups += [("department", list(report.departments)), ("executor", list(report.executors))]
    for level, rows in groups:
        for row in rows:
            m = row.metrics
            share = m.share_on_time
            writer.writerow(
                [
                    level,
                    row.id or "",
                    row.name,
                    m.messages,
                    m.answered,
                    m.on_time,
                    m.late,
                    "" if share is None else _number(share, 4),
                    m.breaches,
                    m.repeats,
                    m.excluded,
                    m.escalations,
                    m.closed_unanswered,
                    m.closed_not_judged,
                    *_timing_cells(m.to_route),
                    *_timing_cells(m.to_answer),
                ]
            )
    return out.getvalue()


def _timing_cells(timing: Timing) -> list[object]:
    spreads = (timing.working, timing.clock)
    cells: list[object] = [timing.count]
    for spread in spreads:
        for value in (spread.median, spread.p90) if spread else (None, None):
            cells.append("" if value is None else _number(_minutes(value), 2))
    return cells


def _minutes(value: dt.timedelta) -> float:
    return round(value / dt.timedelta(minutes=1), 2)


def _number(value: float, places: int) -> str:
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def render_json(report: ComplianceReport) -> str:
    """The report as JSON: fixed keys in a fixed order, ISO 8601 instants with their
    local offset, durations in minutes and shares as numbers (null when there are none)."""
    return json.dumps(_document(report), ensure_ascii=False, indent=2) + "\n"


def _document(report: ComplianceReport) -> dict[str, Any]:
    zone = ZoneInfo(report.timezone)

    def iso(instant: dt.datetime | None) -> str | None:
        return instant.astimezone(zone).isoformat() if instant is not None else None

    def ref(value: Ref | None) -> dict[str, str] | None:
        return {"id": value.id, "name": value.name} if value is not None else None

    def row(value: Row) -> dict[str, Any]:
        return {"id": value.id, "name": value.name, **_metrics_json(value.metrics)}

    return {
        "format": "regflow-compliance/1",
        "organization": {
            "id": report.organization_id,
            "name": report.organization_name,
            "timezone": report.timezone,
        },
        "period": {"start": iso(report.start), "end": iso(report.end)},
        "now": iso(report.now),
        "regulations": list(report.regulations),
        "main_deadlines": list(report.main_deadlines),
        "totals": _metrics_json(report.totals),
        "departments": [row(r) for r in report.departments],
        "executors": [row(r) for r in report.executors],
        "breaches_by_deadline": [
            {"deadline": d.deadline, "clause": d.clause, "title": d.title, "count": d.count}
            for d in report.breaches_by_deadline
        ],
        "breaches": [
            {
                "case_id": b.case_id,
                "deadline": b.deadline,
                "clause": b.clause,
                "department": ref(b.department),
                "due": iso(b.due),
                "done_at": iso(b.done_at),
                "late_by_minutes": _minutes(b.late_by),
                "responsible_role": b.responsible_role,
                "responsible": ref(b.responsible),
                "held_at": b.held_at,
            }
            for b in report.breaches
        ],
        "repeats": [
            {"case_id": r.case_id, "repeat_of": r.repeat_of, "department": ref(r.department)}
            for r in report.repeats
        ],
        "flagged": [
            {
                "case_id": f.case_id,
                "categories": list(f.categories),
                "department": ref(f.department),
                "answered": f.answered,
            }
            for f in report.flagged
        ],
        "exclusions": [{"category": t.key, "count": t.count} for t in report.exclusions],
        "escalations": [{"reason": t.key, "count": t.count} for t in report.escalations],
        "daily": [{"date": d.day.isoformat(), "messages": d.messages} for d in report.daily],
    }


def _metrics_json(m: Metrics) -> dict[str, Any]:
    share = m.share_on_time
    return {
        "messages": m.messages,
        "answered": m.answered,
        "on_time": m.on_time,
        "late": m.late,
        "share_on_time": None if share is None else round(share, 4),
        "breaches": m.breaches,
        "repeats": m.repeats,
        "excluded": m.excluded,
        "escalations": m.escalations,
        "closed_unanswered": m.closed_unanswered,
        "closed_not_judged": m.closed_not_judged,
        "to_route": _timing_json(m.to_route),
        "to_answer": _timing_json(m.to_answer),
    }


def _timing_json(timing: Timing) -> dict[str, Any]:
    def spread(value: Spread | None) -> dict[str, float | None]:
        if value is None:
            return {"median_minutes": None, "p90_minutes": None}
        return {"median_minutes": _minutes(value.median), "p90_minutes": _minutes(value.p90)}

    return {"count": timing.count, "working": spread(timing.working), "clock": spread(timing.clock)}
