"""The service: the one place where the engine meets the store and the world.

:func:`open_service` is the composition root: every adapter is passed in
explicitly. The service keeps the transactions and nothing else: the rules
decide what a command does (:mod:`regflow.core.decide`) and what that causes
(:mod:`regflow.core.reactions`: who is told, what is published, when п. 20
escalates, which warnings and breaches are due). :meth:`Service.handle` loads
a case, asks the core, and writes the events, the case index and the effects
(notifications, publication requests) in one unit of work.
:meth:`Service.tick` finds due warnings and breaches through the index and
records each exactly once; :meth:`Service.dispatch` delivers the outbox at
least once, retrying transient failures with backoff and turning permanent
ones into events (and so, by the rules, a notice to the curator).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from regflow.core.case import Case, evolve, replay
from regflow.core.codec import request_to_record
from regflow.core.commands import (
    Command,
    Detect,
    LinkRepeat,
)
from regflow.core.deadlines import DeadlineState, deadlines, next_change
from regflow.core.decide import handle
from regflow.core.detection import detection_instant
from regflow.core.events import (
    Classified,
    Event,
    PublicationRequested,
    verify,
)
from regflow.core.message import Message
from regflow.core.organization import Organization
from regflow.core.reactions import (
    BREACH_MARKS,
    Effect,
    Escalation,
    Notice,
    NoticeKind,
    PublicationRequest,
    breaches_lock,
    escalation_event,
    react,
    reminders,
    repeated_breaches,
    significant,
    surge,
    surge_lock,
    text_digest,
    window_start,
)
from regflow.errors import (
    CommandRefused,
    ConcurrencyConflict,
    CorruptCase,
    InvalidOrganization,
    Problem,
    RegflowError,
    StorageError,
    UnknownCase,
    UntrustedTime,
)
from regflow.notices import Templates
from regflow.ports.effects import (
    Clock,
    Notification,
    Notifier,
    Publisher,
    Screener,
)
from regflow.ports.store import CaseEntry, OutboxItem, Store, UnitOfWork
from regflow.rules.kinds import EscalationTrigger
from regflow.rules.regulation import Regulation, select_regulation
from regflow.service._delivery import Delivery, DispatchReport

__all__ = [
    "DispatchReport",
    "Municipality",
    "Service",
    "TickReport",
    "TimeTolerance",
    "open_service",
    "read_cases",
]

log = logging.getLogger("regflow.service")
_RETRIES = 5
"""How often a command is decided again after a concurrent change to its case."""


@attrs.frozen
class Municipality:
    """One municipality the service serves: its organisation and its regulation versions.

    Raises:
        InvalidOrganization: a regulation counts working time in another time zone than
            the organisation's (both are named), so local days would differ; or sends an
            escalation to a person the organisation does not have.
    """

    organization: Organization
    regulations: tuple[Regulation, ...]

    def __attrs_post_init__(self) -> None:
        zone = self.organization.timezone
        problems = [
            Problem(
                "$.timezone",
                f"the organisation's time zone {zone!r} differs from "
                f"{r.effective.working_time.timezone!r}, the working time of regulation "
                f"{r.id}@{r.version}",
            )
            for r in self.regulations
            if r.effective.working_time.timezone != zone
        ]
        people = {person.id for person in self.organization.people}
        problems += [
            Problem(
                "$.people",
                f"escalation {e.id!r} of regulation {r.id}@{r.version} goes to "
                f"{e.recipient.removeprefix('person:')!r}, who is not in the organisation",
            )
            for r in self.regulations
            for e in r.effective.escalations
            if e.recipient.startswith("person:")
            and e.recipient.removeprefix("person:") not in people
        ]
        if problems:
            raise InvalidOrganization(problems)

    def regulation(self, bound: str | None, day: dt.date) -> Regulation:
        """The version a case is bound to (``"id@version"``), or the one in force on ``day``."""
        if bound is not None:
            for regulation in self.regulations:
                if f"{regulation.id}@{regulation.version}" == bound:
                    return regulation
            raise LookupError(f"regulation {bound} is not configured for {self.organization.id}")
        return select_regulation(self.regulations, day)


@attrs.frozen
class TimeTolerance:
    """How far a command's declared time may lie from the instant the service receives
    it (by its clock): ``behind`` before it (a command typed a few minutes after the
    fact), ``ahead`` after it (clocks a little apart). Another system's history is taken
    in with :meth:`Service.import_history`, which marks its events as imported."""

    behind: dt.timedelta = dt.timedelta(minutes=5)
    ahead: dt.timedelta = dt.timedelta(minutes=1)


@attrs.frozen
class _Receipt:
    """When the service received a command, by its clock, and whether it is imported."""

    received_at: dt.datetime
    imported: bool


@attrs.frozen
class _Plan:
    """A decided command: its events and everything its unit of work is to write."""

    command: Command
    receipt: _Receipt
    before: Case | None
    events: tuple[Event, ...]
    after: Case
    regulation: Regulation
    org: Organization
    entry: CaseEntry
    effects: tuple[Effect, ...]
    """Notices and publication requests; п. 20's escalations are added when written."""

    @property
    def expected(self) -> int:
        """The case's version the events follow."""
        return self.before.version if self.before is not None else 0


@attrs.frozen
class TickReport:
    """What one :meth:`Service.tick` did."""

    cases: int
    warnings: int
    breaches: int
    escalations: int
    skipped: tuple[str, ...] = ()
    """Due cases left alone because they cannot be worked on (:class:`CorruptCase`):
    each is logged with its case id and what is wrong, and the others are ticked."""


@attrs.define
class Service(Delivery):
    """regflow's service layer. Build it with :func:`open_service`."""

    store: Store
    municipalities: Mapping[str, Municipality]
    notifier: Notifier
    publisher: Publisher
    screener: Screener
    clock: Clock
    templates: Templates = attrs.Factory(Templates)
    batch: int = 200
    lease: dt.timedelta = dt.timedelta(minutes=5)
    backoff: dt.timedelta = dt.timedelta(seconds=30)
    max_backoff: dt.timedelta = dt.timedelta(hours=1)
    max_attempts: int = 12
    heartbeat: dt.timedelta = dt.timedelta(minutes=1)
    """How often (in real time) the lease of an item being delivered is renewed, by
    :attr:`lease` from the clock's now; zero or less: not renewed while delivering."""
    credentials_pause: dt.timedelta = dt.timedelta(minutes=15)
    """How long a channel whose credentials were refused waits before it is tried again."""
    tolerance: TimeTolerance | None = attrs.Factory(TimeTolerance)
    """How far a declared time may lie from its receipt; ``None`` accepts any time (for
    a simulation whose clock does not follow the commands, never for people's work)."""
    cache_size: int = 10_000
    """How many cases to keep decoded between commands. A stale one is harmless: the
    append at its version then conflicts, and the command is decided again on a fresh
    load."""
    _cache: OrderedDict[str, Case] = attrs.field(factory=OrderedDict, init=False, repr=False)
    _wordings: dict[str, Templates] = attrs.field(factory=dict, init=False, repr=False)

    # -- commands --------------------------------------------------------------

    def handle(self, command: Command, *, organization: str | None = None) -> tuple[Event, ...]:
        """Run ``command`` and store what it causes, in one unit of work.

        ``organization`` is needed for :class:`Detect` (a new case); later
        commands find the case's own. The events record when the service received
        the command (its clock's now) beside the time the command declares.

        Returns:
            The events stored: the command's, then any п. 20 escalation it set off.

        Raises:
            UntrustedTime: the declared time lies outside :attr:`tolerance` of now.
            PermissionDenied, RuleViolation: refused; nothing is stored, the
                refusal is logged.
            UnknownCase: no such case (or, for :class:`LinkRepeat`, no such earlier case).
            ConcurrencyConflict: the case kept changing under us.
        """
        return self._handle(command, organization, self._received(command, command.at))

    def import_history(
        self, commands: Iterable[Command], *, organization: str | None = None
    ) -> tuple[Event, ...]:
        """Take in another system's history: each command as :meth:`handle` does, at the
        time it declares however far from now, its events marked ``imported`` (and so
        flagged by ``regflow verify`` and the compliance report).

        Returns:
            Every event stored, in order.
        """
        events: tuple[Event, ...] = ()
        for command in commands:
            events += self._handle(command, organization, self._received(command, command.at, True))
        return events

    def _received(
        self, command: Command, declared: dt.datetime, imported: bool = False
    ) -> _Receipt:
        """The receipt of ``command`` (the clock's now, and whether it is imported); its
        declared time checked against :attr:`tolerance` unless imported."""
        received = self.clock.now()
        tolerance = self.tolerance
        if (
            not imported
            and tolerance is not None
            and not received - tolerance.behind <= declared <= received + tolerance.ahead
        ):
            raise UntrustedTime(
                case_id=command.case_id,
                declared=declared,
                received=received,
                behind=tolerance.behind,
                ahead=tolerance.ahead,
            )
        return _Receipt(received, imported)

    def _handle(
        self, command: Command, organization: str | None, receipt: _Receipt
    ) -> tuple[Event, ...]:
        for attempt in range(_RETRIES):
            # A case in the cache is decided before the unit of work begins, so the store's
            # write lock is held for the writes and the commit only; if another process
            # changed the case meanwhile, the append conflicts and the command is decided
            # again on the stored case.
            cached = self._cache.get(command.case_id)
            plan = None
            if cached is not None and not isinstance(command, LinkRepeat):
                try:
                    plan = self._plan(cached, command, organization, receipt, log_refusal=False)
                except CommandRefused:  # perhaps only by a case the store has moved on from
                    self._cache.pop(command.case_id, None)
            try:
                with self.store.unit_of_work() as uow:
                    if plan is None:
                        plan = self._plan(self._load(uow, command), command, organization, receipt)
                    events, after = self._write(uow, plan)
            except ConcurrencyConflict:
                self._cache.pop(command.case_id, None)
                if attempt == _RETRIES - 1:
                    raise
            else:
                self._remember(after)
                return events
        raise AssertionError("unreachable")

    def _load(self, uow: UnitOfWork, command: Command) -> Case | None:
        if isinstance(command, LinkRepeat):
            self._check_repeat(uow, command)
        case = self._cache.get(command.case_id)
        if case is None:
            history = uow.events.load(command.case_id)
            case = replay(history) if history else None
        return case

    def _check_repeat(self, uow: UnitOfWork, command: LinkRepeat) -> None:
        """п. 16: the earlier case a repeat links to is a case of this store."""
        previous = command.previous_case_id.strip()
        if previous and previous != command.case_id and uow.cases.get(previous) is None:
            raise UnknownCase(previous)

    def _remember(self, case: Case) -> None:
        self._cache[case.id] = case
        self._cache.move_to_end(case.id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def intake(
        self,
        message: Message,
        *,
        organization: str,
        actor: str,
        at: dt.datetime | None = None,
        imported: bool = False,
    ) -> tuple[str, bool]:
        """Open a case for a detected message, unless the same post already has one.

        The message is screened (п. 18) and the findings go with the
        detection for the curator to decide on. ``at`` is when the record was
        received (the clock's now by default; a time further from now than
        :attr:`tolerance` only with ``imported``, which marks the event); the clocks
        start at :func:`~regflow.core.detection_instant` of it (п. 9). Returns
        ``(case id, opened)``.

        Raises:
            UntrustedTime: ``at`` lies outside :attr:`tolerance` of now.
        """
        key = message.intake_key
        case_id = f"{organization}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        findings = self.screener.screen(message.text)
        screening = tuple(sorted({f.category for f in findings}))
        received = at or self.clock.now()
        command = Detect(
            case_id=case_id,
            actor=actor,
            at=_detected(self.municipalities.get(organization), message, received),
            message=message,
            screening=screening,
        )
        receipt = self._received(command, received, imported)
        with self.store.unit_of_work() as uow:
            holder = uow.intake.claim(key, case_id)
            if holder != case_id or uow.events.load(case_id):
                return holder, False
            _events, after = self._write(uow, self._plan(None, command, organization, receipt))
        self._remember(after)
        return case_id, True

    def intake_record(
        self,
        record: Mapping[str, object],
        *,
        organization: str,
        actor: str,
        at: dt.datetime | None = None,
        imported: bool = False,
    ) -> tuple[str, bool]:
        """:meth:`intake` for a JSON-like record (a line of an intake file).

        Raises:
            InvalidMessage: every problem of the record, each with its path
                (``$.place.post_id``); nothing is stored.
        """
        message = Message.from_record(record)
        return self.intake(
            message, organization=organization, actor=actor, at=at, imported=imported
        )

    def case(self, case_id: str) -> Case:
        """The case as its stored events make it.

        Raises:
            UnknownCase: no such case (a :class:`KeyError` too).
        """
        with self.store.unit_of_work() as uow:
            events = uow.events.load(case_id)
        if not events:
            raise UnknownCase(case_id)
        return replay(events)

    def deadlines(self, case_id: str, now: dt.datetime | None = None) -> tuple[DeadlineState, ...]:
        """The deadlines of a case as of ``now`` (the clock's now by default)."""
        case = self.case(case_id)
        municipality = self.municipalities[case.organization]
        regulation = municipality.regulation(case.regulation, case.detected_at.date())
        return deadlines(
            case, regulation, now=now or self.clock.now(), organization=municipality.organization
        )

    def _plan(
        self,
        case: Case | None,
        command: Command,
        organization: str | None,
        receipt: _Receipt,
        *,
        log_refusal: bool = True,
    ) -> _Plan:
        """Decide ``command`` on ``case`` and what it causes; touches no store."""
        if case is None and not isinstance(command, Detect):
            raise UnknownCase(command.case_id)
        ident = case.organization if case is not None else organization
        if ident is None or ident not in self.municipalities:
            raise LookupError(f"no municipality {ident!r} for case {command.case_id}")
        municipality = self.municipalities[ident]
        org = municipality.organization
        if case is not None:
            regulation = municipality.regulation(case.regulation, case.detected_at.date())
        else:
            regulation = municipality.regulation(None, command.at.astimezone(org.zone).date())
        try:
            after, events = handle(
                regulation,
                org,
                case,
                command,
                received_at=receipt.received_at,
                imported=receipt.imported,
            )
        except CommandRefused as refusal:
            if log_refusal:
                log.warning(
                    "refused %s by %s on case %s: %s",
                    command.name,
                    command.actor,
                    command.case_id,
                    refusal,
                    extra={
                        "case_id": command.case_id,
                        "actor": command.actor,
                        "clause": refusal.clause,
                    },
                )
            raise
        return _Plan(
            command=command,
            receipt=receipt,
            before=case,
            events=events,
            after=after,
            regulation=regulation,
            org=org,
            entry=self.index_entry(after, regulation, org, command.at),
            effects=react(regulation, org, after, events),
        )

    def _write(self, uow: UnitOfWork, plan: _Plan) -> tuple[tuple[Event, ...], Case]:
        """Write a decided command, with the п. 20 escalations its classification sets off."""
        events, after, entry, effects = plan.events, plan.after, plan.entry, plan.effects
        if any(type(event.data) is Classified for event in events):
            raised = self._on_classification(uow, plan)
            if raised:
                regulation, org, at = plan.regulation, plan.org, plan.command.at
                after, escalated, caused = self._escalate(
                    uow, regulation, org, after, raised, at, plan.receipt
                )
                if escalated:
                    events += escalated
                    effects += caused
                    entry = self.index_entry(after, regulation, org, at)
        # The writes come together, after the work that decides them: the database's pages
        # stay warm from the first statement to the commit.
        uow.events.append(plan.command.case_id, plan.expected, events)
        uow.cases.put(entry)
        uow.outbox.enqueue(self._items(plan.org, after, effects))
        return events, after

    def _on_classification(self, uow: UnitOfWork, plan: _Plan) -> list[Escalation]:
        """п. 20 at classification: a socially significant message, a surge."""
        case, org, at = plan.after, plan.org, plan.command.at
        found = []
        for rule in plan.regulation.effective.escalations:
            if rule.trigger is EscalationTrigger.SIGNIFICANT:
                escalation = significant(case, org, rule)
            elif rule.trigger is EscalationTrigger.SURGE and case.location:
                for topic in sorted(case.topics):  # before counting: see the others' cases
                    uow.lock(surge_lock(org, rule, topic, case.location))
                since = window_start(rule, at, org.timezone)
                similar = {
                    topic: uow.cases.count(
                        organization=org.id,
                        topic=topic,
                        location=case.location,
                        detected_since=since,
                        limit=rule.threshold,
                    )
                    # the index holds the case as it was: count it as it is now
                    + _counted(case, topic, since)
                    - _counted(plan.before, topic, since, case.location)
                    for topic in case.topics
                }
                escalation = surge(case, org, rule, at, similar, org.timezone)
            else:
                escalation = None
            if escalation is not None:
                found.append(escalation)
        return found

    def _escalate(
        self,
        uow: UnitOfWork,
        regulation: Regulation,
        org: Organization,
        case: Case,
        raised: Iterable[Escalation],
        at: dt.datetime,
        cause: _Receipt | None = None,
    ) -> tuple[Case, tuple[Event, ...], tuple[Effect, ...]]:
        """Record each escalation not yet marked as an event of ``case``, with what it causes
        (received with ``cause``, the command that set it off; by the clock from a tick)."""
        received = cause.received_at if cause is not None else self.clock.now()
        imported = cause.imported if cause is not None else False
        events: list[Event] = []
        effects: list[Effect] = []
        for escalation in raised:
            if not uow.marks.add(escalation.mark, at):
                continue
            event = escalation_event(case, escalation, at, received_at=received, imported=imported)
            case = evolve(case, event)
            events.append(event)
            effects.extend(react(regulation, org, case, (event,)))
        return case, tuple(events), tuple(effects)

    def _items(self, org: Organization, case: Case, effects: Iterable[Effect]) -> list[OutboxItem]:
        items = []
        for effect in effects:
            if isinstance(effect, Notice):
                items.append(self._notification(org, case, effect))
            else:
                items.append(_publication(effect, case))
        return items

    def _wording(self, case: Case) -> Templates:
        """The templates of ``case``'s regulation: the service's, with the regulation's own
        ``[templates]`` over them (their language's, if the service has the library's)."""
        municipality = self.municipalities.get(case.organization)
        if municipality is None:
            return self.templates
        try:
            regulation = municipality.regulation(case.regulation, case.detected_at.date())
        except LookupError:
            return self.templates
        if not regulation.templates:
            return self.templates
        key = f"{regulation.id}@{regulation.version}"
        found = self._wordings.get(key)
        if found is None:
            base = None if self.templates == Templates() else self.templates
            found = self._wordings[key] = Templates.for_regulation(regulation, base)
        return found

    def _notification(self, org: Organization, case: Case, notice: Notice) -> OutboxItem:
        subject, text = self._wording(case).words(notice, case, org)
        try:
            someone = org.person(notice.recipient)
            address = someone.email or someone.telegram or someone.id
        except KeyError:
            address = notice.recipient
        notification = Notification(
            key=notice.key,
            recipient=notice.recipient,
            address=address,
            subject=subject,
            text=text,
            case_id=case.id,
            kind=notice.kind.value,
        )
        return OutboxItem(
            key=notice.key,
            kind="notify",
            payload=notification.to_record(),
            created_at=notice.at,
            case_id=case.id,
        )

    # -- the case index ------------------------------------------------------------

    def index_entry(
        self, case: Case, regulation: Regulation, org: Organization, now: dt.datetime
    ) -> CaseEntry:
        """What the case index should hold for ``case`` as of ``now`` (stage, next due...)."""
        return CaseEntry(
            case_id=case.id,
            organization=case.organization,
            stage=case.stage,
            detected_at=case.detected_at,
            updated_at=now,
            version=case.version,
            next_due=next_change(case, regulation, now),
            departments=case.departments,
            executors=tuple(sorted(set(case.executors.values()))),
            topics=case.topics,
            location=case.location,
        )

    # -- time ---------------------------------------------------------------------

    def tick(self, now: dt.datetime | None = None) -> TickReport:
        """Record due warnings and breaches, each exactly once, and notify.

        Works through the case index in batches of :attr:`batch` cases, in one
        unit of work per batch; never scans every case. A batch that meets a
        concurrent change to one of its cases (an escalation is appended to a
        case's history) is done again. A case that cannot be worked on (an
        event that does not decode, a broken hash chain, an unknown
        municipality or regulation version: :class:`CorruptCase`) is skipped,
        logged with its id and named in :attr:`TickReport.skipped`; the other
        cases are ticked.
        """
        at = now or self.clock.now()
        total = {"cases": 0, "warning": 0, "breach": 0, "escalation": 0}
        skipped: dict[str, None] = {}
        while True:
            for attempt in range(_RETRIES):
                counts = dict.fromkeys(total, 0)
                corrupt: dict[str, None] = {}
                try:
                    with self.store.unit_of_work() as uow:
                        # the skipped cases stay due: ask for as many more, so that they
                        # never fill a batch and hide the cases behind them
                        found = uow.cases.due(at, self.batch + len(skipped))
                        entries = [e for e in found if e.case_id not in skipped]
                        # by municipality: the breach locks are taken in one order
                        for entry in sorted(entries, key=lambda e: e.organization):
                            try:
                                self._tick_case(uow, entry, at, counts)
                            except CorruptCase as error:
                                corrupt[entry.case_id] = None
                                log.error(
                                    "tick skipped case %s: %s",
                                    entry.case_id,
                                    error.reason,
                                    extra={"case_id": entry.case_id},
                                )
                except ConcurrencyConflict as conflict:
                    self._cache.pop(conflict.case_id, None)
                    if attempt == _RETRIES - 1:
                        raise
                else:
                    break
            for name, value in counts.items():
                total[name] += value
            total["cases"] += len(entries) - len(corrupt)
            skipped.update(corrupt)
            if len(found) < self.batch + len(skipped) - len(corrupt):
                break
        return TickReport(
            total["cases"],
            total["warning"],
            total["breach"],
            total["escalation"],
            tuple(skipped),
        )

    def _tick_case(
        self, uow: UnitOfWork, entry: CaseEntry, at: dt.datetime, counts: dict[str, int]
    ) -> None:
        case, regulation, org, states = self._workable(uow, entry, at)
        effects: list[Effect] = []
        raised: list[Escalation] = []
        due = reminders(case, org, states, at)
        if any(r.kind is NoticeKind.BREACH and r.department is not None for r in due) and any(
            rule.trigger is EscalationTrigger.REPEATED_BREACHES
            for rule in regulation.effective.escalations
        ):  # before marking: count the others' breaches, not miss them
            uow.lock(breaches_lock(org))
        for reminder in due:
            if not uow.marks.add(reminder.mark, at, reminder.department):
                continue
            counts[reminder.kind.value] += 1
            effects.extend(reminder.notices)
            if reminder.kind is NoticeKind.BREACH and reminder.department is not None:
                raised += self._on_breach(uow, regulation, org, reminder.department, at)
        version = case.version
        if raised:
            case, events, caused = self._escalate(uow, regulation, org, case, raised, at)
            if events:
                uow.events.append(case.id, version, events)
                self._cache.pop(case.id, None)
                counts["escalation"] += len(events)
                effects.extend(caused)
        uow.outbox.enqueue(self._items(org, case, effects))
        uow.cases.put(self.index_entry(case, regulation, org, at))

    def _workable(
        self, uow: UnitOfWork, entry: CaseEntry, at: dt.datetime
    ) -> tuple[Case, Regulation, Organization, tuple[DeadlineState, ...]]:
        """The case of ``entry`` with its regulation, organisation and deadlines at ``at``,
        found before anything of it is written.

        Raises:
            CorruptCase: its events do not decode, verify or replay, its municipality or
                regulation version is not configured, or its deadlines cannot be computed
                (a date outside the calendar's years).
        """
        # A case this process has at the index's version need not be read again (the index
        # is written with the events); one it has not is read, not kept: a worker that only
        # ticks stays as small as its batch.
        case = self._cache.get(entry.case_id)
        try:
            if case is None or case.version != entry.version:
                history = uow.events.load(entry.case_id)
                verify(history)
                case = replay(history)
            municipality = self.municipalities.get(case.organization)
            if municipality is None:
                raise LookupError(f"no municipality {case.organization!r} is configured")
            regulation = municipality.regulation(case.regulation, case.detected_at.date())
            org = municipality.organization
            states = deadlines(case, regulation, now=at, organization=org)
        except CorruptCase:
            raise
        except StorageError as error:
            if not isinstance(error.__cause__, KeyError | TypeError | ValueError):
                raise  # the database failed, not this case
            raise CorruptCase(entry.case_id, str(error)) from error
        except (RegflowError, LookupError, ValueError, TypeError, AssertionError) as error:
            raise CorruptCase(entry.case_id, str(error) or type(error).__name__) from error
        return case, regulation, org, states

    def _on_breach(
        self,
        uow: UnitOfWork,
        regulation: Regulation,
        org: Organization,
        department: str,
        at: dt.datetime,
    ) -> list[Escalation]:
        """п. 20: shortcomings in a department's work, its breaches counted in a window."""
        found = []
        for rule in regulation.effective.escalations:
            if rule.trigger is not EscalationTrigger.REPEATED_BREACHES:
                continue
            since = window_start(rule, at, org.timezone)
            breaches = uow.marks.count(BREACH_MARKS, since, department, limit=rule.threshold)
            escalation = repeated_breaches(org, rule, department, at, breaches, org.timezone)
            if escalation is not None:
                found.append(escalation)
        return found


def _counted(case: Case | None, topic: str, since: dt.datetime, location: str | None = None) -> int:
    """1 if the case index counts ``case`` among the surge's messages (п. 20), else 0."""
    if case is None:
        return 0
    place = location if location is not None else case.location
    matches = topic in case.topics and case.location == place and case.detected_at >= since
    return int(matches)


def _publication(request: PublicationRequest, case: Case) -> OutboxItem:
    requested = next(
        event
        for event in reversed(case.events)
        if isinstance(event.data, PublicationRequested) and event.data.key == request.key
    )
    return OutboxItem(
        key=request.key,
        kind="publish",
        payload={
            "request": request_to_record(request),
            "actor": requested.actor,
            "text_sha256": text_digest(request.text),
        },
        created_at=requested.at,
        case_id=case.id,
    )


def open_service(
    *,
    store: Store,
    municipalities: Iterable[Municipality],
    notifier: Notifier,
    publisher: Publisher,
    screener: Screener,
    clock: Clock,
    templates: Templates | None = None,
    **settings: Any,
) -> Service:
    """The composition root: a :class:`Service` over the given adapters.

    Every adapter is passed in explicitly; nothing is chosen from the
    environment. ``settings`` are :class:`Service`'s tuning fields (``batch``,
    ``lease``, ``backoff``, ``max_backoff``, ``max_attempts``).
    """
    return Service(
        store=store,
        municipalities={m.organization.id: m for m in municipalities},
        notifier=notifier,
        publisher=publisher,
        screener=screener,
        clock=clock,
        templates=templates or Templates(),
        **settings,
    )


def _detected(where: Municipality | None, message: Message, received: dt.datetime) -> dt.datetime:
    """When ``message`` counts as detected (п. 9); an unknown municipality is refused later."""
    if where is None:
        return received
    day = received.astimezone(where.organization.zone).date()
    return detection_instant(where.regulation(None, day), message, received)


def read_cases(
    store: Store,
    organization: str,
    since: dt.datetime,
    until: dt.datetime,
    *,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
    skipped: Callable[[str, str], None] | None = None,
) -> Iterator[Case]:
    """The cases of ``organization`` detected in ``[since, until)``, oldest first, read
    page by page through the index in store snapshots: no write lock is held (staff
    commands go on meanwhile) and memory holds one page, however long the period.

    ``progress`` is called with the number of cases read after each page. A case whose
    events do not decode, verify or replay is left out and, with ``skipped``, named
    with the reason (``skipped(case_id, reason)``); without it, it raises.

    Raises:
        CorruptCase: a case that cannot be read, when ``skipped`` is not given.
        StorageError: the store failed.
    """
    after: tuple[dt.datetime, str] | None = None
    read = 0
    while True:
        histories: list[tuple[str, tuple[Event, ...]]] = []
        with store.snapshot() as snapshot:
            page = snapshot.cases.detected(
                organization=organization, since=since, until=until, after=after, limit=batch
            )
            for entry in page:
                try:
                    histories.append((entry.case_id, snapshot.events.load(entry.case_id)))
                except StorageError as error:
                    if not isinstance(error.__cause__, KeyError | TypeError | ValueError):
                        raise  # the database failed, not this case
                    _corrupt(skipped, entry.case_id, str(error))
        for case_id, history in histories:
            try:
                verify(history)
                case = replay(history)
            except (RegflowError, KeyError, TypeError, ValueError, AssertionError) as error:
                _corrupt(skipped, case_id, str(error) or type(error).__name__)
                continue
            yield case
        read += len(page)
        if progress is not None and page:
            progress(read)
        if len(page) < batch:
            return
        after = (page[-1].detected_at, page[-1].case_id)


def _corrupt(skipped: Callable[[str, str], None] | None, case_id: str, reason: str) -> None:
    if skipped is None:
        raise CorruptCase(case_id, reason)
    skipped(case_id, reason)
