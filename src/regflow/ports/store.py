"""The Store port: the event log, the case index, intake keys, marks and the outbox.

One :class:`Store` hands out units of work; everything done through one
:class:`UnitOfWork` commits together or not at all. That is what makes the
service safe: a case's new events, its index entry and the notifications they
cause are written in one transaction.

Each part of a unit of work is a narrow protocol of its own, so an integrator
writing an adapter for another database implements small pieces, and proves
them with :mod:`regflow.testing`'s contract suite.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import attrs

from regflow.core.events import Event
from regflow.rules.vocabulary import END_STAGES

__all__ = [
    "END_STAGES",
    "CaseEntry",
    "CaseIndex",
    "EventLog",
    "IntakeKeys",
    "Marks",
    "Outbox",
    "OutboxItem",
    "OutboxState",
    "SentLog",
    "SentRecord",
    "Snapshot",
    "Store",
    "UnitOfWork",
]

# END_STAGES is defined with the stages in regflow.rules.vocabulary, because the
# regulation's check that every case can end needs it too and rules sit below the
# ports; the ports re-export it as theirs: a case is open until its stage is one of
# them, and the store's due() and query() answer for open cases only.


class EventLog(Protocol):
    """Cases' events, in order, appended at an expected version."""

    def load(self, case_id: str) -> tuple[Event, ...]:
        """Every event of ``case_id`` in sequence order; ``()`` for an unknown case."""
        ...

    def append(self, case_id: str, expected_version: int, events: Sequence[Event]) -> None:
        """Add ``events`` after the case's ``expected_version``-th event.

        Raises:
            ConcurrencyConflict: the case has another number of events (someone
                else appended first); nothing is written.
        """
        ...


@attrs.frozen
class CaseEntry:
    """What the case index knows of a case, for queries that must not replay events.

    ``next_due`` is the earliest instant something happens to the case by
    itself (a warning or a deadline passing); ``None`` once nothing can.
    """

    case_id: str
    organization: str
    stage: str
    detected_at: dt.datetime
    updated_at: dt.datetime
    version: int
    next_due: dt.datetime | None
    departments: tuple[str, ...] = ()
    executors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    location: str | None = None


class CaseIndex(Protocol):
    """The current state of cases, kept in step with their events."""

    def put(self, entry: CaseEntry) -> None:
        """Insert or replace the entry of ``entry.case_id``."""
        ...

    def get(self, case_id: str) -> CaseEntry | None:
        """The entry of ``case_id``, if any."""
        ...

    def due(self, now: dt.datetime, limit: int) -> list[CaseEntry]:
        """Up to ``limit`` open cases whose ``next_due`` is at or before ``now``, earliest first.

        Adapters for databases shared by several workers lock the rows they
        return for the rest of the unit of work and skip rows others locked,
        so that workers share the due work without doing it twice.
        """
        ...

    def query(
        self,
        *,
        organization: str | None = None,
        department: str | None = None,
        executor: str | None = None,
        stage: str | None = None,
        topic: str | None = None,
        location: str | None = None,
        detected_since: dt.datetime | None = None,
        limit: int = 100,
    ) -> list[CaseEntry]:
        """Cases matching every given filter, by ``next_due`` then id.

        Without ``stage``, open cases only (a stage not in :data:`END_STAGES`:
        not answered, excluded or closed); ``stage="any"`` for every case
        whatever its stage.
        """
        ...

    def count(
        self,
        *,
        organization: str | None = None,
        department: str | None = None,
        executor: str | None = None,
        stage: str | None = None,
        topic: str | None = None,
        location: str | None = None,
        detected_since: dt.datetime | None = None,
        limit: int | None = None,
    ) -> int:
        """How many cases :meth:`query` with the same filters would find, without a limit
        or, with ``limit``, counting no further than ``limit`` (enough to compare with a
        threshold such as п. 20's surge)."""
        ...

    def detected(
        self,
        *,
        organization: str,
        since: dt.datetime,
        until: dt.datetime,
        after: tuple[dt.datetime, str] | None = None,
        limit: int = 500,
    ) -> list[CaseEntry]:
        """Up to ``limit`` cases of ``organization`` detected in ``[since, until)``, whatever
        their stage, by detection instant then id, starting after ``after`` (the
        ``(detected_at, case_id)`` of the last entry of the previous page): a period's
        cases page by page, as a report reads them, without an offset that grows."""
        ...


class IntakeKeys(Protocol):
    """De-duplication of detected messages: one case per post."""

    def claim(self, key: str, case_id: str) -> str:
        """Record that ``key`` opened ``case_id``; returns the case that holds the key
        (``case_id`` if it is new, the earlier case if the key is known)."""
        ...


class Marks(Protocol):
    """Things that must happen once: a deadline's warning, its breach, an escalation."""

    def add(self, key: str, at: dt.datetime, department: str | None = None) -> bool:
        """Record ``key``; ``True`` the first time, ``False`` if it was already recorded."""
        ...

    def count(
        self,
        prefix: str,
        since: dt.datetime,
        department: str | None = None,
        *,
        limit: int | None = None,
    ) -> int:
        """How many marks whose key starts with ``prefix`` were recorded since ``since``
        (for ``department`` if given); with ``limit``, counting stops there (enough to
        compare with a threshold, however many marks a busy period left)."""
        ...


class OutboxState(enum.Enum):
    """Where an outbox item stands."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    """Gave up: a permanent error; a person must act."""


@attrs.frozen
class OutboxItem:
    """An effect to deliver at least once: a notification or a publication.

    ``key`` identifies it for idempotency: the same key is never enqueued
    twice and a receiver can drop repeats.
    """

    key: str
    kind: str
    """``"notify"`` or ``"publish"``."""
    payload: dict[str, object] = attrs.field(eq=False, hash=False)
    created_at: dt.datetime
    case_id: str | None = None
    attempts: int = 0
    available_at: dt.datetime | None = None
    state: OutboxState = OutboxState.PENDING
    last_error: str = ""
    claim: str = attrs.field(default="", eq=False)
    """The token of the claim that returned the item (empty otherwise): only its holder
    renews the lease or settles the item (see :meth:`Outbox.settle`)."""


@attrs.frozen
class SentRecord:
    """What the sent log knows of one publication key: a send begun, or finished."""

    key: str
    sending: bool
    """``True`` while a send has begun and not been recorded as finished: if it stays so,
    its outcome is unknown (the reply was lost, or the worker stopped)."""
    started_at: dt.datetime
    external_id: str = ""
    url: str = ""


class SentLog(Protocol):
    """Publications sent to a network without an idempotency key (Telegram), kept in the
    store rather than by each worker, written before and after each send."""

    def get(self, key: str) -> SentRecord | None:
        """The record of ``key``, if a send of it ever began."""
        ...

    def begin(self, key: str, at: dt.datetime) -> SentRecord | None:
        """Note that a send of ``key`` begins at ``at``; ``None`` if it is the first, or the
        record already there (a send begun before, finished or not), which is kept."""
        ...

    def finish(self, key: str, external_id: str, url: str, at: dt.datetime) -> None:
        """Record that the send of ``key`` was carried out, as ``external_id`` at ``url``
        (``at``: when the send began, if no :meth:`begin` noted it)."""
        ...

    def abandon(self, key: str) -> None:
        """Forget an unfinished send of ``key`` that certainly did not reach the network
        (refused, or never connected), so that a retry sends it; a finished one stays."""
        ...


class Outbox(Protocol):
    """Effects written in the same transaction as the events that caused them."""

    def enqueue(self, items: Sequence[OutboxItem]) -> int:
        """Add items whose keys are new; returns how many were added."""
        ...

    def claim(self, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[OutboxItem]:
        """Up to ``limit`` pending items available at ``now``, oldest first, each made
        unavailable to other claimers for ``lease`` (so a crashed worker's items come back)
        and given a fresh claim token (:attr:`OutboxItem.claim`)."""
        ...

    def renew(self, key: str, claim: str, until: dt.datetime) -> bool:
        """Extend the lease of ``key`` to ``until`` if the claim ``claim`` still holds it;
        ``False`` if it does not (the lease lapsed and another claim took the item, or it
        was settled)."""
        ...

    def settle(
        self,
        key: str,
        state: OutboxState,
        *,
        error: str = "",
        retry_at: dt.datetime | None = None,
        claim: str | None = None,
    ) -> bool:
        """Finish an attempt: ``DONE``, ``FAILED`` (permanent), or ``PENDING`` again at ``retry_at``
        with ``error`` noted; ``attempts`` goes up by one.

        With ``claim``, only that claim's holder settles: if a newer claim took the item
        (this one's lease lapsed), nothing is written and ``False`` is returned, so a late
        worker never overwrites the newer one's attempt. Returns ``True`` when written.

        Raises:
            KeyError: no item has ``key``.
        """
        ...

    def get(self, key: str) -> OutboxItem | None:
        """The item with ``key``, if any."""
        ...

    def query(
        self,
        *,
        state: OutboxState | None = None,
        kind: str | None = None,
        case_id: str | None = None,
        since: dt.datetime | None = None,
        error: str | None = None,
        limit: int = 100,
    ) -> list[OutboxItem]:
        """Items matching every given filter, oldest first (by ``created_at``, then key):
        ``since`` bounds ``created_at`` from below, ``error`` is a substring of
        ``last_error`` (case-sensitive)."""
        ...

    def requeue(self, key: str, at: dt.datetime) -> bool:
        """Make the ``FAILED`` item ``key`` pending again, available at ``at``, with its
        attempts back to 0 (its last error kept); ``False`` if no failed item has the key."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every part of the store."""

    @property
    def events(self) -> EventLog:
        """The event log."""
        ...

    @property
    def cases(self) -> CaseIndex:
        """The case index."""
        ...

    @property
    def intake(self) -> IntakeKeys:
        """Intake de-duplication keys."""
        ...

    @property
    def marks(self) -> Marks:
        """Things done once."""
        ...

    @property
    def outbox(self) -> Outbox:
        """Effects to deliver."""
        ...

    @property
    def sent(self) -> SentLog:
        """Publications sent without a network's idempotency key."""
        ...

    def lock(self, key: str) -> None:
        """Hold an exclusive lock named ``key`` until the unit of work ends.

        Units of work that take the same key run one after another from that point,
        and each sees what the one before it committed: a count followed by a mark (п.
        20's surge and repeated breaches) is then not skewed by a concurrent one. A
        store whose units of work already run one at a time (memory, SQLite) need do
        nothing; PostgreSQL takes ``pg_advisory_xact_lock``. Take several keys in a
        fixed order (sorted), or two units of work may wait for each other.
        """
        ...


class Snapshot(Protocol):
    """A read-only view of the store as it was when the snapshot began."""

    @property
    def events(self) -> EventLog:
        """The event log (read it; a snapshot writes nothing)."""
        ...

    @property
    def cases(self) -> CaseIndex:
        """The case index (read it)."""
        ...


class Store(Protocol):
    """Durable state. :meth:`unit_of_work` commits when its block ends without an
    exception and rolls back when one escapes."""

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        """A transaction."""
        ...

    def snapshot(self) -> AbstractContextManager[Snapshot]:
        """A read-only transaction that sees one consistent state and takes no write
        lock: what reports, ``verify`` and what-if read through, so that staff commands
        are never kept waiting by a long read (read it in pages: one snapshot per page
        keeps each short)."""
        ...
