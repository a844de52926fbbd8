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
from regflow.rules.kinds import Deadline, Period
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
    org: Organization, case: Case | None, command: Command, day: dt.date
) -> frozenset[str]:
    """The roles ``command.actor`` holds in ``case`` for this command.

    A department head is a head only for the departments the case is routed
    to (and, for a department-specific command, for that department); the
    executor is the lead department's executor on duty; a co-executor is the
    executor on duty of another routed department.
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
    roles = case_roles(org, case, command, day)
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
    if case is None:
        assert isinstance(command, Detect)
        return _detect(regulation, org, command, receipt)
    here = [p for p in allowed if stage in p.stages]
    context = _Context(regulation, org, case, day, _clause(here))
    handler = _HANDLERS[type(command)]
    payloads = list(handler(context, command))
    events = []
    previous, seq = case.last_hash, case.version
    for clause, payload in payloads:
        seq += 1
        event = Event.make(
            case_id, seq, command.at, command.actor, clause, payload, previous, **receipt
        )
        events.append(event)
        previous = event.hash
    return tuple(events)


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
    events = decide(regulation, org, case, command, received_at=received_at, imported=imported)
    for event in events:
        case = evolve(case, event)
    assert case is not None
    return case, events


def _clause(permissions: Any) -> str:
    return permissions[0].citation.clause if permissions else "(no permission rule)"


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


def _shortened(
    regulation: Regulation, case: Case, explicit: Period | None, importance: str | None
) -> Iterator[tuple[Deadline, Period]]:
    """``(rule, limit)`` for each shortenable deadline (п. 7) that a shorter limit changes."""
    for rule in regulation.effective.deadlines:
        limit = explicit if rule.per_message else None
        if limit is None and importance is not None:
            limit = rule.by_importance.get(importance)
        if limit is not None and limit != rule.limit:
            yield rule, limit


def _check_tight(
    ctx: _Context, command: Command, explicit: Period | None, importance: str | None, step: str
) -> None:
    """Refuse a shortened limit that leaves a deadline counted back from it at or before
    ``command.at`` (ambiguity 3): the curator must confirm it explicitly."""
    regulation = ctx.regulation
    wt = regulation.effective.calendar
    for rule, limit in _shortened(regulation, ctx.case, explicit, importance):
        due = wt.add(ctx.case.detected_at, limit.duration(rule.basis, rule.counting))
        for relative in regulation.effective.deadlines:
            if relative.before != rule.id:
                continue
            relative_due = wt.subtract(
                due, relative.limit.duration(relative.basis, relative.counting)
            )
            if relative_due <= command.at:
                raise ctx.refuse(
                    f"the shortened {limit} '{rule.id}' limit puts the '{relative.id}' deadline at "
                    f"{relative_due.isoformat()}, at or before {step}; confirm it explicitly "
                    "(confirm_tight=True) to accept",
                    ctx.clause,
                    command,
                )


def _classify(ctx: _Context, command: Classify) -> Iterator[tuple[str, Payload]]:
    regulation = ctx.regulation
    if not command.topics:
        raise ctx.refuse("a message needs at least one topic", ctx.clause, command)
    if command.importance not in regulation.importance:
        raise ctx.refuse(
            f"unknown importance {command.importance!r}; the categories are "
            f"{', '.join(regulation.importance)}",
            ctx.clause,
            command,
        )
    if not command.confirm_tight:
        _check_tight(ctx, command, command.answer_limit, command.importance, "classification")
    yield (
        ctx.clause,
        Classified(
            command.topics,
            command.location,
            command.importance,
            command.answer_limit,
            command.significant,
            command.confirm_tight,
        ),
    )


def _order(
    ctx: _Context,
    command: Route,
    departments: tuple[str, ...],
    lead: str,
    order: tuple[tuple[str, ...], ...],
) -> tuple[tuple[str, ...], ...]:
    """The curator's order of contributions, checked: every department but the lead once."""
    others = tuple(d for d in departments if d != lead)
    listed = [d for group in order for d in group if d != lead]
    if sorted(listed) != sorted(others) or any(not group for group in order):
        raise ctx.refuse(
            "the order must list every department but the lead exactly once, in non-empty groups",
            ctx.co,
            command,
        )
    groups = (tuple(d for d in group if d != lead) for group in order)
    return tuple(group for group in groups if group)


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
    if case.lead is not None and case.departments:
        # others keep working; the curator re-routes a part returned under п. 8
        lead = command.lead or case.lead
        if lead != case.lead:
            raise ctx.refuse("the lead stays while others work on the message", ctx.co, command)
        fresh = tuple(d for d in added if d != lead)
        order = _order(ctx, command, departments, lead, case.order + (command.order or (fresh,)))
    elif len(departments) == 1:
        lead = command.lead or departments[0]
        if lead != departments[0]:
            raise ctx.refuse("the lead must be one of the departments", ctx.co, command)
        order = ()
    else:
        lead = command.lead or ""
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
        others = tuple(d for d in departments if d != lead)
        order = _order(ctx, command, departments, lead, command.order or (others,))
    if not (command.confirm_tight or case.tight_confirmed):
        _check_tight(ctx, command, case.answer_limit, case.importance, "routing")
    clause = ctx.repeat if case.repeat_of else (ctx.co if len(departments) > 1 else ctx.clause)
    yield clause, Routed(departments, order, lead, added)


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
    if after.lead is not None and after.lead != case.lead and after.lead in owed:
        yield (
            ctx.co,
            ContributionCancelled(after.lead, "its department now prepares the joint answer"),
        )
        after = attrs.evolve(after, opened=after.opened - {after.lead})
    yield from _open_ready(ctx, after)


def _open_ready(ctx: _Context, case: Case) -> Iterator[tuple[str, Payload]]:
    """Contribution clocks that start now: assigned departments of the first unfinished group."""
    for group in case.order:
        pending = [d for d in group if d not in case.contributed and d != case.lead]
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
    if department == case.lead or department not in case.departments:
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
    missing = [d for d in case.co_executors() if d not in case.contributed]
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


def _approve(ctx: _Context, command: ApproveDraft) -> Iterator[tuple[str, Payload]]:
    kind, number = _draft(ctx, command)
    yield ctx.clause, Approved(kind, number, command.remarks)


def _rework(ctx: _Context, command: ReturnForRework) -> Iterator[tuple[str, Payload]]:
    kind, number = _draft(ctx, command)
    if not command.remarks.strip():
        raise ctx.refuse("say what to rework", ctx.clause, command)
    yield ctx.clause, ReturnedForRework(kind, number, command.remarks)


def _request(ctx: _Context, command: RequestPublication) -> Iterator[tuple[str, Payload]]:
    kind, number = _draft(ctx, command)
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
    key = f"{ctx.case.id}/draft-{number}"
    yield ctx.clause, PublicationRequested(kind, number, key, account)


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
    if ctx.case.stage != "answered" and not command.reason.strip():
        raise ctx.refuse("a case closed without a final answer needs a reason", ctx.clause, command)
    yield ctx.clause, Closed(command.reason)


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
