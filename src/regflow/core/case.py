"""The state of a case: a fold of its events.

:func:`evolve` applies one event to a :class:`Case`; :func:`replay` folds a
whole history. The state keeps the history itself, because deadlines are a
pure function of it (see :mod:`regflow.core.deadlines`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

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
    PublicationFailed,
    PublicationRequested,
    Published,
    RepeatLinked,
    ReturnedForRework,
    ReturnedToCurator,
    Routed,
)
from regflow.core.message import Attachment, Message
from regflow.rules.kinds import AnswerForm, Period
from regflow.rules.vocabulary import DraftKind

__all__ = ["Case", "Draft", "Holding", "evolve", "replay"]


@attrs.frozen
class Holding:
    """Who held a case from an instant on: its stage, lead department and executors."""

    since: dt.datetime
    stage: str
    lead: str | None
    executors: Mapping[str, str] = attrs.field(hash=False)


@attrs.frozen
class Draft:
    """The draft the case is working on: submitted, approved, or published."""

    kind: DraftKind
    number: int
    text: str
    state: str
    """``submitted``, ``returned``, ``approved``, ``requested`` or ``published``."""
    measures: str | None = None
    attachments: tuple[Attachment, ...] = ()

    def public_text(self, form: AnswerForm) -> str:
        """The text to publish: the answer, then the measures taken (п. 16).

        The author must read the measures, so they are part of the published
        answer: appended after a blank line, under ``form.measures_label``,
        unless the text already contains them word for word.

        >>> from regflow.rules import blagoveshchensk_2020
        >>> form = blagoveshchensk_2020().effective.answer_form
        >>> draft = Draft(DraftKind.ANSWER, 1, "Снег вывезут до пятницы.", "approved",
        ...               measures="Выделена техника.")
        >>> print(draft.public_text(form))
        Снег вывезут до пятницы.
        <BLANKLINE>
        Принятые меры: Выделена техника.
        """
        measures = (self.measures or "").strip()
        if not measures or measures in self.text:
            return self.text
        label = form.measures_label.strip()
        tail = f"{label} {measures}" if label else measures
        return f"{self.text.rstrip()}\n\n{tail}" if self.text.strip() else tail


@attrs.frozen
class Case:
    """One message's life under the regulation, as its events made it.

    Build it with :func:`replay`; never edit it -- issue a command.
    """

    id: str
    events: tuple[Event, ...]
    stage: str
    message: Message
    regulation: str
    organization: str
    detected_at: dt.datetime
    detected_by: str
    screening: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    location: str | None = None
    importance: str | None = None
    answer_limit: Period | None = None
    significant: bool = False
    tight_confirmed: bool = False
    departments: tuple[str, ...] = ()
    """The departments the message is routed to now (returns remove theirs)."""
    order: tuple[tuple[str, ...], ...] = ()
    lead: str | None = None
    preparer: str | None = None
    """The person the curator appointed to prepare the answer (п. 15(4)), if any."""
    executors: Mapping[str, str] = attrs.field(factory=dict)
    """Department -> its designated executor."""
    opened: frozenset[str] = frozenset()
    """Departments whose contribution clock has started (п. 15(3))."""
    contributed: frozenset[str] = frozenset()
    draft: Draft | None = None
    drafts: int = 0
    interim_published: bool = False
    clarification_pending: bool = False
    repeat_of: str | None = None
    escalations: int = 0
    failure: str | None = None
    """The last permanent publication failure, for the curator."""
    holdings: tuple[Holding, ...] = ()
    """Who held the case when (п. 19): a :class:`Holding` from each event that changed its
    stage, lead or executors, oldest first."""

    @property
    def version(self) -> int:
        """The number of events: what a store expects when appending."""
        return len(self.events)

    @property
    def last_hash(self) -> str:
        """The hash the next event must chain to."""
        return self.events[-1].hash if self.events else GENESIS

    @property
    def is_open(self) -> bool:
        """False once the case is excluded or closed."""
        return self.stage not in ("excluded", "closed")

    @property
    def lead_executor(self) -> str | None:
        """The executor who prepares and publishes the answer."""
        return self.executors.get(self.lead) if self.lead else None

    def co_executors(self) -> dict[str, str]:
        """Department -> executor, for the departments other than the lead."""
        return {d: p for d, p in self.executors.items() if d != self.lead}

    def held_at(self, instant: dt.datetime) -> Holding:
        """Who held the case at ``instant``: the last :class:`Holding` from before or at it
        (the first one for an instant before detection)."""
        found = self.holdings[0]
        for holding in self.holdings:
            if holding.since > instant:
                break
            found = holding
        return found


def _first(event: Event) -> Case:
    data = event.data
    if not isinstance(data, Detected):
        raise ValueError(f"a case starts with 'detected', not {event.type!r}")
    return Case(
        id=event.case_id,
        events=(event,),
        stage="detected",
        message=data.message,
        regulation=data.regulation,
        organization=data.organization,
        detected_at=event.at,
        detected_by=event.actor,
        screening=data.screening,
        holdings=(Holding(event.at, "detected", None, {}),),
    )


def evolve(case: Case | None, event: Event) -> Case:
    """The case after ``event``. Pure: the input is not changed.

    Raises:
        ValueError: an event that cannot follow (a history not made by :func:`decide`).
    """
    if case is None:
        return _first(event)
    after = _apply(case, event)
    if (
        after.stage != case.stage
        or after.lead != case.lead
        or (after.executors is not case.executors and after.executors != case.executors)
    ):
        holding = Holding(event.at, after.stage, after.lead, after.executors)
        after = attrs.evolve(after, holdings=(*case.holdings, holding))
    return after


def _apply(case: Case, event: Event) -> Case:
    data = event.data
    events = (*case.events, event)
    if isinstance(data, Classified):
        return attrs.evolve(
            case,
            events=events,
            stage="classified" if case.stage == "detected" else case.stage,
            topics=data.topics,
            location=data.location,
            importance=data.importance,
            answer_limit=data.answer_limit,
            significant=data.significant,
            tight_confirmed=data.tight_confirmed,
        )
    if isinstance(data, Routed):
        kept = set(data.departments)
        executors = {d: p for d, p in case.executors.items() if d in kept}
        return attrs.evolve(
            case,
            events=events,
            stage="in_work" if data.lead in executors else "routed",
            departments=data.departments,
            order=data.order,
            lead=data.lead,
            preparer=data.preparer or (case.preparer if data.lead == case.lead else None),
            executors=executors,
            opened=frozenset(d for d in case.opened if d in kept),
            contributed=frozenset(d for d in case.contributed if d in kept),
        )
    if isinstance(data, ReturnedToCurator):
        remaining = tuple(d for d in case.departments if d != data.department)
        executors = {d: p for d, p in case.executors.items() if d != data.department}
        lead = case.lead if case.lead in remaining else (remaining[0] if remaining else None)
        # a lead that sends a part of its own stands in the order (a reading of п. 15);
        # otherwise a department that comes to lead leaves the order
        lead_in_order = any(case.lead in group for group in case.order)
        gone = {data.department} if lead_in_order else {data.department, lead}
        groups = (tuple(d for d in group if d not in gone) for group in case.order)
        order = tuple(group for group in groups if group)
        stage = "classified" if not remaining else "in_work" if lead in executors else "routed"
        return attrs.evolve(
            case,
            events=events,
            stage=stage,
            departments=remaining,
            executors=executors,
            order=order,
            lead=lead,
            preparer=case.preparer if lead == case.lead else None,
        )
    if isinstance(data, ExecutorAssigned):
        executors = {**case.executors, data.department: data.executor}
        stage = case.stage
        if data.department == case.lead and case.stage == "routed":
            stage = "in_work"
        return attrs.evolve(case, events=events, executors=executors, stage=stage)
    if isinstance(data, ContributionOpened):
        return attrs.evolve(case, events=events, opened=case.opened | {data.department})
    if isinstance(data, ContributionCancelled):
        return attrs.evolve(case, events=events, opened=case.opened - {data.department})
    if isinstance(data, ContributionSubmitted):
        return attrs.evolve(case, events=events, contributed=case.contributed | {data.department})
    if isinstance(data, DraftSubmitted):
        draft = Draft(
            data.kind, data.number, data.text, "submitted", data.measures, data.attachments
        )
        return attrs.evolve(
            case, events=events, stage="awaiting_approval", draft=draft, drafts=data.number
        )
    if isinstance(data, Approved):
        assert case.draft is not None
        return attrs.evolve(
            case, events=events, stage="approved", draft=attrs.evolve(case.draft, state="approved")
        )
    if isinstance(data, ReturnedForRework):
        assert case.draft is not None
        return attrs.evolve(
            case, events=events, stage="rework", draft=attrs.evolve(case.draft, state="returned")
        )
    if isinstance(data, PublicationRequested):
        assert case.draft is not None
        draft = attrs.evolve(case.draft, state="requested")
        return attrs.evolve(case, events=events, draft=draft, failure=None)
    if isinstance(data, Published):
        assert case.draft is not None
        draft = attrs.evolve(case.draft, state="published")
        if data.kind is DraftKind.ANSWER:
            stage = "answered"
        elif data.kind is DraftKind.INTERIM:
            stage = "interim_published"
        else:
            stage = "interim_published" if case.interim_published else "in_work"
        return attrs.evolve(
            case,
            events=events,
            stage=stage,
            draft=draft,
            interim_published=case.interim_published or data.kind is DraftKind.INTERIM,
            clarification_pending=data.kind is DraftKind.CLARIFICATION,
            failure=None,
        )
    if isinstance(data, PublicationFailed):
        return attrs.evolve(
            case, events=events, failure=data.reason if data.permanent else case.failure
        )
    if isinstance(data, ClarificationReceived):
        return attrs.evolve(case, events=events, clarification_pending=False)
    if isinstance(data, Excluded):
        return attrs.evolve(case, events=events, stage="excluded")
    if isinstance(data, Escalated):
        return attrs.evolve(case, events=events, escalations=case.escalations + 1)
    if isinstance(data, RepeatLinked):
        return attrs.evolve(case, events=events, repeat_of=data.previous_case_id)
    if isinstance(data, Closed):
        return attrs.evolve(case, events=events, stage="closed")
    raise ValueError(f"event {event.type!r} cannot follow in case {case.id}")


def replay(events: Iterable[Event]) -> Case:
    """The case its events make.

    Raises:
        ValueError: no events, or a history that does not start with detection.
    """
    case: Case | None = None
    for event in events:
        case = evolve(case, event)
    if case is None:
        raise ValueError("a case needs at least its 'detected' event")
    return case
