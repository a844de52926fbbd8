"""Reactions: what a case's new events and the passing of time cause, decided purely.

The engine decides what *happens* to a case (:mod:`regflow.core.decide`); this
module decides what that *causes* outside it:

- :func:`react`: who is told of an event (п. 19) and what is published (п. 13),
  one small function per event type in a table, as ``decide`` has one per
  command;
- :func:`reminders`: the warnings and breaches due at a tick, each with its
  once-key, the department it is counted against and its audience (the
  responsible person; every curator as well on a breach);
- :func:`significant`, :func:`surge`, :func:`repeated_breaches`: п. 20's
  automatic escalations, functions of the case, the rule and the counts the
  service reads from its store, each returning an :class:`Escalation` or
  ``None``; :func:`escalation_event` makes it an event of the case's history,
  so it is on the record and counted like a curator's.

Every once-key (the marks that make a warning, a breach or an escalation
happen once; the outbox keys receivers drop repeats by) is made here and
nowhere else. Live stores hold them: their formats do not change.

Nothing here reads a clock or a store: ``now`` and the counts are passed in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from zoneinfo import ZoneInfo

import attrs

from regflow.core.case import Case
from regflow.core.deadlines import DeadlineState, Status
from regflow.core.events import (
    Approved,
    ContributionOpened,
    ContributionSubmitted,
    DraftSubmitted,
    Escalated,
    Event,
    ExecutorAssigned,
    Payload,
    PublicationFailed,
    PublicationRequested,
    Published,
    ReturnedForRework,
    Routed,
)
from regflow.core.message import Attachment, Place
from regflow.core.organization import Organization
from regflow.rules.kinds import Escalation as EscalationRule
from regflow.rules.kinds import EscalationTrigger, EscalationWindow
from regflow.rules.regulation import Regulation
from regflow.rules.vocabulary import Platform

__all__ = [
    "BREACH_MARKS",
    "SYSTEM",
    "Escalation",
    "Notice",
    "NoticeKind",
    "PublicationRequest",
    "Reminder",
    "breach_department",
    "breaches_lock",
    "escalation_event",
    "publication_recorded",
    "react",
    "reminders",
    "repeated_breaches",
    "significant",
    "surge",
    "surge_lock",
    "text_digest",
    "unrecorded",
    "window_start",
]

SYSTEM = "regflow"
"""The actor of what the rules do by themselves (an automatic п. 20 escalation)."""
BREACH_MARKS = "breach/"
"""What every breach's mark starts with: count marks with this prefix to count breaches."""


class NoticeKind(enum.Enum):
    """What a notice tells; each has its subject and text in :class:`~regflow.notices.Templates`."""

    ROUTED = "routed"
    """A department head: a message came to the department (п. 7)."""
    ASSIGNED = "assigned"
    """An executor: you prepare the answer (п. 6)."""
    TURN = "turn"
    """A co-executor: your part's turn has come, its 2 hours run (п. 15(3))."""
    PART = "part"
    """The lead executor: a co-executor's part arrived (п. 15(2), (4))."""
    DRAFT = "draft"
    """The curator: a draft waits for approval (п. 10, 11)."""
    REWORK = "rework"
    """The executor: the draft came back for rework (п. 12)."""
    APPROVED = "approved"
    """The executor: publish the approved answer (п. 13)."""
    NO_ACCOUNT = "no_account"
    """The curator: the organisation has no official account on the message's platform (п. 13)."""
    FAILED = "failed"
    """The curator: the answer could not be published (п. 13)."""
    UNRECORDED = "unrecorded"
    """The curator: the answer was published but its record was refused; record it by hand
    (п. 13)."""
    ESCALATION = "escalation"
    """A deputy mayor: information under п. 20."""
    WARNING = "warning"
    """The responsible person: a deadline is near."""
    BREACH = "breach"
    """The responsible person and every curator: a deadline passed (п. 19)."""


@attrs.frozen
class Notice:
    """One message to one person, decided by the rules; the service renders and queues it.

    Attributes:
        kind: what it tells.
        recipient: the person's id in the organisation.
        key: its once-key: the same notice is never queued twice.
        case_id: the case it concerns.
        at: when it was caused.
        fields: what its template needs beyond the case itself (``reason``, ``title``...).
        due: for a warning or a breach, the due instant (time left or late is put in
            words when the text is made).
    """

    kind: NoticeKind
    recipient: str
    key: str
    case_id: str
    at: dt.datetime
    fields: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    due: dt.datetime | None = None


@attrs.frozen
class PublicationRequest:
    """An approved answer to publish where the message appeared (п. 13).

    ``key`` is derived from the answer's id and never changes across retries;
    publishers pass it to the network as its idempotency key where the
    network has one (VK ``guid``, ``random_id``).
    """

    key: str
    case_id: str
    platform: Platform
    place: Place
    text: str
    attachments: tuple[Attachment, ...] = ()
    account: str | None = None


Effect = Notice | PublicationRequest


def text_digest(text: str) -> str:
    """The digest an outbox publication carries of the approved text it is to post:
    ``sha256:`` and the SHA-256 of the text's UTF-8 bytes, in lower-case hex."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _key(event: Event) -> str:
    return f"{event.case_id}/{event.seq}"


@attrs.frozen
class _Context:
    regulation: Regulation
    org: Organization
    case: Case
    """The case after the events."""

    def on_duty(self, department: str | None, at: dt.datetime) -> str | None:
        """Who does the designated executor's work for ``department`` on ``at``'s day (п. 6)."""
        if department is None:
            return None
        assigned = self.case.executors.get(department)
        if assigned is None:
            return None
        return self.org.on_duty(department, assigned, at.astimezone(self.org.zone).date())

    def notice(
        self, kind: NoticeKind, person: str, key: str, event: Event, **fields: str
    ) -> Notice:
        return Notice(kind, person, key, self.case.id, event.at, fields)

    def to_curators(self, kind: NoticeKind, event: Event, **fields: str) -> Iterator[Notice]:
        for curator in self.org.curators:
            yield self.notice(kind, curator, f"{_key(event)}/{curator}", event, **fields)


def _routed(ctx: _Context, event: Event, data: Routed) -> Iterator[Effect]:
    for department in data.added:
        head = ctx.org.department(department).head
        yield ctx.notice(NoticeKind.ROUTED, head, f"{_key(event)}/{head}", event)
    platform = ctx.case.message.platform
    if not ctx.org.official_accounts(platform):
        yield from ctx.to_curators(NoticeKind.NO_ACCOUNT, event, platform=platform.value)


def _assigned(ctx: _Context, event: Event, data: ExecutorAssigned) -> Iterator[Effect]:
    reason = f" ({data.substitution})" if data.substitution else ""
    yield ctx.notice(
        NoticeKind.ASSIGNED, data.executor, _key(event), event, reason=reason, clause=event.clause
    )


def _turn(ctx: _Context, event: Event, data: ContributionOpened) -> Iterator[Effect]:
    person = ctx.on_duty(data.department, event.at) or data.executor
    yield ctx.notice(
        NoticeKind.TURN,
        person,
        f"{_key(event)}/{person}",
        event,
        department=ctx.org.department(data.department).name,
    )


def _part(ctx: _Context, event: Event, data: ContributionSubmitted) -> Iterator[Effect]:
    lead = ctx.on_duty(ctx.case.lead, event.at)
    # under the `lead-part` reading `in-order` the lead sends a part of its own: not news to it
    if lead is not None and data.department != ctx.case.lead:
        yield ctx.notice(
            NoticeKind.PART,
            lead,
            f"{_key(event)}/{lead}",
            event,
            department=ctx.org.department(data.department).name,
        )


def _draft(ctx: _Context, event: Event, data: DraftSubmitted) -> Iterator[Effect]:
    yield from ctx.to_curators(NoticeKind.DRAFT, event)


def _verdict(ctx: _Context, event: Event, data: Approved | ReturnedForRework) -> Iterator[Effect]:
    executor = ctx.on_duty(ctx.case.lead, event.at)
    if executor is not None:
        kind = NoticeKind.REWORK if isinstance(data, ReturnedForRework) else NoticeKind.APPROVED
        yield ctx.notice(kind, executor, _key(event), event, reason=data.remarks)


def _escalated(ctx: _Context, event: Event, data: Escalated) -> Iterator[Effect]:
    rule = next((e for e in ctx.regulation.effective.escalations if e.id == data.reason), None)
    fields = {
        "trigger": rule.trigger.value if rule is not None else "",
        "note": data.note,
        "topic": data.topic or "",
        "location": data.location or "",
        "department": (
            ctx.org.department(data.shortcomings_of).name if data.shortcomings_of else ""
        ),
        "observed": str(data.observed),
        "threshold": str(data.threshold),
    }
    # nobody supervises the question: the curator is told, to pass it on (п. 20)
    for person in data.deputies or ctx.org.curators:
        yield ctx.notice(NoticeKind.ESCALATION, person, f"{_key(event)}/{person}", event, **fields)


def _failed(ctx: _Context, event: Event, data: PublicationFailed) -> Iterator[Effect]:
    if data.permanent:
        yield from ctx.to_curators(NoticeKind.FAILED, event, reason=data.reason)


def _publish(ctx: _Context, event: Event, data: PublicationRequested) -> Iterator[Effect]:
    case = ctx.case
    assert case.draft is not None  # decide requests publication of a draft only
    yield PublicationRequest(
        key=data.key,
        case_id=case.id,
        platform=case.message.platform,
        place=case.message.place,
        text=case.draft.public_text(ctx.regulation.effective.answer_form),
        attachments=case.draft.attachments,
        account=data.account,
    )


Reaction = Callable[[_Context, Event, Payload], Iterator[Effect]]

_REACTIONS: dict[type, Reaction] = {
    Routed: _routed,  # type: ignore[dict-item]  # each takes its own payload type
    ExecutorAssigned: _assigned,  # type: ignore[dict-item]
    ContributionOpened: _turn,  # type: ignore[dict-item]
    ContributionSubmitted: _part,  # type: ignore[dict-item]
    DraftSubmitted: _draft,  # type: ignore[dict-item]
    Approved: _verdict,  # type: ignore[dict-item]
    ReturnedForRework: _verdict,  # type: ignore[dict-item]
    Escalated: _escalated,  # type: ignore[dict-item]
    PublicationFailed: _failed,  # type: ignore[dict-item]
    PublicationRequested: _publish,  # type: ignore[dict-item]
}
"""What each event type causes; a type not here causes nothing outside its case."""


def react(
    regulation: Regulation, org: Organization, case: Case, events: Iterable[Event]
) -> tuple[Effect, ...]:
    """The notices and publication requests ``events`` cause; ``case`` is the case after them."""
    ctx = _Context(regulation, org, case)
    effects: list[Effect] = []
    for event in events:
        reaction = _REACTIONS.get(type(event.data))
        if reaction is not None:
            effects.extend(reaction(ctx, event, event.data))
    return tuple(effects)


def unrecorded(
    org: Organization, case: Case, key: str, published: str, reason: str, at: dt.datetime
) -> tuple[Notice, ...]:
    """The curators' notices that the publication ``key`` went out (as ``published``, a link
    or an id) but its record in ``case`` was refused for ``reason`` (п. 13)."""
    return tuple(
        Notice(
            NoticeKind.UNRECORDED,
            curator,
            f"{key}/unrecorded/{curator}",
            case.id,
            at,
            {"reason": reason, "published": published},
        )
        for curator in org.curators
    )


# -- warnings and breaches ----------------------------------------------------------------


@attrs.frozen
class Reminder:
    """A warning or a breach due at a tick, to be recorded once under :attr:`mark`.

    Attributes:
        kind: :attr:`NoticeKind.WARNING` or :attr:`NoticeKind.BREACH`.
        mark: the once-key.
        department: the department the breach counts against for п. 20 (the
            deadline's own department, or the department whose executor held the case
            when it fell due), scoped by the municipality (``"city/housing"``);
            ``None`` if it concerns none.
        state: the deadline.
        notices: whom to tell.
    """

    kind: NoticeKind
    mark: str
    department: str | None
    state: DeadlineState
    notices: tuple[Notice, ...]


def breach_department(org: Organization, state: DeadlineState) -> str | None:
    """The municipality-scoped department a breach of ``state`` is counted against (п. 20)."""
    department = state.department or state.accountable_department
    return f"{org.id}/{department}" if department is not None else None


def reminders(
    case: Case, org: Organization, states: Sequence[DeadlineState], now: dt.datetime
) -> tuple[Reminder, ...]:
    """The warnings and breaches of ``states`` (the case's deadlines as of ``now``) to record.

    A breach goes to the responsible person and every curator; a warning to the
    responsible person. A deadline whose step came late is judged when it came (its
    breach is in the report), not reminded of.
    """
    found = []
    for state in states:
        if state.status is Status.WARNING:
            kind = NoticeKind.WARNING
        elif state.status is Status.BREACHED and state.met_at is None:
            kind = NoticeKind.BREACH
        else:
            continue
        mark = f"{kind.value}/{case.id}/{state.id}/{state.department or '-'}/"
        mark += str(_stamp(state.started_at))
        audience = [state.responsible] if state.responsible else []
        if kind is NoticeKind.BREACH:
            audience += [c for c in org.curators if c not in audience]
        fields = {
            "title": state.title,
            "clause": state.clause,
            "due": f"{state.due:%d.%m.%Y %H:%M}",
            "responsible": _name(org, state.responsible) or state.responsible_role,
        }
        notices = tuple(
            Notice(kind, person, f"{mark}/{person}", case.id, now, fields, due=state.due)
            for person in audience
        )
        department = breach_department(org, state) if kind is NoticeKind.BREACH else None
        found.append(Reminder(kind, mark, department, state, notices))
    return tuple(found)


def _name(org: Organization, person: str | None) -> str | None:
    if person is None:
        return None
    try:
        return org.person(person).name
    except KeyError:
        return person


def _stamp(instant: dt.datetime) -> int:
    """The wall-clock fields of ``instant`` read as UTC, in seconds: a part of mark keys.

    What ``strftime("%s")`` gave on a host running in UTC, without depending on the
    host's time zone (``%s`` reads the fields in the process's local zone, so workers in
    different zones would not agree on the keys).
    """
    return calendar.timegm(instant.timetuple())


# -- п. 20: automatic escalations ---------------------------------------------------------


@attrs.frozen
class Escalation:
    """An escalation the rules raise by themselves (п. 20), once under :attr:`mark`.

    Attributes:
        rule: the regulation's escalation rule.
        mark: the once-key (one per message, per surge window, per department and window).
        deputies: the deputy mayors supervising the question.
        observed: what was counted (messages in the surge, breaches of the department).
        topic, location: the surge's question and place.
        department: the department whose shortcomings are reported.
    """

    rule: EscalationRule
    mark: str
    deputies: tuple[str, ...]
    observed: int = 0
    topic: str | None = None
    location: str | None = None
    department: str | None = None


def _bucket(at: dt.datetime, rule: EscalationRule, zone: str | None = None) -> str:
    """The period ``at`` falls in, for once-per-window marks: the number of the
    ``rule.window``-long period (a rolling window), else the calendar week
    (``week-2025-11-10``, its Monday) or month (``month-2025-11``), local to ``zone``."""
    if rule.per is EscalationWindow.ROLLING:
        return str(int(at.timestamp() // max(rule.window.as_timedelta().total_seconds(), 1)))
    start = window_start(rule, at, zone).date()
    if rule.per is EscalationWindow.WEEK:
        return f"week-{start.isoformat()}"
    return f"month-{start:%Y-%m}"


def _recipients(
    org: Organization, rule: EscalationRule, topics: Iterable[str], department: str | None
) -> tuple[str, ...]:
    """Whom ``rule`` goes to: the supervising deputies (the default), the department's head,
    or a named person."""
    if rule.recipient.startswith("person:"):
        return (rule.recipient.removeprefix("person:"),)
    if rule.recipient == "head" and department is not None:
        return (org.department(department).head,)
    return org.deputies_for(topics)


def significant(case: Case, org: Organization, rule: EscalationRule) -> Escalation | None:
    """A socially significant message (the curator's mark at classification), once per case."""
    if rule.trigger is not EscalationTrigger.SIGNIFICANT or not case.significant:
        return None
    mark = f"escalation/{rule.id}/{case.id}"
    return Escalation(rule, mark, _recipients(org, rule, case.topics, None), observed=1)


def surge_lock(org: Organization, rule: EscalationRule, topic: str, location: str) -> str:
    """The lock a surge count of ``topic`` at ``location`` is made under (п. 20): units of
    work that count the same window take turns, so that simultaneous classifications see
    each other's cases rather than each missing the others'."""
    return f"lock/{rule.id}/{org.id}/{topic}/{location}"


def breaches_lock(org: Organization) -> str:
    """The lock a municipality's breaches are marked and counted under (п. 20's repeated
    breaches): one per municipality, so that a batch of cases takes its locks in the
    order of its municipalities and two workers never wait for each other in a ring."""
    return f"lock/breaches/{org.id}"


def window_start(rule: EscalationRule, at: dt.datetime, zone: str | None = None) -> dt.datetime:
    """Where the window of ``rule`` that holds ``at`` begins: ``rule.window`` before ``at``
    (a rolling window), or the local midnight (in ``zone``, by default ``at``'s own) that
    begins its calendar week (a Monday) or month."""
    if rule.per is EscalationWindow.ROLLING:
        return at - rule.window.as_timedelta()
    local = at.astimezone(ZoneInfo(zone)) if zone else at
    day = local.date()
    if rule.per is EscalationWindow.WEEK:
        day -= dt.timedelta(days=day.weekday())
    else:
        day = day.replace(day=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=local.tzinfo)


def surge(
    case: Case,
    org: Organization,
    rule: EscalationRule,
    at: dt.datetime,
    similar: Mapping[str, int],
    zone: str | None = None,
) -> Escalation | None:
    """A surge: at least ``rule.threshold`` messages on one of the case's topics at its
    location detected in the window ending ``at``.

    Args:
        similar: for each of the case's topics, how many cases of the organisation on
            that topic and location were detected since :func:`window_start`, this case
            included.
    """
    if rule.trigger is not EscalationTrigger.SURGE or not case.location:
        return None
    for topic in case.topics:
        count = similar.get(topic, 0)
        if count >= rule.threshold:
            bucket = _bucket(at, rule, zone)
            mark = f"escalation/{rule.id}/{org.id}/{topic}/{case.location}/{bucket}"
            deputies = _recipients(org, rule, case.topics, None)
            return Escalation(rule, mark, deputies, count, topic=topic, location=case.location)
    return None


def repeated_breaches(
    org: Organization,
    rule: EscalationRule,
    department: str,
    at: dt.datetime,
    breaches: int,
    zone: str | None = None,
) -> Escalation | None:
    """Shortcomings in a department's work: at least ``rule.threshold`` breaches counted
    against ``department`` (:func:`breach_department`'s scoped id) in the window ending ``at``."""
    if rule.trigger is not EscalationTrigger.REPEATED_BREACHES or breaches < rule.threshold:
        return None
    ident = department.split("/", 1)[1] if department.startswith(f"{org.id}/") else department
    mark = f"escalation/{rule.id}/{org.id}/{ident}/{_bucket(at, rule, zone)}"
    deputies = _recipients(org, rule, org.department(ident).topics, ident)
    return Escalation(rule, mark, deputies, breaches, department=ident)


def escalation_event(
    case: Case,
    escalation: Escalation,
    at: dt.datetime,
    *,
    received_at: dt.datetime | None = None,
    imported: bool = False,
) -> Event:
    """``escalation`` as the next event of ``case``'s history (actor :data:`SYSTEM`);
    ``received_at`` and ``imported`` are those of what set it off (:class:`Event`)."""
    rule = escalation.rule
    payload = Escalated(
        rule.id,
        escalation.deputies,
        automatic=True,
        threshold=rule.threshold,
        observed=escalation.observed,
        window=rule.window if rule.trigger is not EscalationTrigger.SIGNIFICANT else None,
        topic=escalation.topic,
        location=escalation.location,
        shortcomings_of=escalation.department,
    )
    when = max(at, case.events[-1].at)
    return Event.make(
        case.id,
        case.version + 1,
        when,
        SYSTEM,
        rule.citation.clause,
        payload,
        case.last_hash,
        received_at=received_at,
        imported=imported,
    )


def publication_recorded(
    case: Case, key: str, outcome: type[Published | PublicationFailed]
) -> bool:
    """Whether ``case`` already holds ``outcome`` (published, or failed) for the draft the
    publication ``key`` was requested for: what became of a delivery is recorded once."""
    number = None
    for event in case.events:
        data = event.data
        if isinstance(data, PublicationRequested) and data.key == key:
            number = data.number
        elif number is not None and isinstance(data, outcome) and data.number == number:
            return True
    return False
