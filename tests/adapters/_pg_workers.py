"""Worker processes for the PostgreSQL tests (started with ``spawn``, so importable).

Each worker opens its own :class:`PostgresStore`, waits at a barrier so that all
start together, does its share, and writes what it did to a JSON file.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import attrs

from regflow.core.events import Classified, Event
from regflow.errors import ConcurrencyConflict
from regflow.ports.store import OutboxState

LEASE = dt.timedelta(minutes=5)


def append_events(
    dsn: str, worker: int, cases: list[str], appends: int, barrier: Any, out: str
) -> None:
    """Append ``appends`` events, each to a random case at the version just loaded,
    retrying on a conflict; record each appended event's tag and the conflicts met."""
    from regflow.adapters.postgres import PostgresStore  # here: needs the postgres extra

    rng = random.Random(worker)
    appended: dict[str, list[str]] = {case_id: [] for case_id in cases}
    conflicts = 0
    with PostgresStore(dsn, max_size=1) as store:
        barrier.wait(timeout=30)
        for n in range(appends):
            case_id = rng.choice(cases)
            tag = f"w{worker}-{n}"
            while True:
                try:
                    with store.unit_of_work() as uow:
                        history = uow.events.load(case_id)
                        last = history[-1]
                        event = Event.make(
                            case_id,
                            last.seq + 1,
                            last.at + dt.timedelta(seconds=1),
                            f"worker-{worker}",
                            "п. 7",
                            Classified((tag,), None, "normal"),
                            last.hash,
                        )
                        uow.events.append(case_id, len(history), [event])
                        current = uow.cases.get(case_id)
                        assert current is not None
                        uow.cases.put(attrs.evolve(current, version=event.seq, updated_at=event.at))
                    break
                except ConcurrencyConflict:
                    conflicts += 1
            appended[case_id].append(tag)
    Path(out).write_text(json.dumps({"appended": appended, "conflicts": conflicts}))


def drain(dsn: str, worker: int, now: str, batch: int, barrier: Any, out: str) -> None:
    """Take due cases (clearing their ``next_due``) and claim and settle outbox items
    until neither is left; record what this worker handled."""
    from regflow.adapters.postgres import PostgresStore  # here: needs the postgres extra

    at = dt.datetime.fromisoformat(now)
    cases: list[str] = []
    items: list[str] = []
    with PostgresStore(dsn, max_size=1) as store:
        barrier.wait(timeout=30)
        while True:
            with store.unit_of_work() as uow:
                due = uow.cases.due(at, batch)
                for entry in due:
                    uow.cases.put(attrs.evolve(entry, next_due=None, stage="closed"))
            cases += [entry.case_id for entry in due]
            with store.unit_of_work() as uow:
                claimed = uow.outbox.claim(at, batch, LEASE)
            if claimed:
                with store.unit_of_work() as uow:
                    for item in claimed:
                        uow.outbox.settle(item.key, OutboxState.DONE)
            items += [item.key for item in claimed]
            if not due and not claimed:
                break
    Path(out).write_text(json.dumps({"cases": cases, "items": items}))
