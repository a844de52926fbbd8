"""Deadlines: a pure function of a case's history, the regulation and working time.

Nothing about timers is stored: :func:`deadlines` recomputes every deadline
from the events, so a changed interpretation, regulation version or calendar
gives the new statuses at once without touching history (what-if), and an
audit can recompute any case.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Protocol

import attrs

from regflow.calendar import Clock, Duration, Working, WorkingTime
from regflow.core.case import Case
from regflow.core.events import Classified, Event
from regflow.core.organization import Organization
from regflow.rules.kinds import Attribution, Basis, Deadline, Period, Scope, TooShort
from regflow.rules.regulation import Effective, Regulation

__all__ = ["DeadlineState", "Status", "deadlines", "next_change"]


class Status(enum.Enum):
    """Where a deadline stands."""

    PENDING = "pending"
    WARNING = "warning"
    """A warning point has passed; the deadline has not."""
    PAUSED = "paused"
    """The clock is stopped (e.g. waiting for the author's clarification)."""
    MET = "met"
    BREACHED = "breached"
    """Passed without the required step, or the step came late."""
    CANCELLED = "cancelled"
    """The case was excluded or closed before the step was due."""
    LAPSED = "lapsed"
    """An optional step's time passed without it (п. 8: the department kept the message)."""


@attrs.frozen
class DeadlineState:
    """One deadline of one case, as of ``now``.

    Attributes:
        id, clause, title: the rule.
        department: the department it concerns, for per-department deadlines.
        started_at: the event that started it.
        due: the due instant (in the working time's zone).
        status: pending, warning, paused, met, breached or cancelled.
        met_at, met_by: when the required step happened, and who took it.
        responsible_role, responsible: who answers for it (п. 19): role and person, as
            of the instant it fell due for a breach (who held the role then: the
            designated executor or the substitute on duty, the department's head), as of
            the step for one met, as of ``now`` for one still running. With the
            ``holder`` attribution the role is whoever held the case at that instant.
        accountable_department: the department the responsible person answers for it
            in (the deadline's own department, or the lead department then); ``None``
            for the curator's steps. п. 20 counts breaches against it.
        held_at: the stage the case was in at that instant (which step was overdue).
        basis: how the due instant was computed, in words.
        interpretations: the readings in force that shape this deadline.
        warnings: the instants at which warnings fall due (only while it is open).
    """

    id: str
    clause: str
    title: str
    department: str | None
    started_at: dt.datetime
    due: dt.datetime
    status: Status
    met_at: dt.datetime | None
    met_by: str | None
    responsible_role: str
    responsible: str | None
    basis: str
    interpretations: tuple[str, ...]
    warnings: tuple[dt.datetime, ...] = ()
    accountable_department: str | None = None
    held_at: str | None = None

    @property
    def late_by(self) -> dt.timedelta | None:
        """How late the step came (or, while breached and open, None)."""
        if self.met_at is not None and self.met_at > self.due:
            return self.met_at - self.due
        return None


class _Instance:
    __slots__ = ("department", "due", "ended", "met", "paused", "paused_since", "rule", "start")

    def __init__(self, rule: int, start: Event, department: str | None) -> None:
        self.rule = rule
        self.start = start
        self.department = department
        self.met: Event | None = None
        self.ended: Event | None = None
        self.paused: list[tuple[dt.datetime, dt.datetime]] = []
        self.paused_since: dt.datetime | None = None
        self.due: dt.datetime | None = None


class _Shifts(Protocol):
    """What the deadline arithmetic asks of a working time."""

    def add(self, start: dt.datetime, duration: Duration) -> dt.datetime: ...

    def subtract(self, end: dt.datetime, duration: Duration) -> dt.datetime: ...

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta: ...


class _Remembered:
    """The regulation's working time with its sums remembered: a case's deadlines are
    worked out again on every command, mostly from the same instants and limits."""

    __slots__ = ("_memo", "_wt")
    LIMIT = 50_000
    """Sums kept (per regulation); the memo starts afresh when full."""

    def __init__(self, effective: Effective) -> None:
        self._wt = effective.calendar
        memo = effective.memo.get("sums")
        if memo is None:
            memo = effective.memo["sums"] = {}
        self._memo: dict[tuple[bool, dt.datetime, Duration], dt.datetime] = memo  # type: ignore[assignment]

    def add(self, start: dt.datetime, duration: Duration) -> dt.datetime:
        return self._sum(True, start, duration)

    def subtract(self, end: dt.datetime, duration: Duration) -> dt.datetime:
        return self._sum(False, end, duration)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return self._wt.between(start, end)

    def _sum(self, forward: bool, instant: dt.datetime, duration: Duration) -> dt.datetime:
        key = (forward, instant, duration)
        found = self._memo.get(key)
        if found is None:
            wt = self._wt
            found = wt.add(instant, duration) if forward else wt.subtract(instant, duration)
            if len(self._memo) >= self.LIMIT:
                self._memo.clear()
            self._memo[key] = found
        return found


def _shifts(effective: Effective, working_time: WorkingTime | None) -> _Shifts:
    return _Remembered(effective) if working_time is None else working_time


def _plan(
    effective: Effective,
) -> dict[tuple[str, str | None], tuple[tuple[int, str, bool, bool], ...]]:
    """The triggers with what the scan needs of each rule: (index, action, per department, once)."""
    found = effective.memo.get("plan")
    if found is None:
        rules = effective.deadlines
        found = effective.memo["plan"] = {
            key: tuple(
                (index, action, rules[index].scope is Scope.DEPARTMENT, rules[index].once)
                for index, action in actions
            )
            for key, actions in effective.triggers.items()
        }
    return found  # type: ignore[return-value]


def _collect(case: Case, regulation: Regulation) -> list[_Instance]:
    plan = _plan(regulation.effective)
    instances: list[_Instance] = []
    open_: dict[tuple[int, str | None], _Instance] = {}
    started: set[int] = set()
    waived: set[int] = set()
    case_wide: tuple[str | None, ...] = (None,)
    for event in case.events:
        data = event.data
        if isinstance(data, Classified) and data.tight_confirmed:
            # the curator confirmed a limit that leaves a deadline counted back from it no
            # time; where that deadline's reading waives it, it is not owed at all (п. 7)
            waived |= _waived(regulation.effective)
            for key in [k for k in open_ if k[0] in waived]:
                instances.remove(open_.pop(key))
        kind = getattr(data, "kind", None)
        actions = plan.get((data.type, kind.value if kind is not None else None), ())
        for index, action, per_department, once in actions:
            if index in waived:
                continue
            for subject in event.departments if per_department else case_wide:
                key = (index, subject)
                current = open_.get(key)
                if action == "stop":
                    if current is not None:
                        if current.paused_since is not None:
                            current.paused.append((current.paused_since, event.at))
                            current.paused_since = None
                        current.met = event
                        del open_[key]
                elif action == "start":
                    if current is None and not (once and index in started):
                        instance = _Instance(index, event, subject)
                        instances.append(instance)
                        open_[key] = instance
                        started.add(index)
                elif current is None:
                    continue
                elif action == "cancel":
                    current.ended = event
                    del open_[key]
                elif action == "pause" and current.paused_since is None:
                    current.paused_since = event.at
                elif action == "resume" and current.paused_since is not None:
                    current.paused.append((current.paused_since, event.at))
                    current.paused_since = None
        if data.type in _ENDING:
            # after the rules that name the ending event have had their say: the case is
            # over, so whatever is still open ends with it (met, cancelled or breached)
            for instance in open_.values():
                instance.ended = event
            open_.clear()
    return instances


_ENDING = frozenset({"excluded", "closed"})
"""Events that end a case, and with it every deadline still open."""


def _waived(effective: Effective) -> set[int]:
    """The deadlines (by index) counted back from a shortenable one whose ``too_short``
    reading waives them when the curator confirms a limit that leaves them no time."""
    rules = effective.deadlines
    return {
        index
        for index, rule in enumerate(rules)
        if rule.before is not None
        and effective.deadline[rule.before].too_short is TooShort.WAIVE
        and (
            effective.deadline[rule.before].per_message
            or effective.deadline[rule.before].by_importance
        )
    }


def _limit(rule: Deadline, case: Case) -> Period:
    if rule.per_message and case.answer_limit is not None:
        return case.answer_limit
    if case.importance is not None and case.importance in rule.by_importance:
        return rule.by_importance[case.importance]
    return rule.limit


def _pause_length(
    wt: _Shifts, basis: Basis, spans: list[tuple[dt.datetime, dt.datetime]]
) -> dt.timedelta:
    if basis is Basis.CLOCK:
        return sum((end - start for start, end in spans), dt.timedelta(0))
    return sum((wt.between(start, end) for start, end in spans), dt.timedelta(0))


def deadlines(
    case: Case,
    regulation: Regulation,
    working_time: WorkingTime | None = None,
    now: dt.datetime | None = None,
    *,
    organization: Organization,
) -> tuple[DeadlineState, ...]:
    """Every deadline that applies to ``case``, as of ``now``.

    Args:
        case: the case (its events are all that is read).
        regulation: the rules, with the interpretations chosen; pass another
            version or other choices to see what would have been due (what-if).
        working_time: the calendar to count in; by default the regulation's.
        now: the instant to judge pending deadlines at; by default the case's
            last event.
        organization: the case's organisation: it names the persons who answer for
            each deadline (heads, the substitutes of absent executors, п. 6, 19).

    Returns:
        Deadline states in the order of the regulation's deadlines, then of
        their start.
    """
    effective = regulation.effective
    wt = _shifts(effective, working_time)
    at = now if now is not None else case.events[-1].at
    instances = _with_dues(case, regulation, wt, at)
    return tuple(
        _state(effective, case, wt, effective.deadlines[i.rule], i, i.due, at, organization)
        for i in sorted(instances, key=lambda i: (i.rule, i.start.seq))
        if i.due is not None
    )


def next_change(
    case: Case,
    regulation: Regulation,
    now: dt.datetime,
    working_time: WorkingTime | None = None,
) -> dt.datetime | None:
    """The earliest instant after ``now`` at which a deadline of ``case`` changes status by
    the passing of time alone: a warning point, or the first instant after a due instant.

    What the case index stores as ``next_due``; cheaper than :func:`deadlines`. ``None``
    when nothing is pending (or only paused deadlines are, which wait for an event).
    """
    effective = regulation.effective
    wt = _shifts(effective, working_time)
    earliest: dt.datetime | None = None
    for instance in _with_dues(case, regulation, wt, now, open_only=True):
        due = instance.due
        if due is None or instance.met is not None or instance.ended is not None:
            continue
        if instance.paused_since is not None:
            continue
        rule = effective.deadlines[instance.rule]
        candidates = [due + _INSTANT]
        if due >= now:
            basis = rule.basis_for(case.importance)
            candidates += [
                wt.subtract(due, _duration(effective, rule, period, basis))
                for period in rule.warn_before
            ]
        for candidate in candidates:
            if candidate > now and (earliest is None or candidate < earliest):
                earliest = candidate
    return earliest


_INSTANT = dt.timedelta(microseconds=1)


def _with_dues(
    case: Case,
    regulation: Regulation,
    wt: _Shifts,
    at: dt.datetime,
    *,
    open_only: bool = False,
) -> list[_Instance]:
    """The case's deadline instances with their due instants set (``due`` stays ``None`` for
    a deadline counted back from one that never started).

    With ``open_only``, only the instances still open, and those they are counted back
    from, get a due instant: what :func:`next_change` needs, at a fraction of the cost.
    """
    effective = regulation.effective
    rules = effective.deadlines
    instances = _collect(case, regulation)
    by_rule: dict[int, list[_Instance]] = {}
    for instance in instances:
        by_rule.setdefault(instance.rule, []).append(instance)
    depth, index_of = _order(effective)
    todo = instances
    if open_only:
        frontier = [i for i in instances if i.met is None and i.ended is None]
        needed = {id(i) for i in frontier}
        while frontier:
            before = rules[frontier.pop().rule].before
            if before is None:
                continue
            for anchor in by_rule.get(index_of[before], ()):
                if id(anchor) not in needed:
                    needed.add(id(anchor))
                    frontier.append(anchor)
        todo = [i for i in instances if id(i) in needed]
    for instance in sorted(todo, key=lambda i: depth[i.rule]):
        rule = rules[instance.rule]
        basis = rule.basis_for(case.importance)
        duration = _duration(effective, rule, _limit(rule, case), basis)
        if rule.before is None:
            due = wt.add(instance.start.at, duration)
        else:
            anchors = [
                i
                for i in by_rule.get(index_of[rule.before], ())
                if i.start.seq <= instance.start.seq and i.due is not None
            ]
            if not anchors:
                continue
            anchor_due = anchors[-1].due
            assert anchor_due is not None
            due = wt.subtract(anchor_due, duration)
        spans = list(instance.paused)
        if instance.paused_since is not None:
            spans.append((instance.paused_since, max(at, instance.paused_since)))
        for start, end in spans:
            if start >= due:
                break  # a pause after the deadline passed does not revive it
            extra = _pause_length(wt, basis, [(start, end)])
            if extra:
                due = wt.add(due, Clock.of(extra) if basis is Basis.CLOCK else Working.of(extra))
        instance.due = due
    return instances


# Derived values are memoised on the Effective rules they derive from (its ``memo``),
# so a regulation's deadlines are worked out once, not for every case.


def _order(effective: Effective) -> tuple[list[int], dict[str, int]]:
    """Each rule's number of 'before' links (to order the computation), and rule indexes."""
    found = effective.memo.get("order")
    if found is None:
        index_of = {rule.id: index for index, rule in enumerate(effective.deadlines)}
        depths = []
        for rule in effective.deadlines:
            depth, cursor = 0, rule
            while cursor.before is not None:
                depth += 1
                cursor = effective.deadline[cursor.before]
            depths.append(depth)
        found = effective.memo["order"] = (depths, index_of)
    return found  # type: ignore[return-value]


def _duration(effective: Effective, rule: Deadline, limit: Period, basis: Basis) -> Duration:
    key = ("duration", rule.id, limit.days, limit.minutes, basis)
    found = effective.memo.get(key)
    if found is None:
        found = effective.memo[key] = limit.duration(basis, rule.counting)
    return found  # type: ignore[return-value]


def _basis(
    effective: Effective, rule: Deadline, limit: Period, start: str, paused: int, basis: Basis
) -> str:
    key = ("basis", rule.id, None if limit is rule.limit else limit, start, paused, basis)
    found = effective.memo.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    if rule.before:
        text = f"{limit.words(basis)} before `{rule.before}`"
    else:
        text = f"{limit.words(basis)} from {start.replace('_', ' ')}"
    if limit != rule.limit:
        classify = effective.permissions.get("classify", ())
        cited = classify[0].citation if classify else None
        text += f" (shortened, {cited.clause})" if cited else " (shortened)"
    if paused:
        text += f"; paused {paused} time(s)"
    effective.memo[key] = text
    return text


def _readings(effective: Effective, ident: str) -> tuple[str, ...]:
    key = ("readings", ident)
    found = effective.memo.get(key)
    if found is None:
        found = effective.memo[key] = tuple(
            f"{i}={effective.choices[i]}" for i in effective.touched_by.get(ident, ())
        )
    return found  # type: ignore[return-value]


def _state(
    effective: Effective,
    case: Case,
    wt: _Shifts,
    rule: Deadline,
    instance: _Instance,
    due: dt.datetime,
    now: dt.datetime,
    organization: Organization,
) -> DeadlineState:
    met = instance.met
    warnings: tuple[dt.datetime, ...] = ()
    if met is not None:
        status = Status.MET if met.at <= due else Status.BREACHED
    elif instance.ended is not None:
        if instance.ended.at <= due:
            status = Status.CANCELLED
        else:
            status = Status.LAPSED if rule.optional else Status.BREACHED
    elif now > due:
        status = Status.LAPSED if rule.optional else Status.BREACHED
    else:
        basis = rule.basis_for(case.importance)
        warnings = tuple(
            wt.subtract(due, _duration(effective, rule, period, basis))
            for period in rule.warn_before
        )
        if instance.paused_since is not None:
            status = Status.PAUSED
        elif any(w <= now for w in warnings):
            status = Status.WARNING
        else:
            status = Status.PENDING
    limit = _limit(rule, case)
    # п. 19: a breach is charged as of the instant it fell due; anything else as of its step
    # or, while it runs, of now.
    when = due if status is Status.BREACHED else met.at if met is not None else min(now, due)
    role, responsible, department, held = _responsible(
        case, rule, instance.department, organization, when
    )
    return DeadlineState(
        id=rule.id,
        clause=rule.citation.clause,
        title=rule.title,
        department=instance.department,
        started_at=instance.start.at,
        due=due,
        status=status,
        met_at=met.at if met is not None else None,
        met_by=met.actor if met is not None else None,
        responsible_role=role,
        responsible=responsible,
        basis=_basis(
            effective,
            rule,
            limit,
            instance.start.type,
            len(instance.paused),
            rule.basis_for(case.importance),
        ),
        interpretations=_readings(effective, rule.id),
        warnings=warnings,
        accountable_department=department,
        held_at=held,
    )


_HOLDER = {
    "detected": "curator",
    "classified": "curator",
    "routed": "department_head",
    "awaiting_approval": "curator",
}
"""Who holds a case at a stage (for :attr:`Attribution.HOLDER`): the curator routes (п. 7)
and approves (п. 11), the head designates the executor (п. 6); at every other open stage
the executor holds it (п. 10, 12, 13, 19)."""


def _responsible(
    case: Case,
    rule: Deadline,
    department: str | None,
    organization: Organization,
    when: dt.datetime,
) -> tuple[str, str | None, str | None, str]:
    """Who answers for a deadline at ``when`` (п. 19): the role, its holder on duty then (an
    absent executor's substitute, п. 6), the department they answer in, and the stage the
    case was in."""
    holding = case.held_at(when)
    role = rule.responsible
    if rule.attribution is Attribution.HOLDER and rule.scope is Scope.CASE:
        role = _HOLDER.get(holding.stage, role)
    if role == "curator":
        return role, case.detected_by, None, holding.stage
    ident = department if department is not None else holding.lead
    if ident is None:
        return role, None, None, holding.stage
    if role == "department_head":
        return role, organization.department(ident).head, ident, holding.stage
    assigned = holding.executors.get(ident)
    if assigned is None:
        return role, None, ident, holding.stage
    day = when.astimezone(organization.zone).date()
    return role, organization.on_duty(ident, assigned, day), ident, holding.stage
