"""A process that runs the service on SQLite until it is killed (see ``test_faults.py``).

    python _fault_child.py DATABASE PUBLISHED_LOG START SEED

It opens the store, prints ``ready``, then loops: takes in a new message and
takes its case some random number of steps towards publication, dispatches the
outbox, and now and then ticks. It prints (and flushes) one line per fact:

    begin intake KEY | begin COMMAND CASE     an operation starts
    ack CASE VERSION                          the operation returned: stored
    tx+ | commit | tx-                        a unit of work opens | commits | has ended
    begin dispatch | done dispatch, begin tick | done tick

The publisher keeps its log with flush and fsync: ``call KEY`` for every
call, ``post KEY`` for each key it posts the first time (it honours keys as
the Publisher port asks: a repeated key returns the first publication).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from regflow.adapters.sqlite import SQLiteStore
from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Author,
    Classify,
    Command,
    Message,
    Organization,
    Place,
    Platform,
    RequestPublication,
    Route,
    SubmitDraft,
)
from regflow.ports.effects import Publication, PublicationRequest
from regflow.ports.store import UnitOfWork
from regflow.rules import DraftKind, blagoveshchensk_2020
from regflow.service import Municipality, open_service
from regflow.testing import KeywordScreener, RecordingNotifier

ROOT = Path(__file__).resolve().parents[2]
ORGANIZATION = ROOT / "examples" / "blagoveshchensk" / "organization.toml"


@attrs.define
class StepClock:
    """A clock that moves one minute each time it is asked."""

    instant: dt.datetime

    def now(self) -> dt.datetime:
        self.instant += dt.timedelta(minutes=1)
        return self.instant


class FilePublisher:
    """Publishes by writing to a log, durably; a known key returns its first publication."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._posts: dict[str, Publication] = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as log:
                for line in log:
                    kind, _, key = line.rstrip("\n").partition(" ")
                    if kind == "post":
                        self._posts[key] = self._publication(key)

    @staticmethod
    def _publication(key: str) -> Publication:
        return Publication(f"post-{key}", f"https://example.invalid/{key}")

    def _write(self, line: str) -> None:
        with open(self._path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
            log.flush()
            os.fsync(log.fileno())

    def publish(self, request: PublicationRequest) -> Publication:
        self._write(f"call {request.key}")
        if request.key not in self._posts:
            self._write(f"post {request.key}")
            self._posts[request.key] = self._publication(request.key)
        return self._posts[request.key]


class TracingStore:
    """The SQLite store, saying when each unit of work opens and ends."""

    def __init__(self, inner: SQLiteStore, say: Callable[..., None]) -> None:
        self._inner = inner
        self._say = say

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        self._say("tx+")
        try:
            with self._inner.unit_of_work() as uow:
                yield uow
                self._say("commit")
        finally:
            self._say("tx-")


def steps(case_id: str, clock: StepClock) -> list[Callable[[], Command]]:
    """The commands that take a new case to a publication request, made when issued."""
    base = {"case_id": case_id}
    return [
        lambda: Classify(
            **base,
            actor="sokolova",
            at=clock.now(),
            topics=("roads",),
            location="ул. Ленина",
            importance="normal",
        ),
        lambda: Route(**base, actor="sokolova", at=clock.now(), departments=("improvement",)),
        lambda: AssignExecutor(
            **base, actor="morozov", at=clock.now(), department="improvement", executor="zaitsev"
        ),
        lambda: SubmitDraft(
            **base, actor="zaitsev", at=clock.now(), kind=DraftKind.ANSWER, text="Яму заделают."
        ),
        lambda: ApproveDraft(**base, actor="sokolova", at=clock.now()),
        lambda: RequestPublication(**base, actor="zaitsev", at=clock.now()),
    ]


def main(database: str, published: str, start: str, seed: int) -> None:
    def say(*parts: object) -> None:
        sys.stdout.write(" ".join(map(str, parts)) + "\n")
        sys.stdout.flush()

    organization = Organization.from_toml_file(ORGANIZATION)
    clock = StepClock(dt.datetime.fromisoformat(start))
    store = SQLiteStore(database)
    service = open_service(
        store=TracingStore(store, say),
        municipalities=[Municipality(organization, (blagoveshchensk_2020(),))],
        notifier=RecordingNotifier(),
        publisher=FilePublisher(published),
        screener=KeywordScreener({"убью": "threat-to-official"}),
        clock=clock,
        tolerance=None,  # a simulated clock: commands declare the times
    )
    rng = random.Random(seed)
    say("ready")
    for n in range(1, 1_000_000):
        detected = clock.now()
        message = Message(
            platform=Platform.VK,
            place=Place(owner_id="-100000001", post_id=f"{seed}-{n}"),
            url=f"https://vk.com/wall-100000001_{seed}_{n}",
            author=Author(id=str(n), name="Житель"),
            text="Яма на дороге у дома 5" if n % 7 else "Я тебя убью, чиновник",
            published_at=detected - dt.timedelta(minutes=5),
            detected_at=detected,
            source_system="fault-test",
            source_event_id=f"{seed}-{n}",
        )
        say("begin intake", message.intake_key)
        case_id, _ = service.intake(message, organization=organization.id, actor="sokolova")
        say("ack", case_id, 1)
        for make in steps(case_id, clock)[: rng.randint(0, 6)]:
            command = make()
            say("begin", command.name, case_id)
            events = service.handle(command)
            say("ack", case_id, events[-1].seq)
        say("begin dispatch")
        service.dispatch()
        say("done dispatch")
        if n % 3 == 0:
            say("begin tick")
            service.tick()
            say("done tick")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
