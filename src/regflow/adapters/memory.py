"""An in-memory store: for tests, demos and the contract suite's reference.

One lock serialises units of work; a unit of work works on copies and
replaces the state only when it commits, so a failure leaves nothing behind.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import attrs

from regflow.core.events import Event
from regflow.errors import ConcurrencyConflict
from regflow.ports.chain import CHAIN_START, ChainEntry, ChainHead, item_digest, link
from regflow.ports.store import END_STAGES, CaseEntry, OutboxItem, OutboxState, UnitOfWork

__all__ = ["MemoryStore"]


@attrs.define
class _State:
    events: dict[str, list[Event]] = attrs.Factory(dict)
    cases: dict[str, CaseEntry] = attrs.Factory(dict)
    intake: dict[str, str] = attrs.Factory(dict)
    marks: dict[str, tuple[dt.datetime, str | None]] = attrs.Factory(dict)
    outbox: dict[str, OutboxItem] = attrs.Factory(dict)
    leases: dict[str, dt.datetime] = attrs.Factory(dict)
    chain: list[ChainEntry] = attrs.Factory(list)
    pending: list[tuple[str, str, int | None, str]] = attrs.Factory(list)
    """What this unit of work adds to the chain when it commits."""

    def seal(self) -> None:
        """Add the pending entries to the chain (at commit)."""
        head = self.chain[-1] if self.chain else None
        position, previous = (head.position, head.link) if head else (0, CHAIN_START)
        for kind, ref, seq, digest in self.pending:
            position += 1
            previous = link(previous, position, kind, ref, seq, digest)
            self.chain.append(ChainEntry(position, kind, ref, seq, digest, previous))
        self.pending.clear()


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
        self._state.pending.extend(("event", e.case_id, e.seq, e.hash) for e in events)


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
                digest = item_digest(
                    item.key, item.kind, item.payload, item.created_at, item.case_id
                )
                self._state.outbox[item.key] = item
                self._state.pending.append(("outbox", item.key, None, digest))
                added += 1
        return added

    def claim(self, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[OutboxItem]:
        ready = [
            item
            for item in self._state.outbox.values()
            if item.state is OutboxState.PENDING
            and (item.available_at is None or item.available_at <= now)
            and self._state.leases.get(item.key, now) <= now
        ]
        ready.sort(key=lambda item: (item.created_at, item.key))
        for item in ready[:limit]:
            self._state.leases[item.key] = now + lease
        return ready[:limit]

    def settle(
        self,
        key: str,
        state: OutboxState,
        *,
        error: str = "",
        retry_at: dt.datetime | None = None,
    ) -> None:
        item = self._state.outbox[key]
        self._state.outbox[key] = attrs.evolve(
            item,
            state=state,
            attempts=item.attempts + 1,
            last_error=error,
            available_at=retry_at if state is OutboxState.PENDING else item.available_at,
        )
        self._state.leases.pop(key, None)

    def get(self, key: str) -> OutboxItem | None:
        return self._state.outbox.get(key)


class _Chain:
    def __init__(self, state: _State) -> None:
        self._state = state

    def head(self) -> ChainHead:
        chain = self._state.chain
        return ChainHead(chain[-1].position, chain[-1].link) if chain else ChainHead(0, CHAIN_START)

    def entries(self, after: int, limit: int) -> list[ChainEntry]:
        return self._state.chain[max(after, 0) : max(after, 0) + limit]


class _Unit:
    def __init__(self, state: _State) -> None:
        self.events = _Events(state)
        self.cases = _Cases(state)
        self.intake = _Intake(state)
        self.marks = _Marks(state)
        self.outbox = _Outbox(state)
        self.chain = _Chain(state)


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
                list(self._state.chain),
            )
            yield _Unit(working)
            working.seal()
            self._state = working
