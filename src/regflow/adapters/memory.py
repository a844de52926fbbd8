"""An in-memory store: for tests, demos and the contract suite's reference.

One lock serialises units of work; a unit of work works on copies and
replaces the state only when it commits, so a failure leaves nothing behind.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import attrs

from regflow.core.events import Event
from regflow.errors import ConcurrencyConflict, StorageError
from regflow.ports.store import (
    END_STAGES,
    CaseEntry,
    OutboxItem,
    OutboxState,
    SentRecord,
    Snapshot,
    UnitOfWork,
)

__all__ = ["MemoryStore"]


@attrs.define
class _State:
    events: dict[str, list[Event]] = attrs.Factory(dict)
    cases: dict[str, CaseEntry] = attrs.Factory(dict)
    intake: dict[str, str] = attrs.Factory(dict)
    marks: dict[str, tuple[dt.datetime, str | None]] = attrs.Factory(dict)
    outbox: dict[str, OutboxItem] = attrs.Factory(dict)
    leases: dict[str, tuple[dt.datetime, str]] = attrs.Factory(dict)
    sent: dict[str, SentRecord] = attrs.Factory(dict)


class _Events:
    def __init__(self, state: _State) -> None:
        self._state = state

    def load(self, case_id: str) -> tuple[Event, ...]:
        return tuple(self._state.events.get(case_id, ()))

    def append(self, case_id: str, expected_version: int, events: Sequence[Event]) -> None:
        current = self._state.events.setdefault(case_id, [])
        if len(current) != expected_version:
            raise ConcurrencyConflict(case_id, expected_version, len(current))
        current.extend(events)


class _Cases:
    def __init__(self, state: _State) -> None:
        self._state = state

    def put(self, entry: CaseEntry) -> None:
        self._state.cases[entry.case_id] = entry

    def get(self, case_id: str) -> CaseEntry | None:
        return self._state.cases.get(case_id)

    def due(self, now: dt.datetime, limit: int) -> list[CaseEntry]:
        found = [
            e for e in self._state.cases.values() if e.next_due is not None and e.next_due <= now
        ]
        found.sort(key=lambda e: (e.next_due, e.case_id))
        return found[:limit]

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
        found = [
            e
            for e in self._state.cases.values()
            if _fits(e, organization, department, executor, stage, topic, location, detected_since)
        ]
        found.sort(key=lambda e: (e.next_due is None, e.next_due or e.detected_at, e.case_id))
        return found[:limit]

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
        found = sum(
            1
            for e in self._state.cases.values()
            if _fits(e, organization, department, executor, stage, topic, location, detected_since)
        )
        return found if limit is None else min(found, limit)

    def detected(
        self,
        *,
        organization: str,
        since: dt.datetime,
        until: dt.datetime,
        after: tuple[dt.datetime, str] | None = None,
        limit: int = 500,
    ) -> list[CaseEntry]:
        found = sorted(
            (
                e
                for e in self._state.cases.values()
                if e.organization == organization
                and since <= e.detected_at < until
                and (after is None or (e.detected_at, e.case_id) > after)
            ),
            key=lambda e: (e.detected_at, e.case_id),
        )
        return found[:limit]


def _fits(
    e: CaseEntry,
    organization: str | None,
    department: str | None,
    executor: str | None,
    stage: str | None,
    topic: str | None,
    location: str | None,
    detected_since: dt.datetime | None,
) -> bool:
    return (
        (organization is None or e.organization == organization)
        and (department is None or department in e.departments)
        and (executor is None or executor in e.executors)
        and (stage == "any" or (e.stage == stage if stage is not None else e.stage not in _ENDED))
        and (topic is None or topic in e.topics)
        and (location is None or e.location == location)
        and (detected_since is None or e.detected_at >= detected_since)
    )


_ENDED = END_STAGES


class _Intake:
    def __init__(self, state: _State) -> None:
        self._state = state

    def claim(self, key: str, case_id: str) -> str:
        return self._state.intake.setdefault(key, case_id)


class _Marks:
    def __init__(self, state: _State) -> None:
        self._state = state

    def add(self, key: str, at: dt.datetime, department: str | None = None) -> bool:
        if key in self._state.marks:
            return False
        self._state.marks[key] = (at, department)
        return True

    def count(
        self,
        prefix: str,
        since: dt.datetime,
        department: str | None = None,
        *,
        limit: int | None = None,
    ) -> int:
        found = sum(
            1
            for key, (at, dept) in self._state.marks.items()
            if key.startswith(prefix) and at >= since and (department is None or dept == department)
        )
        return found if limit is None else min(found, limit)


class _Outbox:
    def __init__(self, state: _State) -> None:
        self._state = state

    def enqueue(self, items: Sequence[OutboxItem]) -> int:
        added = 0
        for item in items:
            if item.key not in self._state.outbox:
                self._state.outbox[item.key] = item
                added += 1
        return added

    def claim(self, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[OutboxItem]:
        ready = [
            item
            for item in self._state.outbox.values()
            if item.state is OutboxState.PENDING
            and (item.available_at is None or item.available_at <= now)
            and self._state.leases.get(item.key, (now, ""))[0] <= now
        ]
        ready.sort(key=lambda item: (item.created_at, item.key))
        claimed = []
        for item in ready[:limit]:
            token = uuid.uuid4().hex
            self._state.leases[item.key] = (now + lease, token)
            claimed.append(attrs.evolve(item, claim=token))
        return claimed

    def renew(self, key: str, claim: str, until: dt.datetime) -> bool:
        held = self._state.leases.get(key)
        item = self._state.outbox.get(key)
        if (
            held is None
            or held[1] != claim
            or item is None
            or item.state is not OutboxState.PENDING
        ):
            return False
        self._state.leases[key] = (until, claim)
        return True

    def settle(
        self,
        key: str,
        state: OutboxState,
        *,
        error: str = "",
        retry_at: dt.datetime | None = None,
        claim: str | None = None,
    ) -> bool:
        item = self._state.outbox[key]
        if claim is not None and self._state.leases.get(key, (None, ""))[1] != claim:
            return False
        self._state.outbox[key] = attrs.evolve(
            item,
            state=state,
            attempts=item.attempts + 1,
            last_error=error,
            available_at=retry_at if state is OutboxState.PENDING else item.available_at,
        )
        self._state.leases.pop(key, None)
        return True

    def get(self, key: str) -> OutboxItem | None:
        return self._state.outbox.get(key)

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
        found = [
            item
            for item in self._state.outbox.values()
            if (state is None or item.state is state)
            and (kind is None or item.kind == kind)
            and (case_id is None or item.case_id == case_id)
            and (since is None or item.created_at >= since)
            and (error is None or error in item.last_error)
        ]
        found.sort(key=lambda item: (item.created_at, item.key))
        return found[:limit]

    def requeue(self, key: str, at: dt.datetime) -> bool:
        item = self._state.outbox.get(key)
        if item is None or item.state is not OutboxState.FAILED:
            return False
        self._state.outbox[key] = attrs.evolve(
            item, state=OutboxState.PENDING, attempts=0, available_at=at
        )
        self._state.leases.pop(key, None)
        return True


class _Sent:
    def __init__(self, state: _State) -> None:
        self._state = state

    def get(self, key: str) -> SentRecord | None:
        return self._state.sent.get(key)

    def begin(self, key: str, at: dt.datetime) -> SentRecord | None:
        known = self._state.sent.get(key)
        if known is None:
            self._state.sent[key] = SentRecord(key, True, at)
        return known

    def finish(self, key: str, external_id: str, url: str, at: dt.datetime) -> None:
        known = self._state.sent.get(key)
        started = known.started_at if known is not None else at
        self._state.sent[key] = SentRecord(key, False, started, external_id, url)

    def abandon(self, key: str) -> None:
        known = self._state.sent.get(key)
        if known is not None and known.sending:
            del self._state.sent[key]


class _ReadEvents(_Events):
    def append(self, case_id: str, expected_version: int, events: Sequence[Event]) -> None:
        raise StorageError(f"a snapshot writes nothing (append to {case_id})")


class _ReadCases(_Cases):
    def put(self, entry: CaseEntry) -> None:
        raise StorageError(f"a snapshot writes nothing (put {entry.case_id})")


class _Reader:
    """A snapshot's view: the event log and the case index, read only."""

    def __init__(self, state: _State) -> None:
        self.events = _ReadEvents(state)
        self.cases = _ReadCases(state)


class _Unit:
    def __init__(self, state: _State) -> None:
        self.events = _Events(state)
        self.cases = _Cases(state)
        self.intake = _Intake(state)
        self.marks = _Marks(state)
        self.outbox = _Outbox(state)
        self.sent = _Sent(state)

    def lock(self, key: str) -> None:
        """Nothing to do: one unit of work runs at a time."""


class MemoryStore:
    """A :class:`~regflow.ports.Store` in process memory (lost when the process ends)."""

    def __init__(self) -> None:
        self._state = _State()
        self._lock = threading.RLock()

    def close(self) -> None:
        """Nothing to release (for parity with the durable stores); the data stays."""

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """A transaction: the changes replace the state only if the block succeeds."""
        with self._lock:
            working = _State(
                {k: list(v) for k, v in self._state.events.items()},
                dict(self._state.cases),
                dict(self._state.intake),
                dict(self._state.marks),
                dict(self._state.outbox),
                copy.copy(self._state.leases),
                dict(self._state.sent),
            )
            yield _Unit(working)
            self._state = working

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """The state as it is: a unit of work replaces it whole, so it does not change
        under the reader (and nothing is copied)."""
        with self._lock:
            state = self._state
        yield _Reader(state)
