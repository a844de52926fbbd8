"""kill -9 of a process running the service on SQLite, at random moments.

A child process (``_fault_child.py``) takes in messages, issues commands,
dispatches and ticks on one database file, printing an ``ack`` after each
command returns. The test SIGKILLs it after a random delay, then opens the
file and checks that nothing acknowledged is lost and nothing is half there:

- the store opens, and SQLite finds the file intact;
- every acknowledged command's events are there (the case's version is at
  least the acknowledged one);
- the case index is what the service computes from a replay of the events;
- every case's hash chain verifies;
- every publication request has its outbox row or its publication recorded;
- the publisher posted no key twice, and was never called with a key no
  stored event asked for.

The next trial runs a new child on the same file, so each trial also checks
that the service carries on from what the last one left.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import attrs

from regflow.adapters.sqlite import SQLiteStore
from regflow.core import Organization, replay, verify
from regflow.core.events import PublicationRequested
from regflow.rules import blagoveshchensk_2020
from regflow.service import Municipality, Service, open_service
from regflow.testing import FixedClock, KeywordScreener, RecordingNotifier, RecordingPublisher

CHILD = Path(__file__).with_name("_fault_child.py")
ROOT = Path(__file__).resolve().parents[2]
ORG = Organization.from_toml_file(ROOT / "examples" / "blagoveshchensk" / "organization.toml")
REGULATION = blagoveshchensk_2020()
TRIALS = 24
START = dt.datetime(2025, 11, 24, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
BUDGET = 50.0
"""Seconds for all trials; the test fails rather than run longer."""


@attrs.define
class Kill:
    """Where one SIGKILL landed."""

    phase: str
    """``startup`` (before the child was ready), ``transaction`` (a unit of work was
    open), ``commit`` (it was committing), ``operation`` (inside an operation, between
    units of work) or ``between`` operations."""
    operation: str = ""
    committed: bool | None = None
    """For a command or intake killed in flight: whether its events were stored."""
    wal_frames: int = 0
    wal_uncommitted: int = 0
    """WAL frames after the last commit frame: a commit the kill cut short."""


def read(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Rows of a query, through a connection of its own."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql, params).fetchall()


def wal_frames(path: Path) -> tuple[int, int]:
    """(frames of the current WAL generation, frames after its last commit frame)."""
    wal = Path(f"{path}-wal")
    if not wal.exists() or wal.stat().st_size < 32:
        return 0, 0
    data = wal.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    frames = last_commit = 0
    offset = 32
    while offset + 24 + page_size <= len(data) and data[offset + 8 : offset + 16] == salts:
        frames += 1
        if struct.unpack(">I", data[offset + 4 : offset + 8])[0]:
            last_commit = frames
        offset += 24 + page_size
    return frames, frames - last_commit


def checking_service(store: SQLiteStore) -> Service:
    """A service over ``store``, used only for its index logic."""
    return open_service(
        store=store,
        municipalities=[Municipality(ORG, (REGULATION,))],
        notifier=RecordingNotifier(),
        publisher=RecordingPublisher(),
        screener=KeywordScreener(),
        clock=FixedClock(START),
        tolerance=None,  # a simulated clock: commands declare the times
    )


def check(database: Path, published: Path, acked: dict[str, int]) -> dt.datetime:
    """Every check of the module docstring; returns when the next child may start."""
    requested: set[str] = set()
    with SQLiteStore(database) as store:
        assert read(database, "PRAGMA integrity_check") == [("ok",)]
        service = checking_service(store)
        case_ids = [str(row[0]) for row in read(database, "SELECT DISTINCT case_id FROM events")]
        assert set(acked) <= set(case_ids), "an acknowledged case is missing"
        for table in ("cases", "intake", "outbox"):  # nothing written without its events
            orphans = (
                f"SELECT COUNT(*) FROM {table} WHERE case_id NOT IN (SELECT case_id FROM events)"
            )
            assert read(database, orphans) == [(0,)], f"{table} rows without events"
        with store.unit_of_work() as uow:
            for case_id in case_ids:
                events = uow.events.load(case_id)
                assert verify(events) == len(events)
                case = replay(events)
                assert case.version >= acked.get(case_id, 0), f"{case_id}: acknowledged events lost"
                stored = uow.cases.get(case_id)
                assert stored is not None, f"{case_id}: events without an index entry"
                # the service's own index logic, at the instant the entry was written
                assert stored == service.index_entry(case, REGULATION, ORG, stored.updated_at)
                published_keys = set()
                for event in events:
                    if isinstance(event.data, PublicationRequested):
                        requested.add(event.data.key)
                        published_keys.add(event.data.key)
                recorded = any(e.type == "published" for e in events)
                for key in published_keys:
                    assert uow.outbox.get(key) is not None or recorded, f"outbox item {key} lost"
    lines = published.read_text().splitlines() if published.exists() else []
    posts = [line.split(" ", 1)[1] for line in lines if line.startswith("post ")]
    calls = [line.split(" ", 1)[1] for line in lines if line.startswith("call ")]
    assert len(posts) == len(set(posts)), "a key was posted twice"
    assert set(calls) <= requested, "published something no stored event requested"
    latest = read(
        database,
        "SELECT MAX(m) FROM (SELECT MAX(at) AS m FROM events UNION ALL "
        "SELECT MAX(updated_at) FROM cases UNION ALL SELECT MAX(leased_until) FROM outbox)",
    )[0][0]
    # after every lease the killed child held, so that its claims are delivered again
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        microseconds=int(str(latest or 0)), minutes=1
    )


def classify(lines: list[str], database: Path) -> Kill:
    """Where in the child's work the kill landed, from its last lines and the database."""
    if "ready" not in lines:
        return Kill("startup")
    transactions = [line for line in lines if line in ("tx+", "commit", "tx-")]
    begun = [i for i, line in enumerate(lines) if line.startswith("begin ")]
    finished = [i for i, line in enumerate(lines) if line.startswith(("ack ", "done "))]
    if not begun or (finished and finished[-1] > begun[-1]):
        return Kill("between")
    words = lines[begun[-1]].split()
    last = transactions[-1] if transactions else "tx-"
    phase = {"tx+": "transaction", "commit": "commit", "tx-": "operation"}[last]
    kill = Kill(phase, words[1])
    if words[1] == "intake":
        kill.committed = bool(read(database, "SELECT 1 FROM intake WHERE key = ?", (words[2],)))
    elif words[1] not in ("dispatch", "tick"):
        acked = [int(line.split()[2]) for line in lines if line.startswith(f"ack {words[2]} ")]
        version = read(database, "SELECT COUNT(*) FROM events WHERE case_id = ?", (words[2],))
        kill.committed = int(str(version[0][0])) > max(acked, default=0)
    return kill


def test_kill_9_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    database = tmp_path / "regflow.db"
    published = tmp_path / "published.log"
    rng = random.Random(2180)
    acked: dict[str, int] = {}
    kills: list[Kill] = []
    acknowledged = 0
    start = START
    began = time.monotonic()
    for trial in range(TRIALS):
        output = tmp_path / f"trial-{trial}.out"
        errors = tmp_path / f"trial-{trial}.err"
        with output.open("wb") as out, errors.open("wb") as err:
            child = subprocess.Popen(
                [
                    sys.executable,
                    str(CHILD),
                    str(database),
                    str(published),
                    start.isoformat(),
                    str(trial),
                ],
                stdout=out,
                stderr=err,
                cwd=ROOT,
            )
        try:
            if trial % 6 == 5:  # now and then while it starts: importing, opening, migrating
                time.sleep(rng.uniform(0.05, 0.4))
            else:
                ready_by = time.monotonic() + 15
                while b"ready" not in output.read_bytes():
                    assert child.poll() is None, f"the child died: {errors.read_text()}"
                    assert time.monotonic() < ready_by, "the child did not start"
                    time.sleep(0.005)
                time.sleep(rng.uniform(0.0, 0.4))
            assert child.poll() is None, f"the child stopped by itself: {errors.read_text()}"
        finally:
            child.send_signal(signal.SIGKILL)  # nothing if it already ended (and was polled)
            child.wait()
        assert child.returncode == -signal.SIGKILL
        lines = output.read_text().splitlines()
        frames, uncommitted = wal_frames(database)  # before anything opens the file
        for line in lines:
            if line.startswith("ack "):
                acknowledged += 1
                _, case_id, version = line.split()
                acked[case_id] = max(acked.get(case_id, 0), int(version))
        start = max(start + dt.timedelta(minutes=1), check(database, published, acked))
        kill = classify(lines, database)
        kill.wal_frames, kill.wal_uncommitted = frames, uncommitted
        kills.append(kill)
        assert time.monotonic() - began < BUDGET, f"too slow: {trial + 1} trials"

    phases = collections.Counter(k.phase for k in kills)
    in_flight = [k for k in kills if k.committed is not None]
    lines = published.read_text().splitlines() if published.exists() else []
    calls = [line for line in lines if line.startswith("call ")]
    print(
        f"\n{TRIALS} kills in {time.monotonic() - began:.1f} s, landing: {dict(phases)}; "
        f"in: {dict(collections.Counter(k.operation for k in kills if k.operation))}; "
        f"commands and intakes cut short: {sum(bool(k.committed) for k in in_flight)} stored "
        f"(unacknowledged), {sum(k.committed is False for k in in_flight)} not stored; "
        f"kills leaving frames after the WAL's last commit: "
        f"{sum(k.wal_uncommitted > 0 for k in kills)}; "
        f"{len(acked)} cases, {acknowledged} acknowledged commands, "
        f"{read(database, 'SELECT COUNT(*) FROM events')[0][0]} events checked; "
        f"publisher calls {len(calls)}, distinct keys {len(set(calls))}"
    )
    # the kills must have hit the child at work, not only between operations
    assert phases["transaction"] + phases["commit"] + phases["operation"] >= TRIALS // 2
