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


def classify_in_step(dsn: str, worker: int, rounds: int, barrier: Any, out: str) -> None:
    """п. 20's surge: in each round every worker takes in a message of its own and, all
    together (a barrier), classifies it on one topic at the round's location; record the
    escalations each classification set off."""
    from regflow.adapters.postgres import PostgresStore  # here: needs the postgres extra
    from regflow.core import Classify, Place
    from regflow.testing import service_scenarios as scenarios
    from regflow.testing.sample import at, message

    raised: dict[str, int] = {}
    with PostgresStore(dsn, max_size=1) as store:
        service, _notifier, _clock = scenarios.make(store)
        for round_ in range(rounds):
            post = message(
                at("2025-11-24 09:00"),
                place=Place(owner_id="-100000001", post_id=f"{worker}-{round_}"),
                source_event_id=f"event-{worker}-{round_}",
            )
            case_id, _ = service.intake(post, organization=scenarios.ORG.id, actor="sokolova")
            barrier.wait(timeout=30)
            events = service.handle(
                Classify(
                    case_id=case_id,
                    actor="sokolova",
                    at=at("2025-11-24 09:05"),
                    topics=("roads",),
                    location=f"place-{round_}",
                )
            )
            raised[f"place-{round_}"] = sum(1 for e in events if e.type == "escalated")
    Path(out).write_text(json.dumps(raised))


def tick_one_by_one(dsn: str, worker: int, organizations: int, barrier: Any, out: str) -> None:
    """п. 20's repeated breaches: tick 2025-11-24 14:01 one case per unit of work (batch 1),
    all workers together; record the escalations this worker's ticks raised."""
    from regflow.adapters.postgres import PostgresStore  # here: needs the postgres extra
    from regflow.testing import service_scenarios as scenarios
    from regflow.testing.sample import at

    orgs = tuple(attrs.evolve(scenarios.ORG, id=f"city-{n}") for n in range(organizations))
    with PostgresStore(dsn, max_size=1) as store:
        service, _notifier, _clock = scenarios.make(store, organizations=orgs)
        service.batch = 1
        barrier.wait(timeout=30)
        report = service.tick(at("2025-11-24 14:01"))
    Path(out).write_text(
        json.dumps({"breaches": report.breaches, "escalations": report.escalations})
    )
