"""Random lives of cases: any sequence of commands, valid or not, keeps the engine's promises.

A hypothesis state machine issues commands to up to three cases. One rule
moves a case along (a command its stage allows, by someone holding the role,
with sensible contents); another issues any command, by anyone of a pool (the
curator, heads of routed and other departments, executors and their
substitutes, a deputy mayor, a stranger), with contents sometimes blank or
wrong, at times that mostly move forward by working-ish steps and sometimes
go back. What the engine accepts is appended to a store; what it refuses
(:class:`~regflow.errors.CommandRefused`) must change nothing.

After every step: the store replays to the running case and verifies, with
sequence numbers 1..n; the deadlines from scratch equal the running ones; a
published draft was approved and, before that, submitted; nothing follows an
exclusion or a closure; every working-time deadline falls due in working time
or at the close of a working interval. Every event and every refusal cites a
clause of the regulation, and an accepted command leaves the case at a stage
its permission leads to (as the rendered spec tells auditors). At the end, the
deadlines seen at each step are what the events up to that step give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypedDict, TypeVar

import attrs
from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from regflow.calendar import WorkingTime
from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Case,
    Classify,
    Close,
    Command,
    DeadlineState,
    Detect,
    Escalate,
    Event,
    Exclude,
    LinkRepeat,
    Platform,
    RecordClarification,
    RecordPublication,
    RecordPublicationFailure,
    RequestPublication,
    ReturnForRework,
    ReturnToCurator,
    Route,
    Status,
    SubmitContribution,
    SubmitDraft,
    deadlines,
    handle,
    replay,
    verify,
)
from regflow.core.deadlines import next_change
from regflow.errors import CommandRefused
from regflow.rules import DraftKind, Period, Regulation
from regflow.rules.kinds import Basis
from tests.engine.conftest import CURATOR, HEADS, ORG, REGULATION, ZONE, message

READINGS: dict[str, Regulation] = {
    "default": REGULATION,
    "clock limits, clarification pauses": REGULATION.choose(
        **{"short-limits": "clock", "clarification": "pauses"}
    ),
    "other readings": REGULATION.choose(
        **{
            "day-counting": "from-instant",
            "final-bounds": "draft",
            "re-routing": "untimed",
            "working-hours": "short-friday",
            "shortened-deadline": "explicit-only",
        }
    ),
}
DEPARTMENTS = tuple(d.id for d in ORG.departments)
DEPARTMENT_EXECUTORS = {d.id: d.executors for d in ORG.departments}
DEPUTY = ORG.deputies[0].person
STRANGER = "stranger"
TOPICS = ("snow-removal", "heating", "schools", "building-permits", "no-such-topic")
GOOD_TEXTS = ("Снег уберут до вечера", "Бригада выехала; проверим к пятнице")
TEXTS = (*GOOD_TEXTS, "", "   ")
MEASURES = ("Бригада направлена, уборка завершена", None, "", " ")
LIMITS = (None, "8h", "1d", "1h", "2h", "4h", "5h")
"""Answer limits the curator may set; the first ones never leave the draft due before routing."""
SOUND_KINDS = (
    (DraftKind.ANSWER, DraftKind.ANSWER, DraftKind.INTERIM, DraftKind.CLARIFICATION),
    (DraftKind.ANSWER,),
)
"""Draft kinds to move a case along: before an interim answer, and after it (п. 14)."""
MAX_CASES = 3
FIRST_DAY = dt.datetime(2025, 11, 14, tzinfo=ZONE)
"""A Friday; the executors' absences (2025-11-20..30) are within reach."""
FORWARD = (0, 1, 5, 10, 20, 30, 45, 60, 90, 120, 240, 480, 960, 1440, 4320)
"""Minutes between commands."""
BACK = (-1, -60, -1440)
"""Minutes back from the case's last event: such a command must be refused."""
ROLES = (
    "curator",
    "lead-executor",
    "executor",
    "acting-executor",
    "routed-head",
    "other-head",
    "deputy",
    "stranger",
)
NAMES = {
    "classify": "classify",
    "route": "route",
    "assign": "assign_executor",
    "contribute": "submit_contribution",
    "submit": "submit_draft",
    "approve": "approve",
    "rework": "return_for_rework",
    "request": "request_publication",
    "record": "record_publication",
    "clarification": "record_clarification",
    "return": "return_to_curator",
    "failure": "record_publication_failure",
    "escalate": "escalate",
    "link": "link_repeat",
    "exclude": "exclude",
    "close": "close",
    "detect": "detect",
}
"""Our short names -> the regulation's command names."""
PROGRESS = tuple(NAMES)[:10]
DETOURS = ("route", *tuple(NAMES)[10:14], *tuple(NAMES)[10:16])
"""The side steps: routing again, returns, failures...; ending the case is rarer."""
STEPS = ("advance", "advance", "advance", "advance", "anything", "anything", "detect")
"""What a step does, in proportion."""


T = TypeVar("T")


class _Base(TypedDict):
    case_id: str
    actor: str
    at: dt.datetime


class CaseLives(RuleBasedStateMachine):
    """Commands of any kind, by anyone, at any time, on a few cases."""

    def __init__(self) -> None:
        super().__init__()
        self.regulation = REGULATION
        self.wt: WorkingTime = REGULATION.effective.working_time.build()
        self.cases: dict[str, Case] = {}
        self.stores: dict[str, list[Event]] = {}
        self.now = FIRST_DAY
        self.touched: set[str] = set()
        """The cases the last step concerned: the invariants check these."""
        self.running: dict[str, tuple[DeadlineState, ...]] = {}
        """Each case's deadlines as of ``now``, from the running case."""
        self.seen: list[tuple[str, int, dt.datetime, tuple[DeadlineState, ...]]] = []
        """(case, events so far, instant, its deadlines then) after every step."""

    @initialize(reading=st.sampled_from(sorted(READINGS)), start=st.integers(0, 40 * 24 * 60))
    def first_case(self, reading: str, start: int) -> None:
        self.regulation = READINGS[reading]
        self.wt = self.regulation.effective.working_time.build()
        self.now = FIRST_DAY + dt.timedelta(minutes=start)
        detect = Detect(case_id="case-1", actor=CURATOR, at=self.now, message=message(self.now))
        case, events = handle(self.regulation, ORG, None, detect)
        self.cases[case.id] = case
        self.stores[case.id] = list(events)
        self._after_step(case.id)

    # -- the steps -----------------------------------------------------------

    @rule(what=st.sampled_from(STEPS), data=st.data())
    def act(self, what: str, data: st.DataObject) -> None:
        """Mostly move a case along; otherwise anything, or detect another message."""
        if what == "detect" and len(self.cases) < MAX_CASES:
            touched = self._detect(data)
        elif what == "advance" and any(case.is_open for case in self.cases.values()):
            touched = self._advance(data)
        else:
            touched = self._anything(data)
        self._after_step(touched)

    def _after_step(self, case_id: str | None) -> None:
        self.touched = {case_id} if case_id else set()
        if case_id:
            case = self.cases[case_id]
            running = deadlines(case, self.regulation, self.wt, self.now, organization=ORG)
            self.running[case_id] = running
            self.seen.append((case_id, len(case.events), self.now, running))

    def _detect(self, data: st.DataObject) -> str | None:
        """Another message, detected by the curator or someone else, from a platform or not."""
        draw = data.draw
        role = draw(st.sampled_from(("curator", "stranger", "deputy", "other-head")), label="role")
        platforms = (Platform.VK, Platform.OK, Platform.TELEGRAM)
        platform = draw(st.sampled_from(platforms), label="platform")
        self.now = at = self.now + dt.timedelta(minutes=draw(st.sampled_from(FORWARD), "minutes"))
        case_id = f"case-{len(self.cases) + 1}"
        actor = self._person(role, None, data, at)
        command = Detect(
            case_id=case_id, actor=actor, at=at, message=message(at, platform=platform)
        )
        note(f"{_describe(command)} from {platform.value}")
        refusal = None
        if actor != CURATOR:
            refusal = f"{actor} is not the curator"
        elif platform not in self.regulation.platforms:
            refusal = f"{platform.value} is not covered"
        try:
            case, events = handle(self.regulation, ORG, None, command)
        except CommandRefused as exc:
            note(f"  refused: {exc}")
            return None
        note(f"  accepted: {case.stage}")
        assert refusal is None, f"accepted although {refusal}"
        self.cases[case_id] = case
        self.stores[case_id] = list(events)
        return case_id

    def _advance(self, data: st.DataObject) -> str:
        """A command the case's stage allows, by someone holding the role, with sound contents."""
        draw = data.draw
        open_cases = sorted(ident for ident, case in self.cases.items() if case.is_open)
        case = self.cases[draw(st.sampled_from(open_cases), label="case")]
        permissions = self.regulation.effective.permissions

        def allowed(kinds: tuple[str, ...]) -> list[str]:
            return [
                kind
                for kind in kinds
                if any(case.stage in p.stages for p in permissions.get(NAMES[kind], ()))
            ]

        detour = draw(st.integers(0, 9), label="detour") == 0
        progress = [kind for kind in allowed(PROGRESS) if _useful(kind, case)]
        kinds = (allowed(DETOURS) if detour else progress) or allowed(PROGRESS + DETOURS)
        kind = draw(st.sampled_from(kinds), label="kind")
        step = draw(st.sampled_from(FORWARD), label="minutes")
        at = self._time(case, step, draw(st.booleans(), label="snap to working time"))
        roles = sorted({role for p in permissions[NAMES[kind]] for role in p.roles})
        role = draw(st.sampled_from(roles), label="role")
        department, actor = self._holder(role, kind, case, at, data)
        base = _Base(case_id=case.id, actor=actor, at=at)
        command, refusal = self._build(kind, case, base, department, data, sound=True)
        self._issue(case, command, refusal)
        return case.id

    def _anything(self, data: st.DataObject) -> str:
        """Any command, by anyone of the pool, with contents sometimes blank or wrong."""
        draw = data.draw
        open_cases = [ident for ident, case in sorted(self.cases.items()) if case.is_open]
        case = self.cases[draw(st.sampled_from([*open_cases, *self.cases]), label="case")]
        kind = draw(st.sampled_from(tuple(NAMES)), label="kind")
        role = draw(st.sampled_from(ROLES), label="role")
        step = draw(st.sampled_from(FORWARD + BACK), label="minutes")
        at = self._time(case, step, draw(st.booleans(), label="snap to working time"))
        actor = self._person(role, case, data, at)
        pool = [*case.departments, *DEPARTMENTS, "nowhere"]
        department = draw(st.sampled_from(pool), label="department")
        base = _Base(case_id=case.id, actor=actor, at=at)
        command, refusal = self._build(kind, case, base, department, data, sound=False)
        if role in ("deputy", "stranger", "other-head"):
            refusal = f"{actor} ({role}) has no role in the case"
        self._issue(case, command, refusal)
        return case.id

    # -- the promises --------------------------------------------------------

    @invariant()
    def the_store_replays_to_the_case_and_verifies(self) -> None:
        for case_id in self.touched:
            store = self.stores[case_id]
            assert replay(store) == self.cases[case_id]
            assert verify(store) == len(store)
            assert [e.seq for e in store] == list(range(1, len(store) + 1))

    @invariant()
    def a_published_draft_was_approved_after_its_submission(self) -> None:
        for store in (self.stores[case_id] for case_id in self.touched):
            submitted: set[int] = set()
            approved: set[int] = set()
            for event in store:
                number = getattr(event.data, "number", None)
                if event.type == "draft_submitted":
                    assert number is not None
                    submitted.add(number)
                elif event.type == "approved":
                    assert number in submitted, f"draft {number} approved before its submission"
                    approved.add(number)
                elif event.type == "published":
                    assert number in approved, f"draft {number} published without approval"

    @invariant()
    def nothing_follows_an_exclusion_or_a_closure(self) -> None:
        for store in (self.stores[case_id] for case_id in self.touched):
            ends = [i for i, e in enumerate(store) if e.type in ("excluded", "closed")]
            assert ends in ([], [len(store) - 1]), [e.type for e in store]

    @invariant()
    def deadlines_from_scratch_equal_the_running_ones(self) -> None:
        for case_id in self.touched:
            scratch = replay(self.stores[case_id])
            recomputed = deadlines(scratch, self.regulation, self.wt, self.now, organization=ORG)
            assert recomputed == self.running[case_id]

    @invariant()
    def the_index_next_change_is_the_earliest_status_change(self) -> None:
        # What the case index stores (next_change, cheap and remembered across calls)
        # against what the full deadline states imply.
        instant = dt.timedelta(microseconds=1)
        for case_id in self.touched:
            upcoming = [
                moment
                for state in self.running[case_id]
                if state.status in (Status.PENDING, Status.WARNING)
                for moment in (*state.warnings, state.due + instant)
                if moment > self.now
            ]
            expected = min(upcoming, default=None)
            case = self.cases[case_id]
            assert next_change(case, self.regulation, self.now) == expected
            assert next_change(case, self.regulation, self.now, self.wt) == expected

    @invariant()
    def working_deadlines_fall_in_working_time(self) -> None:
        rules = self.regulation.effective.deadline
        for case_id in self.touched:
            for state in self.running[case_id]:
                if rules[state.id].basis is not Basis.WORKING:
                    continue
                day = self.wt.to_local(state.due).date()
                closes = {end for _start, end in self.wt.working_intervals(day)}
                assert self.wt.is_working(state.due) or state.due in closes, (
                    f"{state.id} due {self.wt.to_local(state.due)}, outside working time"
                )

    def teardown(self) -> None:
        for case_id, count, at, seen in self.seen:
            prefix = replay(self.stores[case_id][:count])
            assert deadlines(prefix, self.regulation, self.wt, at, organization=ORG) == seen, (
                f"{case_id}: the deadlines at {at} after {count} events differ from those seen"
            )

    # -- helpers -------------------------------------------------------------

    def _issue(self, case: Case, command: Command, refusal: str | None) -> None:
        last = case.events[-1].at
        if not case.is_open:
            refusal = f"the case is {case.stage}"
        elif command.at < last:
            refusal = "time went back"
        note(_describe(command))
        before = attrs.evolve(case, executors=dict(case.executors))
        refused: CommandRefused | None = None
        try:
            after, events = handle(self.regulation, ORG, case, command)
        except CommandRefused as exc:
            note(f"  refused: {exc}")
            refused = exc
        if refused is not None:
            assert case == before, "a refused command changed the case"
            assert refused.clause in self._clauses(command.name), (
                f"refusal cites {refused.clause!r}"
            )
            return
        note(f"  accepted: {', '.join(e.type for e in events)} -> {after.stage}")
        assert refusal is None, f"accepted although {refusal}"
        assert events, "an accepted command made nothing happen"
        assert after.events == (*case.events, *events)
        for event in events:
            assert (event.case_id, event.actor, event.at) == (case.id, command.actor, command.at)
            assert event.clause in self._clauses(command.name), (
                f"{event.type} cites {event.clause!r}"
            )
        targets = self._targets(command.name, case.stage)
        assert after.stage in targets, (
            f"{command.name} moved the case from {case.stage!r} to {after.stage!r}; "
            f"the regulation's permissions say {' or '.join(sorted(targets))}"
        )
        self.stores[case.id].extend(events)
        self.cases[case.id] = after

    def _clauses(self, name: str) -> set[str]:
        """The clauses a command may cite: the regulation's, and none ("") for a step no
        clause provides (closing)."""
        rules = self.regulation.effective.permissions.get(name, ())
        uncited = any(p.citation is None for p in rules)
        return set(self.regulation.clauses) | ({""} if uncited else set())

    def _targets(self, name: str, stage: str) -> set[str]:
        """The stages the permissions for ``name`` at ``stage`` lead to; a permission whose
        ``leads_to`` are its ``stages`` keeps the case where it is (as the rendered spec says)."""
        targets: set[str] = set()
        for permission in self.regulation.effective.permissions.get(name, ()):
            if stage in permission.stages:
                keeps = set(permission.leads_to) == set(permission.stages)
                targets.update((stage,) if keeps else permission.leads_to)
        return targets

    def _time(self, case: Case, step: int, snap: bool) -> dt.datetime:
        last = case.events[-1].at
        if step < 0:
            return last + dt.timedelta(minutes=step)
        at = max(self.now, last) + dt.timedelta(minutes=step)
        if snap:
            at = self.wt.next_working_instant(at)
        self.now = at
        return at

    def _holder(
        self, role: str, kind: str, case: Case, at: dt.datetime, data: st.DataObject
    ) -> tuple[str, str]:
        """A department fitting ``kind`` and the person holding ``role`` for it."""
        routed = list(case.departments)
        if kind == "assign":
            pool = [d for d in routed if d not in case.executors] or routed
        elif kind == "contribute":
            pool = sorted(case.opened - case.contributed) or [d for d in routed if d != case.lead]
        else:
            pool = routed
        department = data.draw(st.sampled_from(pool or list(DEPARTMENTS)), label="department")
        day = at.astimezone(ZONE).date()
        if role == "department_head":
            return department, HEADS[department]
        if role == "co_executor":
            assigned = case.executors.get(department, DEPARTMENT_EXECUTORS[department][0])
            return department, ORG.on_duty(department, assigned, day)
        lead = case.lead
        if role == "executor" and lead is not None and lead in case.executors:
            return department, ORG.on_duty(lead, case.executors[lead], day)
        return department, CURATOR

    def _person(self, role: str, case: Case | None, data: st.DataObject, at: dt.datetime) -> str:
        routed = case.departments if case is not None else ()
        day = at.astimezone(ZONE).date()
        executors = dict(case.executors) if case is not None else {}
        candidates: list[str] = []
        if role == "curator":
            candidates = [CURATOR]
        elif role == "lead-executor" and case is not None and case.lead_executor:
            candidates = [case.lead_executor]
        elif role == "executor":
            candidates = [p for d in routed for p in DEPARTMENT_EXECUTORS[d]]
        elif role == "acting-executor":
            candidates = [ORG.on_duty(d, p, day) for d, p in executors.items()]
        elif role == "routed-head":
            candidates = [HEADS[d] for d in routed]
        elif role == "other-head":
            candidates = [HEADS[d] for d in DEPARTMENTS if d not in routed]
        elif role == "deputy":
            candidates = [DEPUTY]
        elif role == "stranger":
            candidates = [STRANGER]
        return data.draw(st.sampled_from(candidates or [CURATOR]), label=f"{role} person")

    def _build(
        self,
        kind: str,
        case: Case,
        base: _Base,
        department: str,
        data: st.DataObject,
        *,
        sound: bool,
    ) -> tuple[Command, str | None]:
        """A command of ``kind`` with drawn contents, and why it must be refused (or None)."""
        draw = data.draw

        def pick(good: Sequence[T], anything: Sequence[T], label: str) -> T:
            return draw(st.sampled_from(good if sound else anything), label=label)

        routed = case.departments
        text = pick(GOOD_TEXTS, TEXTS, "text")
        command: Command
        blank = not text.strip()
        if kind == "detect":
            return Detect(**base, message=message(base["at"])), "the case exists"
        if kind == "classify":
            limit = pick(LIMITS[:3], LIMITS, "answer limit")
            known = TOPICS[:-1] if sound else TOPICS
            topics = st.lists(st.sampled_from(known), min_size=sound, max_size=2, unique=True)
            importance = pick(
                self.regulation.importance, (*self.regulation.importance, "?"), "importance"
            )
            command = Classify(
                **base,
                topics=tuple(draw(topics, label="topics")),
                location=draw(st.sampled_from((None, "Северный")), label="location"),
                importance=importance,
                answer_limit=Period.parse(limit) if limit else None,
                significant=draw(st.booleans(), label="significant"),
                confirm_tight=draw(st.booleans(), label="confirm_tight"),
            )
            return command, None if command.topics and command.location else "no topic or place"
        if kind == "route":
            route = self._route(base, data, sound=sound)
            named = {d for group in route.order for d in group}
            # the order is never rewritten: one naming the lead (who sends no part of its
            # own under the default reading of п. 15) is refused
            lead_named = len(route.departments) > 1 and route.lead in named
            return route, "the order names the lead" if lead_named else None
        if kind == "assign":
            own = DEPARTMENT_EXECUTORS.get(department, ())
            executor = pick(own or [STRANGER], [*own, "kozlova", STRANGER], "executor")
            command = AssignExecutor(**base, department=department, executor=executor)
            return command, None if department in routed else "not routed there"
        if kind == "contribute":
            command = SubmitContribution(**base, department=department, text=text)
            return command, "a blank part" if blank else None
        if kind == "submit":
            command = SubmitDraft(
                **base,
                kind=pick(SOUND_KINDS[case.stage == "interim_published"], tuple(DraftKind), "kind"),
                text=text,
                measures=pick(MEASURES[:1], MEASURES, "measures"),
            )
            return command, "a blank draft" if blank else None
        if kind == "approve":
            return ApproveDraft(**base, remarks=text), None
        if kind == "rework":
            return ReturnForRework(**base, remarks=text), "no remarks" if blank else None
        if kind == "request":
            return RequestPublication(**base), None
        if kind == "record":
            external_id = pick(("77",), ("77", "", " "), "external id")
            command = RecordPublication(**base, external_id=external_id)
            return command, None if external_id.strip() else "no external id"
        if kind == "clarification":
            return RecordClarification(**base, text=text), None
        if kind == "return":
            command = ReturnToCurator(**base, department=department, reason=text)
            return command, "no reason" if blank else None
        if kind == "failure":
            permanent = draw(st.booleans(), label="permanent")
            return RecordPublicationFailure(**base, reason="закрыты", permanent=permanent), None
        if kind == "escalate":
            reason = pick(("significant", "surge"), ("significant", "surge", "whim"), "reason")
            deputies = pick(((), (DEPUTY,)), ((), (DEPUTY,), ("orlova",), (STRANGER,)), "deputies")
            command = Escalate(**base, reason=reason, deputies=deputies)
            return command, "an unknown reason" if reason == "whim" else None
        if kind == "link":
            others = [c for c in sorted(self.cases) if c != case.id]
            previous = pick([*others, "case-0"], [*others, "case-0", "", case.id], "previous")
            command = LinkRepeat(**base, previous_case_id=previous)
            return command, "no earlier case" if previous in ("", case.id) else None
        if kind == "exclude":
            category = pick(("obscene", "insult"), ("obscene", "insult", "spam"), "category")
            command = Exclude(**base, category=category, evidence=text)
            return command, "an unknown category" if category == "spam" else None
        assert kind == "close", kind
        reason = pick(("deleted", "withdrawn"), ("deleted", "", "повтор"), "close reason")
        unanswered = reason not in ("deleted", "withdrawn") and case.stage != "answered"
        wrong = reason not in ("deleted", "withdrawn", "")
        command = Close(**base, reason=reason, note=text)
        return command, "no reason of the list" if unanswered or wrong else None

    def _route(self, base: _Base, data: st.DataObject, *, sound: bool) -> Route:
        draw = data.draw
        count = draw(st.integers(1, 3), label="how many departments")
        chosen = st.lists(st.sampled_from(DEPARTMENTS), min_size=count, max_size=count, unique=True)
        departments = tuple(draw(chosen, label="departments"))
        leads = [*departments] if sound else [*departments, None, "nowhere"]
        lead = draw(st.sampled_from(leads), label="lead")
        hows = ("given", "default", "with lead") + (() if sound else ("missing one",))
        how = draw(st.sampled_from(hows), label="order")
        order: tuple[tuple[str, ...], ...] = ()
        if how != "default" and len(departments) > 1:
            others = [d for d in departments if d != lead]
            shuffled = draw(st.permutations(others), label="order")
            cuts = draw(st.lists(st.booleans(), min_size=len(others), max_size=len(others)))
            groups: list[list[str]] = [[]]
            for ident, cut in zip(shuffled, cuts, strict=True):
                if cut and groups[-1]:
                    groups.append([])
                groups[-1].append(ident)
            if how == "missing one":
                groups[-1][-1:] = []
            if how == "with lead" and lead is not None and lead in departments:
                groups[0].append(lead)
            order = tuple(tuple(group) for group in groups)
        tight = draw(st.booleans(), label="confirm_tight")
        return Route(**base, departments=departments, order=order, lead=lead, confirm_tight=tight)


def _useful(kind: str, case: Case) -> bool:
    """False for a step whose precondition is plainly missing (no part is due, no question)."""
    if kind == "contribute":
        return bool(case.opened - case.contributed)
    if kind == "clarification":
        return case.clarification_pending
    if kind == "route":
        return case.stage == "classified"
    return True


def _describe(command: Command) -> str:
    shown = ", ".join(
        f"{f.name}={getattr(command, f.name)!r}"
        for f in attrs.fields(type(command))
        if f.name not in ("case_id", "actor", "at", "message")
    )
    when = f"{command.at:%a %d.%m.%Y %H:%M}"
    return f"{command.name} {command.case_id} by {command.actor} at {when} ({shown})"


CaseLives.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestCaseLives = CaseLives.TestCase
