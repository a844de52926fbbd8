"""The service: the one place where the engine meets the store and the world.

:func:`open_service` is the composition root: every adapter is passed in
explicitly. :meth:`Service.handle` loads a case, asks the engine, and writes
the events, the case index and the effects they cause (notifications,
publication requests) in one unit of work. :meth:`Service.tick` finds due
warnings and breaches through the index and records each exactly once;
:meth:`Service.dispatch` delivers the outbox at least once, retrying
transient failures with backoff and turning permanent ones into events and a
notice to the curator.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from regflow.calendar import in_words
from regflow.core.case import Case, evolve, replay
from regflow.core.commands import (
    Command,
    Detect,
    RecordPublication,
    RecordPublicationFailure,
)
from regflow.core.deadlines import DeadlineState, Status, deadlines, next_change
from regflow.core.decide import decide
from regflow.core.detection import detection_instant
from regflow.core.events import (
    Approved,
    Classified,
    DraftSubmitted,
    Escalated,
    Event,
    ExecutorAssigned,
    PublicationFailed,
    PublicationRequested,
    ReturnedForRework,
    Routed,
)
from regflow.core.message import Attachment, AttachmentKind, Message, Place
from regflow.core.organization import Organization
from regflow.errors import (
    CommandRefused,
    ConcurrencyConflict,
    DeliveryError,
    PublishError,
    UnknownCase,
)
from regflow.notices import Templates
from regflow.ports.effects import (
    Clock,
    Notification,
    Notifier,
    PublicationRequest,
    Publisher,
    Screener,
)
from regflow.ports.store import CaseEntry, OutboxItem, OutboxState, Store, UnitOfWork
from regflow.rules.kinds import EscalationTrigger
from regflow.rules.regulation import Regulation, select_regulation
from regflow.rules.vocabulary import Platform

__all__ = ["DispatchReport", "Municipality", "Service", "TickReport", "open_service"]

log = logging.getLogger("regflow.service")
_RETRIES = 5
"""How often a command is decided again after a concurrent change to its case."""


@attrs.frozen
class Municipality:
    """One municipality the service serves: its organisation and its regulation versions."""

    organization: Organization
    regulations: tuple[Regulation, ...]

    def regulation(self, bound: str | None, day: dt.date) -> Regulation:
        """The version a case is bound to (``"id@version"``), or the one in force on ``day``."""
        if bound is not None:
            for regulation in self.regulations:
                if f"{regulation.id}@{regulation.version}" == bound:
                    return regulation
            raise LookupError(f"regulation {bound} is not configured for {self.organization.id}")
        return select_regulation(self.regulations, day)


@attrs.frozen
class _Plan:
    """A decided command: its events and everything its unit of work is to write."""

    command: Command
    expected: int
    """The case's version the events follow."""
    events: tuple[Event, ...]
    after: Case
    regulation: Regulation
    org: Organization
    entry: CaseEntry
    items: tuple[OutboxItem, ...]
    """Notifications and publications; п. 20's escalations are added when written."""


@attrs.frozen
class TickReport:
    """What one :meth:`Service.tick` did."""

    cases: int
    warnings: int
    breaches: int
    escalations: int


@attrs.frozen
class DispatchReport:
    """What one :meth:`Service.dispatch` did."""

    delivered: int
    retried: int
    failed: int


@attrs.define
class Service:
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
    cache_size: int = 10_000
    """How many cases to keep decoded between commands. A stale one is harmless: the
    append at its version then conflicts, and the command is decided again on a fresh
    load."""
    _cache: OrderedDict[str, Case] = attrs.field(factory=OrderedDict, init=False, repr=False)

    # -- commands --------------------------------------------------------------

    def handle(self, command: Command, *, organization: str | None = None) -> tuple[Event, ...]:
        """Run ``command`` and store what it causes, in one unit of work.

        ``organization`` is needed for :class:`Detect` (a new case); later
        commands find the case's own.

        Raises:
            PermissionDenied, RuleViolation: refused; nothing is stored, the
                refusal is logged.
            ConcurrencyConflict: the case kept changing under us.
        """
        for attempt in range(_RETRIES):
            # A case in the cache is decided before the unit of work begins, so the store's
            # write lock is held for the writes and the commit only; if another process
            # changed the case meanwhile, the append conflicts and the command is decided
            # again on the stored case.
            cached = self._cache.get(command.case_id)
            plan = None
            if cached is not None:
                try:
                    plan = self._plan(cached, command, organization, log_refusal=False)
                except CommandRefused:  # perhaps only by a case the store has moved on from
                    self._cache.pop(command.case_id, None)
            try:
                with self.store.unit_of_work() as uow:
                    if plan is None:
                        events, after = self._handle(uow, command, organization)
                    else:
                        self._write(uow, plan)
                        events, after = plan.events, plan.after
            except ConcurrencyConflict:
                self._cache.pop(command.case_id, None)
                if attempt == _RETRIES - 1:
                    raise
            else:
                self._remember(after)
                return events
        raise AssertionError("unreachable")

    def _remember(self, case: Case) -> None:
        self._cache[case.id] = case
        self._cache.move_to_end(case.id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def intake(
        self, message: Message, *, organization: str, actor: str, at: dt.datetime | None = None
    ) -> tuple[str, bool]:
        """Open a case for a detected message, unless the same post already has one.

        The message is screened (п. 18) and the findings go with the
        detection for the curator to decide on. ``at`` is when the record was
        received (the clock's now by default); the clocks start at
        :func:`~regflow.core.detection_instant` of it (п. 9). Returns
        ``(case id, opened)``.
        """
        key = message.intake_key
        case_id = f"{organization}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        findings = self.screener.screen(message.text)
        screening = tuple(sorted({f.category for f in findings}))
        command = Detect(
            case_id=case_id,
            actor=actor,
            at=_detected(self.municipalities.get(organization), message, at or self.clock.now()),
            message=message,
            screening=screening,
        )
        with self.store.unit_of_work() as uow:
            holder = uow.intake.claim(key, case_id)
            if holder != case_id or uow.events.load(case_id):
                return holder, False
            _events, after = self._handle(uow, command, organization)
        self._remember(after)
        return case_id, True

    def intake_record(
        self,
        record: Mapping[str, object],
        *,
        organization: str,
        actor: str,
        at: dt.datetime | None = None,
    ) -> tuple[str, bool]:
        """:meth:`intake` for a JSON-like record (a line of an intake file).

        Raises:
            InvalidMessage: every problem of the record, each with its path
                (``$.place.post_id``); nothing is stored.
        """
        message = Message.from_record(record)
        return self.intake(message, organization=organization, actor=actor, at=at)

    def case(self, case_id: str) -> Case:
        """The case as its stored events make it.

        Raises:
            KeyError: no such case.
        """
        with self.store.unit_of_work() as uow:
            events = uow.events.load(case_id)
        if not events:
            raise KeyError(case_id)
        return replay(events)

    def deadlines(self, case_id: str, now: dt.datetime | None = None) -> tuple[DeadlineState, ...]:
        """The deadlines of a case as of ``now`` (the clock's now by default)."""
        case = self.case(case_id)
        municipality = self.municipalities[case.organization]
        regulation = municipality.regulation(case.regulation, case.detected_at.date())
        return deadlines(
            case, regulation, now=now or self.clock.now(), organization=municipality.organization
        )

    def _handle(
        self, uow: UnitOfWork, command: Command, organization: str | None
    ) -> tuple[tuple[Event, ...], Case]:
        case = self._cache.get(command.case_id)
        if case is None:
            history = uow.events.load(command.case_id)
            case = replay(history) if history else None
        plan = self._plan(case, command, organization)
        self._write(uow, plan)
        return plan.events, plan.after

    def _plan(
        self,
        case: Case | None,
        command: Command,
        organization: str | None,
        *,
        log_refusal: bool = True,
    ) -> _Plan:
        """Decide ``command`` on ``case`` and work out what to write; touches no store."""
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
            events = decide(regulation, org, case, command)
        except CommandRefused as refusal:
            if not log_refusal:
                raise
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
        after = case
        for event in events:
            after = evolve(after, event)
        assert after is not None
        return _Plan(
            command=command,
            expected=case.version if case is not None else 0,
            events=events,
            after=after,
            regulation=regulation,
            org=org,
            entry=self.index_entry(after, regulation, org, command.at),
            items=tuple(self._effects(after, org, events)),
        )

    def _write(self, uow: UnitOfWork, plan: _Plan) -> None:
        # The writes come together, after the work that decides them: the database's pages
        # stay warm from the first statement to the commit.
        uow.events.append(plan.command.case_id, plan.expected, plan.events)
        uow.cases.put(plan.entry)  # before the escalations: п. 20's surge count includes it
        items = list(plan.items)
        for event in plan.events:
            if isinstance(event.data, Classified):
                items += self._escalate_on_classification(
                    uow, plan.after, plan.regulation, plan.org, event
                )
        uow.outbox.enqueue(items)

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

    # -- effects -------------------------------------------------------------------

    def _notice(
        self,
        org: Organization,
        person: str,
        case: Case,
        kind: str,
        key: str,
        at: dt.datetime,
        **fields: str | Callable[[], str],
    ) -> OutboxItem:
        someone = org.person(person)
        values = _Fields(
            {
                "case": case.id,
                "url": case.message.url,
                "text": case.message.text[:300],
                "person": someone.name,
                "title": "",
                "clause": "",
                "due": "",
                "left": "",
                "late": "",
                "reason": "",
                "departments": ", ".join(case.departments),
                "responsible": "",
                **fields,
            }
        )
        subject = getattr(self.templates, f"{kind}_subject").format_map(values)
        text = getattr(self.templates, kind).format_map(values)
        address = someone.email or someone.telegram or someone.id
        payload: dict[str, object] = {  # Notification's fields, as dispatch reads them back
            "key": key,
            "recipient": person,
            "address": address,
            "subject": subject,
            "text": text,
            "case_id": case.id,
            "kind": kind,
        }
        return OutboxItem(key=key, kind="notify", payload=payload, created_at=at, case_id=case.id)

    def _effects(
        self,
        case: Case,
        org: Organization,
        events: Iterable[Event],
    ) -> Iterable[OutboxItem]:
        curators = org.curators
        for event in events:
            data = event.data
            key = f"{event.case_id}/{event.seq}"
            if isinstance(data, Routed):
                for department in data.added:
                    head = org.department(department).head
                    yield self._notice(org, head, case, "routed", f"{key}/{head}", event.at)
            elif isinstance(data, ExecutorAssigned):
                reason = f" ({data.substitution})" if data.substitution else ""
                yield self._notice(
                    org, data.executor, case, "assigned", key, event.at, reason=reason
                )
            elif isinstance(data, DraftSubmitted):
                for curator in curators:
                    yield self._notice(org, curator, case, "draft", f"{key}/{curator}", event.at)
            elif isinstance(data, ReturnedForRework | Approved) and case.lead_executor:
                kind = "rework" if isinstance(data, ReturnedForRework) else "approved"
                yield self._notice(
                    org, case.lead_executor, case, kind, key, event.at, reason=data.remarks
                )
            elif isinstance(data, Escalated):
                for deputy in data.deputies:
                    yield self._notice(
                        org,
                        deputy,
                        case,
                        "escalation",
                        f"{key}/{deputy}",
                        event.at,
                        reason=data.reason,
                    )
            elif isinstance(data, PublicationFailed) and data.permanent:
                for curator in curators:
                    yield self._notice(
                        org,
                        curator,
                        case,
                        "failed",
                        f"{key}/{curator}",
                        event.at,
                        reason=data.reason,
                    )
            elif isinstance(data, PublicationRequested):
                assert case.draft is not None
                request = PublicationRequest(
                    key=data.key,
                    case_id=case.id,
                    platform=case.message.platform,
                    place=case.message.place,
                    text=case.draft.text,
                    attachments=case.draft.attachments,
                    account=data.account,
                )
                payload: dict[str, object] = {
                    "request": _request_record(request),
                    "actor": event.actor,
                }
                yield OutboxItem(
                    key=data.key,
                    kind="publish",
                    payload=payload,
                    created_at=event.at,
                    case_id=case.id,
                )

    def _escalate_on_classification(
        self, uow: UnitOfWork, case: Case, regulation: Regulation, org: Organization, event: Event
    ) -> Iterable[OutboxItem]:
        """п. 20: a socially significant message, or a surge of messages on one topic and place."""
        for rule in regulation.escalations:
            reason = ""
            if rule.trigger is EscalationTrigger.SIGNIFICANT and case.significant:
                mark = f"escalation/{rule.id}/{case.id}"
                reason = "общественно значимое сообщение"
            elif rule.trigger is EscalationTrigger.SURGE and case.location:
                since = event.at - rule.window.as_timedelta()
                for topic in case.topics:
                    similar = uow.cases.count(
                        organization=org.id,
                        topic=topic,
                        location=case.location,
                        detected_since=since,
                        limit=rule.threshold,
                    )
                    if similar >= rule.threshold:
                        bucket = int(
                            event.at.timestamp() // rule.window.as_timedelta().total_seconds()
                        )
                        mark = f"escalation/{rule.id}/{org.id}/{topic}/{case.location}/{bucket}"
                        reason = f"всплеск активности: {topic}, {case.location}"
                        break
            if reason and uow.marks.add(mark, event.at):
                for deputy in org.deputies_for(case.topics):
                    yield self._notice(
                        org,
                        deputy,
                        case,
                        "escalation",
                        f"{mark}/{deputy}",
                        event.at,
                        reason=reason,
                    )

    # -- time ---------------------------------------------------------------------

    def tick(self, now: dt.datetime | None = None) -> TickReport:
        """Record due warnings and breaches, each exactly once, and notify.

        Works through the case index in batches of :attr:`batch` cases, in one
        unit of work per batch; never scans every case.
        """
        at = now or self.clock.now()
        counts = {"cases": 0, "warning": 0, "breach": 0, "escalation": 0}
        while True:
            with self.store.unit_of_work() as uow:
                entries = uow.cases.due(at, self.batch)
                for entry in entries:
                    self._tick_case(uow, entry, at, counts)
            counts["cases"] += len(entries)
            if len(entries) < self.batch:
                break
        return TickReport(
            counts["cases"], counts["warning"], counts["breach"], counts["escalation"]
        )

    def _tick_case(
        self, uow: UnitOfWork, entry: CaseEntry, at: dt.datetime, counts: dict[str, int]
    ) -> None:
        # A case this process has at the index's version need not be read again (the index
        # is written with the events); one it has not is read, not kept: a worker that only
        # ticks stays as small as its batch.
        case = self._cache.get(entry.case_id)
        if case is None or case.version != entry.version:
            case = replay(uow.events.load(entry.case_id))
        municipality = self.municipalities[case.organization]
        org = municipality.organization
        regulation = municipality.regulation(case.regulation, case.detected_at.date())
        states = deadlines(case, regulation, now=at, organization=org)
        items: list[OutboxItem] = []
        for state in states:
            kind = {Status.WARNING: "warning", Status.BREACHED: "breach"}.get(state.status)
            if kind is None or (kind == "breach" and state.met_at is not None):
                continue
            department = state.department or "-"
            mark = f"{kind}/{case.id}/{state.id}/{department}/{_stamp(state.started_at)}"
            if not uow.marks.add(mark, at, state.department):
                continue
            counts[kind] += 1
            recipients = [state.responsible] if state.responsible else []
            if kind == "breach":
                recipients += [c for c in org.curators if c not in recipients]
            for person in recipients:
                items.append(
                    self._notice(
                        org,
                        person,
                        case,
                        kind,
                        f"{mark}/{person}",
                        at,
                        title=state.title,
                        clause=state.clause,
                        due=f"{state.due:%d.%m.%Y %H:%M}",
                        left=functools.partial(in_words, state.due - at),
                        late=functools.partial(in_words, at - state.due),
                        responsible=state.responsible or state.responsible_role,
                    )
                )
            if kind == "breach" and state.department:
                items += self._escalate_breaches(uow, case, regulation, org, state, at, counts)
        uow.outbox.enqueue(items)
        uow.cases.put(self.index_entry(case, regulation, org, at))

    def _escalate_breaches(
        self,
        uow: UnitOfWork,
        case: Case,
        regulation: Regulation,
        org: Organization,
        state: DeadlineState,
        at: dt.datetime,
        counts: dict[str, int],
    ) -> list[OutboxItem]:
        """п. 20: shortcomings in a department's work -- repeated breaches in a period."""
        items = []
        department = state.department
        assert department is not None
        for rule in regulation.escalations:
            if rule.trigger is not EscalationTrigger.REPEATED_BREACHES:
                continue
            window = rule.window.as_timedelta()
            breaches = uow.marks.count("breach/", at - window, department, limit=rule.threshold)
            if breaches < rule.threshold:
                continue
            mark = (
                f"escalation/{rule.id}/{department}/{int(at.timestamp() // window.total_seconds())}"
            )
            if not uow.marks.add(mark, at, department):
                continue
            counts["escalation"] += 1
            topics = org.department(department).topics
            for deputy in org.deputies_for(topics):
                items.append(
                    self._notice(
                        org,
                        deputy,
                        case,
                        "escalation",
                        f"{mark}/{deputy}",
                        at,
                        reason=f"повторные нарушения сроков: {department}",
                    )
                )
        return items

    # -- the outbox ---------------------------------------------------------------

    def dispatch(self, now: dt.datetime | None = None) -> DispatchReport:
        """Deliver what the outbox holds: at least once, with idempotency keys.

        Transient failures are retried with exponential backoff; permanent
        ones are given up: a failed publication becomes an event of its case
        and a notice to the curator.
        """
        at = now or self.clock.now()
        delivered = retried = failed = 0
        while True:
            with self.store.unit_of_work() as uow:
                items = uow.outbox.claim(at, self.batch, self.lease)
            for item in items:
                outcome = self._deliver(item, at)
                delivered += outcome == "done"
                retried += outcome == "retry"
                failed += outcome == "failed"
            if len(items) < self.batch:
                break
        return DispatchReport(delivered, retried, failed)

    def _deliver(self, item: OutboxItem, at: dt.datetime) -> str:
        try:
            if item.kind == "publish":
                request = _request_from_record(item.payload["request"])
                published = self.publisher.publish(request)
                self._record(
                    item,
                    RecordPublication,
                    external_id=published.external_id,
                    url=published.url,
                    at=at,
                )
            else:
                self.notifier.send(Notification(**item.payload))  # type: ignore[arg-type]
        except (DeliveryError, PublishError) as error:
            permanent = not error.transient or item.attempts + 1 >= self.max_attempts
            if permanent:
                with self.store.unit_of_work() as uow:
                    uow.outbox.settle(item.key, OutboxState.FAILED, error=str(error))
                if item.kind == "publish":
                    self._record(
                        item, RecordPublicationFailure, reason=str(error), permanent=True, at=at
                    )
                log.error("gave up %s %s: %s", item.kind, item.key, error)
                return "failed"
            delay = self._delay(item.attempts, error.retry_after)
            with self.store.unit_of_work() as uow:
                uow.outbox.settle(
                    item.key, OutboxState.PENDING, error=str(error), retry_at=at + delay
                )
            return "retry"
        with self.store.unit_of_work() as uow:
            uow.outbox.settle(item.key, OutboxState.DONE)
        return "done"

    def _delay(self, attempts: int, retry_after: float | None) -> dt.timedelta:
        if retry_after is not None:
            return dt.timedelta(seconds=retry_after)
        return min(self.backoff * (1 << min(attempts, 30)), self.max_backoff)

    def _record(self, item: OutboxItem, kind: Any, *, at: dt.datetime, **fields: Any) -> None:
        """Tell the case what became of its publication; a repeat is harmless."""
        assert item.case_id is not None
        actor = str(item.payload["actor"])
        case = self.case(item.case_id)
        when = max(at, case.events[-1].at)
        try:
            self.handle(kind(case_id=item.case_id, actor=actor, at=when, **fields))
        except CommandRefused as refusal:  # already recorded, or the case moved on
            log.info("publication of %s not recorded: %s", item.key, refusal)


def _bucket(at: dt.datetime, window: dt.timedelta) -> int:
    """The number of the ``window``-long period ``at`` falls in (for once-per-period marks)."""
    return int(at.timestamp() // max(window.total_seconds(), 1))


def _request_record(request: PublicationRequest) -> dict[str, object]:
    return {
        "key": request.key,
        "case_id": request.case_id,
        "platform": request.platform.value,
        "place": attrs.asdict(request.place),
        "text": request.text,
        "attachments": [{"kind": a.kind.value, "url": a.url} for a in request.attachments],
        "account": request.account,
    }


def _request_from_record(record: Any) -> PublicationRequest:
    # Any: a JSON object written by _request_record, read back from the store
    return PublicationRequest(
        key=record["key"],
        case_id=record["case_id"],
        platform=Platform(record["platform"]),
        place=Place(**record["place"]),
        text=record["text"],
        attachments=tuple(
            Attachment(AttachmentKind(a["kind"]), a["url"]) for a in record["attachments"]
        ),
        account=record["account"],
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


class _Fields(dict[str, str | Callable[[], str]]):
    """A notification's template fields; a callable one is worked out only if a template
    uses it (time left or late, in words, costs more than the rest together)."""

    def __getitem__(self, name: str) -> str:
        value = super().__getitem__(name)
        if callable(value):
            value = value()
            self[name] = value
        return value


def _stamp(instant: dt.datetime) -> int:
    """The wall-clock fields of ``instant`` read as UTC, in seconds: a part of mark keys.

    What ``strftime("%s")`` gave on a host running in UTC, without depending on the
    host's time zone (``%s`` reads the fields in the process's local zone, so workers in
    different zones would not agree on the keys).
    """
    return calendar.timegm(instant.timetuple())


def _detected(where: Municipality | None, message: Message, received: dt.datetime) -> dt.datetime:
    """When ``message`` counts as detected (п. 9); an unknown municipality is refused later."""
    if where is None:
        return received
    day = received.astimezone(where.organization.zone).date()
    return detection_instant(where.regulation(None, day), message, received)
