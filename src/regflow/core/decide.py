"""``decide``: a command, checked against the rules, becomes events -- or is refused.

Pure: no I/O, no clock. A refused command raises
:class:`~regflow.errors.PermissionDenied` or :class:`~regflow.errors.RuleViolation`
citing the clause, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from regflow.core.case import Case, Draft, evolve
from regflow.core.commands import (
    ApproveDraft,
    AssignExecutor,
    Classify,
    Close,
    Command,
    Detect,
    Escalate,
    Exclude,
    LinkRepeat,
    RecordClarification,
    RecordPublication,
    RecordPublicationFailure,
    RequestPublication,
    ReturnForRework,
    ReturnToCurator,
    Route,
    SubmitContribution,
    SubmitDraft,
)
from regflow.core.events import (
    GENESIS,
    Approved,
    ClarificationReceived,
    Classified,
    Closed,
    ContributionCancelled,
    ContributionOpened,
    ContributionSubmitted,
    Detected,
    DraftSubmitted,
    Escalated,
    Event,
    Excluded,
    ExecutorAssigned,
    Payload,
    PublicationFailed,
    PublicationRequested,
    Published,
    RepeatLinked,
    ReturnedForRework,
    ReturnedToCurator,
    Routed,
)
from regflow.core.organization import Organization
from regflow.errors import (
    NoExecutorAvailable,
    NotAnExecutor,
    PermissionDenied,
    RuleViolation,
)
from regflow.rules.kinds import Deadline, Period, Permission, TooShort
from regflow.rules.regulation import Regulation
from regflow.rules.vocabulary import DraftKind

__all__ = ["case_roles", "decide", "handle"]


@attrs.frozen
class _Context:
    regulation: Regulation
    org: Organization
    case: Case
    day: dt.date
    clause: str
    """The clause of the permission the command is issued under."""

    @property
    def co(self) -> str:
        """The clause on several executors."""
        return self.regulation.co_execution.citation.clause

    @property
    def lead_contributes(self) -> bool:
        """Whether the lead sends a part of its own in the curator's order (a reading of п. 15)."""
        return self.regulation.effective.co_execution.lead_contributes

    @property
    def form(self) -> str:
        """The clause on the answer's form."""
        return self.regulation.effective.answer_form.citation.clause

    @property
    def repeat(self) -> str:
        """The clause on answers to repeat messages."""
        form = self.regulation.effective.answer_form
        return (form.repeat_citation or form.citation).clause

    def refuse(self, message: str, clause: str, command: Command) -> RuleViolation:
        return RuleViolation(message, clause=clause, case_id=self.case.id, command=command.name)


def _local_day(org: Organization, at: dt.datetime) -> dt.date:
    return at.astimezone(zoneinfo.ZoneInfo(org.timezone)).date()


def case_roles(
    org: Organization,
    case: Case | None,
    command: Command,
    day: dt.date,
    *,
    lead_contributes: bool = False,
) -> frozenset[str]:
    """The roles ``command.actor`` holds in ``case`` for this command.

    A department head is a head only for the departments the case is routed
    to (and, for a department-specific command, for that department); the
    executor is the lead department's executor on duty; a co-executor is the
    executor on duty of another routed department -- and, with
    ``lead_contributes`` (the regulation's reading of п. 15), the lead's
    executor for a command naming the lead's own department (its own part).
    """
    actor = command.actor
    roles: set[str] = set()
    if actor in org.curators:
        roles.add("curator")
    if any(d.person == actor for d in org.deputies):
        roles.add("deputy_mayor")
    if case is None:
        return frozenset(roles)
    department = getattr(command, "department", None)
    scope = (department,) if department is not None else case.departments
    for ident in scope:
        if ident in case.departments and org.department(ident).head == actor:
            roles.add("department_head")
    for ident, assigned in case.executors.items():
        if org.on_duty(ident, assigned, day) != actor:
            continue
        if ident == case.lead:
            roles.add("executor")
            if lead_contributes and department == ident:
                roles.add("co_executor")
        elif department is None or department == ident:
            roles.add("co_executor")
    return frozenset(roles)


def decide(
    regulation: Regulation,
    org: Organization,
    case: Case | None,
    command: Command,
    *,
    received_at: dt.datetime | None = None,
    imported: bool = False,
) -> tuple[Event, ...]:
    """The events ``command`` makes happen to ``case`` (``None`` before detection).

    ``received_at`` (when the service received the command, by its clock) and
    ``imported`` (taken in from another system's history) are recorded on the events
    beside the time the command declares (:class:`~regflow.core.events.Event`).

    Raises:
        PermissionDenied: the actor lacks the role, is not the department's
            head or the case's executor, or is absent.
        RuleViolation: a step out of order, missing or bad content, a closed case.
    """
    return _decide(regulation, org, case, command, received_at, imported)[0]


def _decide(
    regulation: Regulation,
    org: Organization,
    case: Case | None,
    command: Command,
    received_at: dt.datetime | None,
    imported: bool,
) -> tuple[tuple[Event, ...], Case]:
    """:func:`decide`, with the case after the events (worked out to check the move)."""
    name = command.name
    stage = "new" if case is None else case.stage
    permissions = regulation.effective.permissions.get(name, ())
    case_id = command.case_id
    if case is not None:
        if case.id != case_id:
            raise ValueError(f"command for case {case_id!r} given case {case.id!r}")
        if not case.is_open:
            if case.stage == "excluded":
                clause = regulation.exclusion.citation.clause
            else:
                clause = _clause(permissions)
            raise RuleViolation(
                f"the case is {case.stage}; nothing more can happen to it",
                clause=clause,
                case_id=case_id,
                command=name,
            )
        if command.at < case.events[-1].at:
            raise RuleViolation(
                f"{command.at.isoformat()} is before the case's last event "
                f"({case.events[-1].at.isoformat()})",
                clause=_clause(permissions),
                case_id=case_id,
                command=name,
            )
    elif not isinstance(command, Detect):
        raise RuleViolation(
            "no such case: a case starts with its detection",
            clause=_clause(regulation.effective.permissions.get("detect", ())),
            case_id=case_id,
            command=name,
        )
    day = _local_day(org, command.at)
    contributes = regulation.effective.co_execution.lead_contributes
    roles = case_roles(org, case, command, day, lead_contributes=contributes)
    allowed = [p for p in permissions if roles & set(p.roles)]
    if not allowed:
        needed = sorted({role for p in permissions for role in p.roles})
        raise PermissionDenied(
            f"{command.actor} ({', '.join(sorted(roles)) or 'no role in this case'}) may not "
            f"{name.replace('_', ' ')}; it takes: {', '.join(needed) or 'nobody'}"
            + _absence_hint(org, case, command, day),
            clause=_clause(permissions),
            case_id=case_id,
            command=name,
        )
    if not any(stage in p.stages for p in allowed):
        stages = sorted({s for p in allowed for s in p.stages})
        raise RuleViolation(
            f"not at stage {stage!r}; allowed at {', '.join(stages)}",
            clause=_clause(allowed),
            case_id=case_id,
            command=name,
        )
    receipt: dict[str, Any] = {"received_at": received_at, "imported": imported}
    here = [p for p in allowed if stage in p.stages]
    if case is None:
        assert isinstance(command, Detect)
        events = _detect(regulation, org, command, receipt)
    else:
        context = _Context(regulation, org, case, day, _clause(here))
        handler = _HANDLERS[type(command)]
        payloads = list(handler(context, command))
        built = []
        previous, seq = case.last_hash, case.version
        for clause, payload in payloads:
            seq += 1
            event = Event.make(
                case_id, seq, command.at, command.actor, clause, payload, previous, **receipt
            )
            built.append(event)
            previous = event.hash
        events = tuple(built)
    return events, _check_move(here, case, stage, events, command)


def _check_move(
    here: list[Permission],
    case: Case | None,
    stage: str,
    events: tuple[Event, ...],
    command: Command,
) -> Case:
    """The case after ``events``; refuse a command whose result the regulation's permissions
    do not declare: the stage graph they draw is the one that runs."""
    after = case
    for event in events:
        after = evolve(after, event)
    assert after is not None
    declared = {target for permission in here for target in permission.targets(stage)}
    if after.stage not in declared:
        raise RuleViolation(
            f"this would move the case from {stage!r} to {after.stage!r}, which the "
            f"regulation's permissions for {command.name!r} do not provide (from {stage!r} "
            f"they lead to {', '.join(sorted(declared))})",
            clause=_clause(here),
            case_id=command.case_id,
            command=command.name,
        )
    return after


def handle(
    regulation: Regulation,
    org: Organization,
    case: Case | None,
    command: Command,
    *,
    received_at: dt.datetime | None = None,
    imported: bool = False,
) -> tuple[Case, tuple[Event, ...]]:
    """:func:`decide`, then the case after its events."""
    events, after = _decide(regulation, org, case, command, received_at, imported)
    return after, events


def _clause(permissions: Any) -> str:
    """The clause of the first permission; ``""`` for one no clause provides."""
    if not permissions:
        return "(no permission rule)"
    citation = permissions[0].citation
    return citation.clause if citation is not None else ""


def _absence_hint(org: Organization, case: Case | None, command: Command, day: dt.date) -> str:
    if case is None:
        return ""
    for ident, assigned in case.executors.items():
        if assigned == command.actor and not org.is_present(assigned, day):
            on_duty = org.on_duty(ident, assigned, day)
            return f"; {assigned} is absent on {day.isoformat()}, {on_duty} acts (п. 6)"
    return ""


def _detect(
    regulation: Regulation, org: Organization, command: Detect, receipt: dict[str, Any]
) -> tuple[Event, ...]:
    message = command.message
    clause = _clause(regulation.effective.permissions.get("detect", ()))
    if message.platform.value not in {p.value for p in regulation.platforms}:
        raise RuleViolation(
            f"platform {message.platform.value!r} is not among the sources this regulation "
            f"covers ({', '.join(p.value for p in regulation.platforms)})",
            clause=regulation.sources_clause or clause,
            case_id=command.case_id,
            command=command.name,
        )
    day = _local_day(org, command.at)
    if not regulation.in_force(day):
        raise RuleViolation(
            f"regulation {regulation.id} {regulation.version} is not in force on {day}",
            clause=clause,
            case_id=command.case_id,
            command=command.name,
        )
    payload = Detected(message, f"{regulation.id}@{regulation.version}", org.id, command.screening)
    event = Event.make(
        command.case_id, 1, command.at, command.actor, clause, payload, GENESIS, **receipt
    )
    return (event,)


Handler = Callable[[_Context, Any], Iterator[tuple[str, Payload]]]


def _applied(rule: Deadline, explicit: Period | None, importance: str | None) -> Period:
    """The limit of a shortenable deadline (п. 7) under a classification: the curator's own
    for the message, else the importance category's, else the rule's."""
    if rule.per_message and explicit is not None:
        return explicit
    if importance is not None and importance in rule.by_importance:
        return rule.by_importance[importance]
    return rule.limit


def _shortened(
    regulation: Regulation, explicit: Period | None, importance: str | None
) -> Iterator[tuple[Deadline, Period]]:
    """``(rule, limit)`` for each shortenable deadline (п. 7) that a shorter limit changes."""
    for rule in regulation.effective.deadlines:
        limit = _applied(rule, explicit, importance)
        if limit != rule.limit:
            yield rule, limit


def _check_shortening(
    ctx: _Context, command: Classify, explicit: Period | None, importance: str | None
) -> None:
    """п. 7 lets the curator respond "в сокращенный срок": a limit may be shortened, never
    lengthened -- neither by a per-message limit nor by a re-classification."""
    case = ctx.case
    classified = any(isinstance(e.data, Classified) for e in case.events)
    for rule in ctx.regulation.effective.deadlines:
        if command.answer_limit is not None and rule.per_message:
            limit = command.answer_limit
            ceiling = _applied(rule, None, importance)
            if not limit.minutes and not limit.days:
                raise ctx.refuse(
                    f"a '{rule.id}' limit of {limit} leaves no time", ctx.clause, command
                )
            if bool(limit.days) != bool(ceiling.days):
                raise ctx.refuse(
                    f"the '{rule.id}' limit is counted in {'days' if ceiling.days else 'hours'}, "
                    f"like its {ceiling}; got {limit}",
                    ctx.clause,
                    command,
                )
            if limit > ceiling:
                whose = (
                    f"importance {importance!r} sets" if ceiling != rule.limit else "the rule sets"
                )
                raise ctx.refuse(
                    f"the curator may only shorten the '{rule.id}' limit: {limit} is longer "
                    f"than the {ceiling} {whose}",
                    ctx.clause,
                    command,
                )
        if classified and (rule.per_message or rule.by_importance):
            before = _applied(rule, case.answer_limit, case.importance)
            after = _applied(rule, explicit, importance)
            if after.as_timedelta() > before.as_timedelta():
                raise ctx.refuse(
                    f"a re-classification cannot lengthen the '{rule.id}' limit from {before} to "
                    f"{after}; set answer_limit to keep it",
                    ctx.clause,
                    command,
                )


def _tight(
    ctx: _Context, command: Command, explicit: Period | None, importance: str | None, step: str
) -> tuple[Deadline, str] | None:
    """The first shortened rule that leaves a deadline counted back from it at or before
    ``command.at``, with the words saying so; ``None`` when every one leaves time."""
    regulation = ctx.regulation
    wt = regulation.effective.calendar
    case = ctx.case
    for rule, limit in _shortened(regulation, explicit, importance):
        if isinstance(command, Classify) and limit == _applied(
            rule, case.answer_limit, case.importance
        ):
            continue  # a re-classification that keeps the limit in force sets nothing new
        due = wt.add(
            ctx.case.detected_at, limit.duration(rule.basis_for(importance), rule.counting)
        )
        for relative in regulation.effective.deadlines:
            if relative.before != rule.id:
                continue
            relative_due = wt.subtract(
                due, relative.limit.duration(relative.basis_for(importance), relative.counting)
            )
            if relative_due <= command.at:
                return rule, (
                    f"the shortened {limit} '{rule.id}' limit puts the '{relative.id}' deadline "
                    f"at {relative_due.isoformat()}, at or before {step}"
                )
    return None


def _check_tight(
    ctx: _Context, command: Command, explicit: Period | None, importance: str | None, step: str
) -> bool:
    """Refuse a shortened limit that leaves a deadline counted back from it no time, unless
    the rule's reading waives that deadline and the curator confirms (``confirm_tight``).

    Returns True when such a limit is accepted (confirmed and waived).
    """
    found = _tight(ctx, command, explicit, importance, step)
    if found is None:
        return False
    rule, words = found
    if rule.too_short is TooShort.REFUSE:
        raise ctx.refuse(
            f"{words}: nobody could meet it, so the limit is refused; choose a longer one",
            ctx.clause,
            command,
        )
    if not getattr(command, "confirm_tight", False):
        raise ctx.refuse(
            f"{words}; confirm it (confirm_tight=True) to accept, and that deadline is not owed",
            ctx.clause,
            command,
        )
    return True


def _classify(ctx: _Context, command: Classify) -> Iterator[tuple[str, Payload]]:
    regulation = ctx.regulation
    rule = regulation.classification
    clause = rule.citation.clause if rule is not None else ctx.clause
    if not command.topics:
        raise ctx.refuse("a message needs at least one topic", clause, command)
    if (rule is None or rule.require_location) and not (command.location or "").strip():
        raise ctx.refuse(
            "name the location the message is about (п. 7: topic, location and importance)",
            clause,
            command,
        )
    importance = command.importance
    if importance is None and rule is not None:
        importance = rule.default_importance
    if importance is None:
        if rule is None or rule.require_importance:
            raise ctx.refuse(
                f"choose the importance category: {', '.join(regulation.importance)}",
                clause,
                command,
            )
    elif importance not in regulation.importance:
        raise ctx.refuse(
            f"unknown importance {importance!r}; the categories are "
            f"{', '.join(regulation.importance)}",
            clause,
            command,
        )
    explicit = command.answer_limit if command.answer_limit is not None else ctx.case.answer_limit
    _check_shortening(ctx, command, explicit, importance)
    waived = _check_tight(ctx, command, explicit, importance, "classification")
    yield (
        ctx.clause,
        Classified(
            command.topics,
            command.location,
            importance,
            explicit,
            command.significant,
            waived,
        ),
    )


def _order(
    ctx: _Context,
    command: Route,
    departments: tuple[str, ...],
    lead: str,
    order: tuple[tuple[str, ...], ...],
) -> tuple[tuple[str, ...], ...]:
    """The curator's order of contributions, checked, never rewritten (п. 15(1)): every
    contributing department once, in non-empty groups. Whether the lead contributes is the
    regulation's reading (``co_execution.lead_contributes``)."""
    listed = [d for group in order for d in group]
    if not ctx.lead_contributes and lead in listed:
        raise ctx.refuse(
            f"the order names the lead {lead!r}, whose executor prepares the joint draft from "
            "the others' parts: under this regulation it sends no part of its own, so leave "
            "it out of the order",
            ctx.co,
            command,
        )
    expected = departments if ctx.lead_contributes else tuple(d for d in departments if d != lead)
    if sorted(listed) != sorted(expected) or any(not group for group in order):
        who = (
            "every department, the lead too,"
            if ctx.lead_contributes
            else ("every department but the lead")
        )
        raise ctx.refuse(
            f"the order must list {who} exactly once, in non-empty groups", ctx.co, command
        )
    return order


def _route(ctx: _Context, command: Route) -> Iterator[tuple[str, Payload]]:
    case = ctx.case
    added = command.departments
    if not added:
        raise ctx.refuse("route to at least one department", ctx.clause, command)
    if len(set(added)) != len(added):
        raise ctx.refuse("a department is named twice", ctx.clause, command)
    known = {d.id for d in ctx.org.departments}
    for ident in added:
        if ident not in known:
            raise ctx.refuse(f"no department {ident!r} in {ctx.org.id}", ctx.clause, command)
    # departments still working on the message may be named again: they stay as they are
    added = tuple(d for d in added if d not in case.departments)
    if not added:
        raise ctx.refuse("the message is already routed to all of these", ctx.clause, command)
    departments = (*case.departments, *added)
    preparer = command.preparer
    named_lead = command.lead
    if preparer is not None:
        # п. 15(4): the curator appoints the executor who prepares the joint answer; the
        # department that person works for leads
        if len(departments) < 2:
            raise ctx.refuse(
                "the curator appoints the preparer of a joint answer of several departments; "
                "one department's head designates its executor (п. 6)",
                ctx.co,
                command,
            )
        own = [d for d in departments if preparer in ctx.org.department(d).executors]
        if not own:
            raise ctx.refuse(
                f"{preparer!r} is not an executor of {', '.join(departments)}: the curator "
                "appoints the preparer among the executors of the routed departments",
                ctx.co,
                command,
            )
        if named_lead is not None and named_lead not in own:
            raise ctx.refuse(
                f"{preparer!r} is not an executor of the lead {named_lead!r}: the appointed "
                "preparer's department leads",
                ctx.co,
                command,
            )
        named_lead = named_lead or own[0]
    if case.lead is not None and case.departments:
        # others keep working; the curator re-routes a part returned under п. 8
        lead = named_lead or case.lead
        if lead != case.lead:
            raise ctx.refuse("the lead stays while others work on the message", ctx.co, command)
        if preparer is not None and case.lead in case.executors:
            raise ctx.refuse(
                f"{case.executors[case.lead]!r} already prepares the answer", ctx.co, command
            )
        fresh = tuple(d for d in added if d != lead)
        order = case.order + (command.order or ((fresh,) if fresh else ()))
        order = _order(ctx, command, departments, lead, order)
    elif len(departments) == 1:
        lead = named_lead or departments[0]
        if lead != departments[0]:
            raise ctx.refuse("the lead must be one of the departments", ctx.co, command)
        if command.order:
            raise ctx.refuse("one department has no order of parts", ctx.co, command)
        order = ()
    else:
        lead = named_lead or ""
        if not lead:
            if ctx.regulation.co_execution.lead_required:
                raise ctx.refuse(
                    "with several departments the curator names the lead executor's department",
                    ctx.co,
                    command,
                )
            lead = departments[0]
        if lead not in departments:
            raise ctx.refuse("the lead must be one of the departments", ctx.co, command)
        everyone = (
            departments if ctx.lead_contributes else tuple(d for d in departments if d != lead)
        )
        order = _order(ctx, command, departments, lead, command.order or (everyone,))
    if not (command.confirm_tight or case.tight_confirmed):
        # the limit left time when it was set; routing after the deadline counted back from
        # it has passed needs the curator's confirmation, under either reading
        found = _tight(ctx, command, case.answer_limit, case.importance, "routing")
        if found is not None:
            raise ctx.refuse(
                f"{found[1]}; confirm it (confirm_tight=True) to accept", ctx.clause, command
            )
    clause = ctx.repeat if case.repeat_of else (ctx.co if len(departments) > 1 else ctx.clause)
    yield clause, Routed(departments, order, lead, added, preparer)
    if preparer is not None:
        try:
            executor, reason = ctx.org.resolve_executor(lead, preparer, ctx.day)
        except NoExecutorAvailable as exc:
            raise ctx.refuse(str(exc), ctx.co, command) from exc
        yield ctx.co, ExecutorAssigned(lead, preparer, executor, reason)
        after = attrs.evolve(
            case,
            departments=departments,
            order=order,
            lead=lead,
            executors={**case.executors, lead: executor},
        )
        yield from _open_ready(ctx, after)


def _return(ctx: _Context, command: ReturnToCurator) -> Iterator[tuple[str, Payload]]:
    case = ctx.case
    department = command.department
    if department not in case.departments:
        raise ctx.refuse(f"the message is not routed to {department!r}", ctx.clause, command)
    if not command.reason.strip():
        raise ctx.refuse(
            "say why the question is outside the department's competence", ctx.clause, command
        )
    returned = ReturnedToCurator(department, command.reason)
    yield ctx.clause, returned
    owed = case.opened - case.contributed
    if department in owed:
        yield (
            ctx.co,
            ContributionCancelled(department, "its department returned the message to the curator"),
        )
    after = evolve(
        case,
        Event.make(
            case.id,
            case.version + 1,
            command.at,
            command.actor,
            ctx.clause,
            returned,
            case.last_hash,
        ),
    )
    if (
        not ctx.lead_contributes
        and after.lead is not None
        and after.lead != case.lead
        and after.lead in owed
    ):
        yield (
            ctx.co,
            ContributionCancelled(after.lead, "its department now prepares the joint answer"),
        )
        after = attrs.evolve(after, opened=after.opened - {after.lead})
    yield from _open_ready(ctx, after)


def _open_ready(ctx: _Context, case: Case) -> Iterator[tuple[str, Payload]]:
    """Contribution clocks that start now: assigned departments of the first unfinished group."""
    for group in case.order:
        pending = [
            d
            for d in group
            if d not in case.contributed and (d != case.lead or ctx.lead_contributes)
        ]
        for ident in pending:
            executor = case.executors.get(ident)
            if executor is not None and ident not in case.opened:
                yield ctx.co, ContributionOpened(ident, executor)
        if pending:
            return


def _assign(ctx: _Context, command: AssignExecutor) -> Iterator[tuple[str, Payload]]:
    case = ctx.case
    if command.department not in case.departments:
        raise ctx.refuse(
            f"the message is not routed to {command.department!r}", ctx.clause, command
        )
    if case.preparer is not None and command.department == case.lead:
        raise ctx.refuse(
            f"the curator appointed {case.preparer!r} to prepare the answer (п. 15(4)); "
            "the head may return the message but not designate another executor",
            ctx.co,
            command,
        )
    try:
        executor, reason = ctx.org.resolve_executor(command.department, command.executor, ctx.day)
    except NotAnExecutor as exc:
        raise ctx.refuse(str(exc), ctx.clause, command) from exc
    except NoExecutorAvailable as exc:
        raise ctx.refuse(str(exc), ctx.clause, command) from exc
    assigned = ExecutorAssigned(command.department, command.executor, executor, reason)
    yield ctx.clause, assigned
    after = attrs.evolve(case, executors={**case.executors, command.department: executor})
    yield from _open_ready(ctx, after)


def _contribute(ctx: _Context, command: SubmitContribution) -> Iterator[tuple[str, Payload]]:
    case = ctx.case
    department = command.department
    if (department == case.lead and not ctx.lead_contributes) or department not in case.departments:
        raise ctx.refuse(
            f"{department!r} is not a co-executor's department here", ctx.clause, command
        )
    if department in case.contributed:
        raise ctx.refuse(f"{department!r} has already sent its part", ctx.clause, command)
    if department not in case.opened:
        raise ctx.refuse(
            f"{department!r}'s turn has not come in the curator's order", ctx.clause, command
        )
    if not command.text.strip():
        raise ctx.refuse("the part has no text", ctx.clause, command)
    executor = case.executors[department]
    yield ctx.clause, ContributionSubmitted(department, executor, command.text, command.attachments)
    after = attrs.evolve(case, contributed=case.contributed | {department})
    yield from _open_ready(ctx, after)


def _submit_draft(ctx: _Context, command: SubmitDraft) -> Iterator[tuple[str, Payload]]:
    case = ctx.case
    form = ctx.regulation.effective.answer_form
    kind = command.kind
    if case.stage == "interim_published" and kind is not DraftKind.ANSWER:
        raise ctx.refuse(
            "after an interim answer the next draft is the final answer", ctx.clause, command
        )
    if form.require_substance and kind is not DraftKind.CLARIFICATION and not command.text.strip():
        raise ctx.refuse("an answer must address the substance of the question", ctx.form, command)
    if not command.text.strip() and not command.attachments:
        raise ctx.refuse("the draft is empty", ctx.clause, command)
    if (
        case.repeat_of
        and form.repeat_requires_measures
        and kind is not DraftKind.CLARIFICATION
        and not (command.measures or "").strip()
    ):
        clause = ctx.repeat
        raise ctx.refuse(
            f"an answer to a repeat message (of {case.repeat_of}) must state the measures "
            "taken or the progress",
            clause,
            command,
        )
    limit = form.max_length.get(case.message.platform.value)
    # what is published is the text with the measures taken (п. 16), so that is what must fit
    published = Draft(kind, 0, command.text, "submitted", command.measures).public_text(form)
    if limit is not None and len(published) > limit:
        raise ctx.refuse(
            f"{len(published)} characters; {case.message.platform.value} accepts {limit}",
            ctx.form,
            command,
        )
    owing = case.departments if ctx.lead_contributes and len(case.departments) > 1 else ()
    missing = [d for d in case.co_executors() if d not in case.contributed]
    missing += [d for d in owing if d not in case.contributed]
    missing += [d for d in case.departments if d != case.lead and d not in case.executors]
    if kind is DraftKind.ANSWER and missing:
        raise ctx.refuse(
            f"the joint answer needs the parts of {', '.join(sorted(set(missing)))}",
            ctx.co,
            command,
        )
    clause = ctx.clause
    yield (
        clause,
        DraftSubmitted(kind, case.drafts + 1, command.text, command.attachments, command.measures),
    )


def _draft(ctx: _Context, command: Command) -> tuple[DraftKind, int]:
    draft = ctx.case.draft
    if draft is None:
        raise ctx.refuse("no draft has been submitted", ctx.clause, command)
    return draft.kind, draft.number


def _not_own_draft(ctx: _Context, command: Command, number: int) -> None:
    """The curator judges the executor's draft (п. 5, п. 10, п. 11): whoever sent a draft
    does not approve it or return it, even where the organisation lists the curator among
    a department's executors. The author is the actor of the draft's submission."""
    author = next(
        (
            event.actor
            for event in reversed(ctx.case.events)
            if isinstance(event.data, DraftSubmitted) and event.data.number == number
        ),
        None,
    )
    if author == command.actor:
        verb = "approve" if isinstance(command, ApproveDraft) else "return"
        raise PermissionDenied(
            f"{command.actor} sent draft {number} and may not {verb} it; the draft goes to "
            "the curator, and another curator must judge it",
            clause=ctx.clause,
            case_id=ctx.case.id,
            command=command.name,
        )


def _approve(ctx: _Context, command: ApproveDraft) -> Iterator[tuple[str, Payload]]:
    kind, number = _draft(ctx, command)
    _not_own_draft(ctx, command, number)
    yield ctx.clause, Approved(kind, number, command.remarks)


def _rework(ctx: _Context, command: ReturnForRework) -> Iterator[tuple[str, Payload]]:
    kind, number = _draft(ctx, command)
    _not_own_draft(ctx, command, number)
    if not command.remarks.strip():
        raise ctx.refuse("say what to rework", ctx.clause, command)
    yield ctx.clause, ReturnedForRework(kind, number, command.remarks)


def _request(ctx: _Context, command: RequestPublication) -> Iterator[tuple[str, Payload]]:
    kind, number = _draft(ctx, command)
    draft = ctx.case.draft
    if draft is not None and draft.state == "requested" and ctx.case.failure is None:
        # a second request would queue nothing: the first is still being delivered. After
        # a permanent failure (case.failure) a request is a retry.
        raise ctx.refuse(
            f"publication of draft {number} was requested and is pending; it can be "
            "requested again only after it failed permanently",
            ctx.clause,
            command,
        )
    platform = ctx.case.message.platform
    official = ctx.org.official_accounts(platform)
    if not official:
        raise ctx.refuse(
            f"{ctx.org.id} has no official account on {platform.value}: the answer is published "
            "in the network where the message appeared, from an official account",
            ctx.clause,
            command,
        )
    if command.account is None:
        account = official[0].url
    else:
        chosen = [a for a in official if command.account in (a.url, a.external_id)]
        if not chosen:
            raise ctx.refuse(
                f"{command.account!r} is not an official account of {ctx.org.id} on "
                f"{platform.value} (official: {', '.join(a.url for a in official)})",
                ctx.clause,
                command,
            )
        account = chosen[0].url
    yield ctx.clause, PublicationRequested(kind, number, _attempt_key(ctx.case, number), account)


def _attempt_key(case: Case, number: int) -> str:
    """The once-key of a new request to publish draft ``number``: ``{case}/draft-{n}`` the
    first time (as before, so stored items keep theirs), ``{case}/draft-{n}/attempt-{k}``
    for the k-th: a retry after a permanent failure is a new deliverable attempt, and the
    publisher derives the network's idempotency key (VK ``guid``, ``random_id``) from it."""
    earlier = sum(
        1
        for event in case.events
        if isinstance(event.data, PublicationRequested) and event.data.number == number
    )
    base = f"{case.id}/draft-{number}"
    return base if earlier == 0 else f"{base}/attempt-{earlier + 1}"


def _record(ctx: _Context, command: RecordPublication) -> Iterator[tuple[str, Payload]]:
    kind, number = _draft(ctx, command)
    if not command.external_id.strip():
        raise ctx.refuse("record the published answer's id in the network", ctx.clause, command)
    yield ctx.clause, Published(kind, number, command.external_id, command.url)


def _failure(ctx: _Context, command: RecordPublicationFailure) -> Iterator[tuple[str, Payload]]:
    kind, number = _draft(ctx, command)
    yield ctx.clause, PublicationFailed(kind, number, command.reason, command.permanent)


def _clarification(ctx: _Context, command: RecordClarification) -> Iterator[tuple[str, Payload]]:
    if not ctx.case.clarification_pending:
        raise ctx.refuse("no clarification request is waiting for the author", ctx.clause, command)
    yield ctx.clause, ClarificationReceived(command.text)


def _exclude(ctx: _Context, command: Exclude) -> Iterator[tuple[str, Payload]]:
    rule = ctx.regulation.exclusion
    if command.category not in rule.categories:
        raise ctx.refuse(
            f"unknown category {command.category!r}; п. 18 names {', '.join(rule.categories)}",
            rule.citation.clause,
            command,
        )
    if rule.requires_evidence and not command.evidence.strip():
        raise ctx.refuse("quote the words that exclude the message", rule.citation.clause, command)
    yield rule.citation.clause, Excluded(command.category, command.evidence)


def _escalate(ctx: _Context, command: Escalate) -> Iterator[tuple[str, Payload]]:
    reasons = {e.id: e for e in ctx.regulation.escalations}
    if command.reason not in reasons:
        raise ctx.refuse(
            f"unknown reason {command.reason!r}; the regulation has {', '.join(reasons)}",
            ctx.clause,
            command,
        )
    known = {d.person for d in ctx.org.deputies}
    deputies = command.deputies or ctx.org.deputies_for(ctx.case.topics)
    unknown = [p for p in deputies if p not in known]
    if unknown:
        raise ctx.refuse(f"not deputy mayors: {', '.join(unknown)}", ctx.clause, command)
    if not deputies:
        raise ctx.refuse(
            "no deputy mayor supervises the case's topics; name one", ctx.clause, command
        )
    yield (
        reasons[command.reason].citation.clause,
        Escalated(command.reason, tuple(deputies), command.note),
    )


def _link(ctx: _Context, command: LinkRepeat) -> Iterator[tuple[str, Payload]]:
    previous = command.previous_case_id.strip()
    if not previous or previous == ctx.case.id:
        raise ctx.refuse("name the earlier case this message repeats", ctx.clause, command)
    yield ctx.clause, RepeatLinked(previous)


def _close(ctx: _Context, command: Close) -> Iterator[tuple[str, Payload]]:
    """An answered case closes; an unanswered one only for a reason of the regulation's
    closed list (closing is no step of the text: the list says why each reason is there)."""
    closing = ctx.regulation.closing
    reasons = closing.reasons if closing is not None else ()
    answered = ctx.case.stage == "answered"
    if not command.reason and answered:
        yield ctx.clause, Closed("", command.note)
        return
    found = closing.reason(command.reason) if closing is not None else None
    if found is None:
        known = "; ".join(f"{r.id} ({r.title})" for r in reasons)
        if not reasons:
            text = "this regulation closes only an answered case; exclude under its exclusion rule"
        elif not command.reason:
            text = f"a case closed without an answer needs one of the reasons: {known}"
        else:
            text = f"unknown reason {command.reason!r}; the reasons are: {known}"
        raise ctx.refuse(text, ctx.clause, command)
    clause = found.citation.clause if found.citation is not None else ctx.clause
    yield clause, Closed(found.id, command.note)


_HANDLERS: dict[type, Handler] = {
    Classify: _classify,
    Route: _route,
    ReturnToCurator: _return,
    AssignExecutor: _assign,
    SubmitContribution: _contribute,
    SubmitDraft: _submit_draft,
    ApproveDraft: _approve,
    ReturnForRework: _rework,
    RequestPublication: _request,
    RecordPublication: _record,
    RecordPublicationFailure: _failure,
    RecordClarification: _clarification,
    Exclude: _exclude,
    Escalate: _escalate,
    LinkRepeat: _link,
    Close: _close,
}
