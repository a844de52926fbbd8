"""Benchmark the durable stores: command throughput, the due-work query, workers, tick's memory.

Usage::

    python benchmarks/store_bench.py [--quick] [--profile]

PostgreSQL is reached at ``REGFLOW_TEST_POSTGRES_DSN`` (default
``postgresql://postgres@127.0.0.1:5432/test``), in a schema of the run's own
that is dropped at the end, as are the temporary SQLite files. Without a
reachable server the PostgreSQL rows say so and the rest still runs. The
script prints a Markdown report: the environment, one table of figures with
their targets, the query plans of the due-work query, and notes.

What is measured:

1. **durable SQLite commands**: the real service (:func:`~regflow.service.open_service`
   over :class:`~regflow.adapters.sqlite.SQLiteStore`, WAL and
   ``synchronous=FULL``, the example organisation, the 2020 regulation, the
   fakes of :mod:`regflow.testing`) handling each case's detect, classify,
   route, assign, draft and approve, commands per second. Against it, on the
   same machine and settings, in as many transactions:

   - *raw sqlite3*, the limit: each transaction inserts exactly the rows the
     service wrote for that command (events as JSON records, the case index
     upsert, marks, outbox rows), captured from an untimed run, prepared
     before the clock starts, into the same schema;
   - the *eventsourcing* library's ``SQLiteAggregateRecorder``: the same event
     records appended, one ``insert_events`` per command (events only: it has
     no case index or outbox);
   - an *eventsourcing* ``Application`` (``PERSISTENCE_MODULE=eventsourcing.sqlite``):
     per command, the aggregate is loaded from its events, mutated by the same
     records, and saved, like the service's load, decide and append.

   Targets: the service at least half raw sqlite3's rate, and ahead of the
   ``Application`` (its peer; the recorder writes fewer rows than raw sqlite3,
   so it is another limit, shown without a target). eventsourcing's
   connections are checked to run WAL with ``synchronous=FULL`` (SQLite's
   default, which it keeps).

   The service also runs with ``synchronous=OFF`` (not durable), which shows
   its own CPU cost per command. Each round writes fresh files; rounds
   alternate the contenders' order; the figure is the median round. The rows
   written by the service and by raw sqlite3 are compared (count and bytes per
   table) after the run.
2. **due work**: ``uow.cases.due(now, 200)`` over N open cases whose
   ``next_due`` is spread uniformly over a year with about 1,000 due at
   ``now``, on SQLite and PostgreSQL. The rows are bulk-loaded straight into
   the case index (``executemany`` / ``COPY``), not through the service. Each
   call is its own unit of work; the figure is the median call after a warm-up
   call. The plans are printed (``EXPLAIN QUERY PLAN``,
   ``EXPLAIN (ANALYZE, BUFFERS)``).
3. **PostgreSQL workers**: 1, 2 and 4 processes (``spawn``), each with its own
   store and its own cases, handling the same lives at once; commands per
   second over the wall time from the common start to the last finish. The
   tables are emptied and a ``CHECKPOINT`` taken before each.
4. **tick and dispatch memory**: a SQLite store holding N open cases, of
   which some thousands are real cases created through the service (setup
   with ``synchronous=OFF``) and all due at ``now``, the rest bulk index rows
   due far in the future. A fresh process runs ``service.tick(now)`` then
   ``service.dispatch(now)`` with the store at ``synchronous=FULL``; the
   figures are the tracemalloc peak (Python allocations) and the growth of
   ``ru_maxrss`` (the whole process, SQLite's cache included). The same is
   done with a tenth of the cases: memory should not grow with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import multiprocessing
import os
import platform
import random
import shutil
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteDatastore
from psycopg import sql
from psycopg.conninfo import make_conninfo

from _report import TABLE_HEAD, Row, cpu_name, profile, table
from _store_workers import (
    COMMANDS_PER_LIFE,
    FIRST,
    lives,
    make_service,
    postgres_worker,
    run_lives,
    tick_worker,
)
from regflow.adapters._sql import POSTGRES, SQLITE, Dialect, SqlUnit
from regflow.adapters.postgres import PostgresStore
from regflow.adapters.sqlite import SQLiteStore
from regflow.core.codec import event_to_json
from regflow.core.events import Event
from regflow.ports.store import CaseEntry, OutboxItem, Store, UnitOfWork

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
YEAR = dt.timedelta(days=365)
DUE_LIMIT = 200
TARGET_RAW_SHARE = 0.5
TARGET_DUE_MS = 10.0
TARGET_PEAK_MB = 300.0
TARGET_GROWTH = 1.2
"""The largest peak may be at most this many times the peak with a tenth of the cases."""
TICK_NOW = FIRST + dt.timedelta(days=40)
"""Every deadline of the tick cases (detected from FIRST on) has passed by then."""

CASE_COLUMNS = (
    "case_id, organization, stage, detected_at, updated_at, version, next_due, "
    "departments, executors, topics, location"
)
INSERT_EVENT = "INSERT INTO events (case_id, seq, type, at, record) VALUES (?, ?, ?, ?, ?)"
PUT_CASE = (
    f"INSERT INTO cases ({CASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (case_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in CASE_COLUMNS.split(", ")[1:])
)
INSERT_CASE = f"INSERT INTO cases ({CASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
ADD_MARK = "INSERT INTO marks (key, at, department) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING"
ENQUEUE = (
    "INSERT INTO outbox (key, kind, payload, created_at, case_id, attempts, available_at, "
    "state, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"
)
"""The statements the SQL adapters run for the same writes (see ``regflow.adapters._sql``)."""
OPEN_STAGES = ("detected", "classified", "routed", "in_work", "awaiting_approval", "approved")


@dataclass(frozen=True)
class Settings:
    cases: int
    """Lives (of six commands) per contender and round, for the SQLite throughput."""
    rounds: int
    index_rows: int
    """Open cases in the index for the due-work query."""
    due_now: int
    """About how many of them are due at ``now``."""
    repeats: int
    """Timed ``due()`` calls per database."""
    pg_cases: int
    """Lives per PostgreSQL worker."""
    tick_due: int
    """Real cases, due at ``now``, in the tick store."""
    tick_sizes: tuple[int, int]
    """Open cases in the tick store: a tenth, then all."""
    workers: tuple[int, ...] = (1, 2, 4)


FULL = Settings(
    cases=1_500,
    rounds=5,
    index_rows=1_000_000,
    due_now=1_000,
    repeats=201,
    pg_cases=500,
    tick_due=2_000,
    tick_sizes=(100_000, 1_000_000),
)
QUICK = Settings(
    cases=100,
    rounds=2,
    index_rows=100_000,
    due_now=1_000,
    repeats=31,
    pg_cases=40,
    tick_due=300,
    tick_sizes=(10_000, 100_000),
)


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> Row:
        self.rows.append(Row(*args, **kwargs))
        return self.rows[-1]


def micros(instant: dt.datetime) -> int:
    return (instant - EPOCH) // dt.timedelta(microseconds=1)


def tags(names: Sequence[str]) -> str:
    return json.dumps(list(names), ensure_ascii=False, separators=(",", ":"))


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def median_ms(times_ns: Sequence[int]) -> float:
    return statistics.median(times_ns) / 1e6


# -- 1. durable SQLite commands ------------------------------------------------------------


@dataclass
class Transaction:
    """The rows one unit of work wrote, as the SQLite adapter binds them."""

    events: list[tuple[object, ...]] = field(default_factory=list)
    records: list[tuple[str, int, str, str]] = field(default_factory=list)
    """(case id, seq, type, JSON record) of each event."""
    cases: list[tuple[object, ...]] = field(default_factory=list)
    marks: list[tuple[object, ...]] = field(default_factory=list)
    outbox: list[tuple[object, ...]] = field(default_factory=list)


class _Spy:
    """Passes every call on to ``inner``; the named write methods are noted first."""

    def __init__(self, inner: object, writes: dict[str, Callable[..., None]]) -> None:
        self._inner = inner
        self._writes = writes

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)
        note = self._writes.get(name)
        if note is None:
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            note(*args, **kwargs)
            return method(*args, **kwargs)

        return call


class _CapturingUnit:
    def __init__(self, inner: UnitOfWork, tx: Transaction) -> None:
        def append(case_id: str, expected: int, events: Sequence[Event]) -> None:
            for e in events:
                record = event_to_json(e)
                tx.events.append((e.case_id, e.seq, e.type, micros(e.at), record))
                tx.records.append((e.case_id, e.seq, e.type, record))

        def put(e: CaseEntry) -> None:
            tx.cases.append(
                (
                    e.case_id,
                    e.organization,
                    e.stage,
                    micros(e.detected_at),
                    micros(e.updated_at),
                    e.version,
                    None if e.next_due is None else micros(e.next_due),
                    tags(e.departments),
                    tags(e.executors),
                    tags(e.topics),
                    e.location,
                )
            )

        def add(key: str, at: dt.datetime, department: str | None = None) -> None:
            tx.marks.append((key, micros(at), department))

        def enqueue(items: Sequence[OutboxItem]) -> None:
            tx.outbox += [
                (
                    i.key,
                    i.kind,
                    json.dumps(i.payload, ensure_ascii=False, separators=(",", ":")),
                    micros(i.created_at),
                    i.case_id,
                    i.attempts,
                    None if i.available_at is None else micros(i.available_at),
                    i.state.value,
                    i.last_error,
                )
                for i in items
            ]

        self.events = _Spy(inner.events, {"append": append})
        self.cases = _Spy(inner.cases, {"put": put})
        self.intake = inner.intake
        self.marks = _Spy(inner.marks, {"add": add})
        self.outbox = _Spy(inner.outbox, {"enqueue": enqueue})


class CapturingStore:
    """A store that notes the rows each committed unit of work wrote."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.transactions: list[Transaction] = []

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        tx = Transaction()
        with self.inner.unit_of_work() as uow:
            yield _CapturingUnit(uow, tx)
        self.transactions.append(tx)


def raw_sqlite(
    path: Path,
    transactions: Sequence[Transaction],
    synchronous: str = "FULL",
    commits: list[float] | None = None,
) -> float:
    """Write the captured rows with plain sqlite3, one transaction each; seconds taken.

    With ``commits``, the seconds of each ``COMMIT`` are appended to it."""
    SQLiteStore(path).close()  # the same schema and indexes
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        assert connection.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
        connection.execute(f"PRAGMA synchronous = {synchronous}")
        gc.collect()
        start = time.perf_counter()
        for tx in transactions:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(INSERT_EVENT, tx.events)
            for case in tx.cases:
                connection.execute(PUT_CASE, case)
            if tx.marks:
                connection.executemany(ADD_MARK, tx.marks)
            if tx.outbox:
                connection.executemany(ENQUEUE, tx.outbox)
            if commits is None:
                connection.execute("COMMIT")
            else:
                began = time.perf_counter()
                connection.execute("COMMIT")
                commits.append(time.perf_counter() - began)
        return time.perf_counter() - start
    finally:
        connection.close()


class CommitTimingStore:
    """A store that notes how long each unit of work's end (its commit) takes."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.commits: list[float] = []

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        manager = self.inner.unit_of_work()
        uow = manager.__enter__()
        try:
            yield uow
        except BaseException as exc:
            if not manager.__exit__(type(exc), exc, exc.__traceback__):
                raise
        else:
            began = time.perf_counter()
            manager.__exit__(None, None, None)
            self.commits.append(time.perf_counter() - began)


def commit_split(
    tmp: Path, work: list[list[Any]], transactions: Sequence[Transaction], report: Report
) -> None:
    """Where a durable command's time goes: the commit, and the rest, durable or not.

    One more run of the service and of raw sqlite3, each with ``synchronous`` FULL and
    OFF, timing each commit apart from the rest of the work."""
    commands = len(transactions)
    rows = []
    per: dict[str, tuple[float, ...]] = {}
    for synchronous in ("FULL", "OFF"):
        path = tmp / f"split-{synchronous}.db"
        with SQLiteStore(path, synchronous=synchronous) as inner:
            store = CommitTimingStore(inner)
            service = make_service(store)
            gc.collect()
            start = time.perf_counter()
            run_lives(service, work)
            total = time.perf_counter() - start
        remove_db(path)
        raw_commits: list[float] = []
        raw_total = raw_sqlite(path, transactions, synchronous, raw_commits)
        remove_db(path)
        ours_commit, raw_commit = sum(store.commits), sum(raw_commits)
        figures = (total, ours_commit, total - ours_commit, raw_total, raw_commit)
        figures += (raw_total - raw_commit,)
        per[synchronous] = tuple(1e6 * f / commands for f in figures)
        cells = " | ".join(f"{f:,.0f}" for f in per[synchronous])
        rows.append(f"| {synchronous} | {cells} |")
    full, off = per["FULL"], per["OFF"]
    report.notes += [
        "- Where the time of a command goes (one more run of each, µs per command or "
        "transaction; *commit* is the end of the unit of work, *rest* everything before it):",
        "",
        "| synchronous | service | its commit | its rest | raw sqlite3 | its commit | its rest |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"  Waiting for the disk cost the service {full[1] - off[1]:,.0f} µs per commit and "
        f"raw sqlite3 {full[4] - off[4]:,.0f} µs for the same rows; the rest of a durable "
        f"command took {full[2] / off[2]:.2f}× the same work without durability. A service "
        "that needs CPU between its commits pays for the flush at least as much as a loop "
        "that only writes, and on a virtual machine often more, so its ratio to raw sqlite3 "
        "is set by the machine's CPU speed against its flush latency as much as by the code.",
        "",
    ]


def es_recorder(path: Path, batches: Sequence[list[StoredEvent]]) -> float:
    """Append the same event records with eventsourcing's SQLite aggregate recorder."""
    datastore = SQLiteDatastore(str(path), originator_id_type="text")
    try:
        recorder = SQLiteAggregateRecorder(datastore)
        recorder.create_table()
        with datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA synchronous")
            assert tuple(cursor.fetchone()) == (2,), "eventsourcing's connection is not FULL"
        gc.collect()
        start = time.perf_counter()
        for batch in batches:
            recorder.insert_events(batch)
        return time.perf_counter() - start
    finally:
        datastore.close()


class CaseAggregate(Aggregate):
    """An eventsourcing aggregate whose events carry regflow's event records."""

    @event("Detected")
    def __init__(self, record: dict[str, Any]) -> None:
        self.version_seen = 1

    @event("Recorded")
    def record(self, record: dict[str, Any]) -> None:
        self.version_seen += 1


def es_application(path: Path, work: Sequence[list[dict[str, Any]]]) -> float:
    """Per command: load the case's aggregate, apply the command's event records, save."""
    app: Application[uuid.UUID] = Application(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    )
    try:
        with app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute("PRAGMA synchronous")
            assert tuple(cursor.fetchone()) == (2,), "eventsourcing's connection is not FULL"
        ids: dict[str, uuid.UUID] = {}
        gc.collect()
        start = time.perf_counter()
        for records in work:
            case_id = records[0]["case_id"]
            if case_id in ids:
                aggregate: CaseAggregate = app.repository.get(ids[case_id])
                pending = records
            else:
                aggregate = CaseAggregate(records[0])
                ids[case_id] = aggregate.id
                pending = records[1:]
            for record in pending:
                aggregate.record(record)
            app.save(aggregate)
        return time.perf_counter() - start
    finally:
        app.close()


def table_sums(path: Path) -> dict[str, tuple[int, int]]:
    """Rows and bytes per table: what two writers of the same rows must agree on."""
    columns = {
        "events": "length(record) + length(case_id) + length(type)",
        "cases": "length(case_id) + length(departments) + length(executors) + length(topics)",
        "marks": "length(key)",
        "outbox": "length(payload) + length(key)",
    }
    with sqlite3.connect(path) as connection:
        return {
            table: tuple(connection.execute(f"SELECT COUNT(*), SUM({c}) FROM {table}").fetchone())
            for table, c in columns.items()
        }


def sqlite_throughput(settings: Settings, tmp: Path, report: Report, with_profile: bool) -> None:
    work = lives("case", settings.cases)
    commands = settings.cases * COMMANDS_PER_LIFE

    with SQLiteStore(tmp / "capture.db", synchronous="OFF") as inner:
        capture = CapturingStore(inner)
        run_lives(make_service(capture), work)
    remove_db(tmp / "capture.db")
    transactions = capture.transactions
    assert len(transactions) == commands, (len(transactions), commands)
    events = sum(len(tx.events) for tx in transactions)
    outbox = sum(len(tx.outbox) for tx in transactions)
    batches = [
        [StoredEvent(c, seq, kind, record.encode()) for c, seq, kind, record in tx.records]
        for tx in transactions
    ]
    records = [[json.loads(r[3]) for r in tx.records] for tx in transactions]
    record_bytes = sum(len(r[3].encode()) for tx in transactions for r in tx.records)

    with SQLiteStore(tmp / "warm.db") as store:  # imports, the working-time index, caches
        run_lives(make_service(store), lives("warm", 5))
    remove_db(tmp / "warm.db")

    def regflow_run(path: Path, synchronous: str = "FULL") -> float:
        with SQLiteStore(path, synchronous=synchronous) as store:
            pragmas = store.pragmas()
            expected = ("wal", ("OFF", "NORMAL", "FULL").index(synchronous))
            assert (pragmas["journal_mode"], pragmas["synchronous"]) == expected, pragmas
            service = make_service(store)
            gc.collect()
            start = time.perf_counter()
            run_lives(service, work)
            return time.perf_counter() - start

    contenders: dict[str, Callable[[Path], float]] = {
        "regflow": regflow_run,
        "regflow-off": lambda path: regflow_run(path, "OFF"),
        "raw": lambda path: raw_sqlite(path, transactions),
        "recorder": lambda path: es_recorder(path, batches),
        "application": lambda path: es_application(path, records),
    }
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(settings.rounds):
        order = list(contenders)
        if round_ % 2:
            order.reverse()
        for name in order:
            path = tmp / f"{name}.db"
            seconds[name].append(contenders[name](path))
            if round_ < settings.rounds - 1 or name not in ("regflow", "raw"):
                remove_db(path)
    ours, raw = table_sums(tmp / "regflow.db"), table_sums(tmp / "raw.db")
    remove_db(tmp / "regflow.db")
    remove_db(tmp / "raw.db")
    rate = {name: commands / statistics.median(s) for name, s in seconds.items()}

    share = rate["regflow"] / rate["raw"]
    report.add(
        f"SQLite, durable: the service handles {settings.cases} lives "
        f"({commands:,} commands, {events:,} events, {outbox:,} outbox rows)",
        f"{rate['regflow']:,.0f} commands/s",
    )
    report.add("— the same per command", f"{1e6 / rate['regflow']:,.0f} µs")
    report.add(
        "— the same with `synchronous=OFF` (not durable: the service's own CPU and SQLite's)",
        f"{rate['regflow-off']:,.0f} commands/s ({1e6 / rate['regflow-off']:,.0f} µs)",
    )
    report.add(
        "SQLite, durable: raw sqlite3, the same rows in as many transactions (the limit)",
        f"{rate['raw']:,.0f} tx/s ({1e6 / rate['raw']:,.0f} µs)",
    )
    report.add(
        "— regflow ÷ raw",
        f"{share:.2f}",
        f"≥ {TARGET_RAW_SHARE:.2f}",
        share >= TARGET_RAW_SHARE,
    )
    for name, label in (
        ("recorder", "eventsourcing `SQLiteAggregateRecorder`: the same events, as many inserts"),
        ("application", "eventsourcing `Application`: load, mutate, save per command"),
    ):
        ratio = rate["regflow"] / rate[name]
        report.add(f"SQLite, durable: {label}", f"{rate[name]:,.0f} commands/s")
        if name == "application":  # like for like: load, decide, append per command
            report.add(f"— regflow ÷ eventsourcing ({name})", f"{ratio:.2f}", "> 1", ratio > 1)
        else:  # fewer rows than raw sqlite3 writes: another limit, not a peer
            report.add(f"— regflow ÷ eventsourcing ({name})", f"{ratio:.2f}")
    report.notes.append(
        f"- Throughput: medians of {settings.rounds} rounds; the service's rows and raw sqlite3's "
        f"agree table by table (rows, bytes): {'yes' if ours == raw else f'NO: {ours} vs {raw}'}. "
        f"Event records average {record_bytes / events:,.0f} bytes. Seconds per round: "
        + "; ".join(f"{n} {', '.join(f'{s:.2f}' for s in v)}" for n, v in seconds.items())
        + "."
    )
    commit_split(tmp, work, transactions, report)
    if with_profile or share < TARGET_RAW_SHARE or rate["regflow"] <= rate["application"]:
        profile_lives = work[: max(1, settings.cases // 3)]

        def profiled() -> None:
            with SQLiteStore(tmp / "profile.db") as store:
                run_lives(make_service(store), profile_lives)

        report.profiles += profile(
            f"the durable service on SQLite, {len(profile_lives)} lives", profiled, "cumulative", 35
        )
        remove_db(tmp / "profile.db")


# -- 2. the due-work query ----------------------------------------------------------------


class _SqlCapture:
    """An executor that notes the SQL it is given and returns nothing."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple[object, ...]]] = []

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        self.statements.append((sql, tuple(params)))
        return []

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        self.statements.append((sql, tuple(params)))
        return 0

    def run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        return 0


def due_statement(dialect: Dialect, now: dt.datetime) -> tuple[str, tuple[object, ...]]:
    """The statement and parameters ``uow.cases.due(now, 200)`` runs on ``dialect``."""
    capture = _SqlCapture()
    SqlUnit(capture, dialect).cases.due(now, DUE_LIMIT)
    [(statement, params)] = capture.statements
    return statement, params


def index_rows(
    count: int, first_due: dt.datetime, span: dt.timedelta, seed: int, dialect: Dialect
) -> Iterator[tuple[object, ...]]:
    """Open cases' index rows, ``next_due`` uniform over ``span`` from ``first_due``."""
    rng = random.Random(seed)
    first, width = micros(first_due), span // dt.timedelta(microseconds=1)
    month = 30 * 86_400_000_000
    departments = [dialect.tags_param(names) for names in (("improvement",), ("housing",))]
    executors = [dialect.tags_param(names) for names in (("volkova",), ("ivanova",), ())]
    topics = dialect.tags_param(("snow-removal",))
    for n in range(count):
        due = first + rng.randrange(width)
        detected = due - rng.randrange(month)
        yield (
            f"bulk-{n:07d}",
            "blagoveshchensk",
            OPEN_STAGES[n % len(OPEN_STAGES)],
            detected,
            detected,
            3 + n % 5,
            due,
            departments[n % 2],
            executors[n % 3],
            topics,
            f"street-{n % 20}",
        )


def load_sqlite(path: Path, rows: Iterator[tuple[object, ...]]) -> float:
    """Insert index rows straight into the ``cases`` table of a SQLite store; seconds."""
    start = time.perf_counter()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -200000")
        connection.execute("BEGIN")
        connection.executemany(INSERT_CASE, rows)
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return time.perf_counter() - start


def time_due(store: Store, now: dt.datetime, repeats: int) -> tuple[list[int], list[CaseEntry]]:
    """Nanoseconds of each of ``repeats`` ``due()`` calls, each in its own unit of work."""
    with store.unit_of_work() as uow:
        found = uow.cases.due(now, DUE_LIMIT)
    assert len(found) == DUE_LIMIT, len(found)
    assert all(e.next_due is not None and e.next_due <= now for e in found)
    assert [e.next_due for e in found] == sorted(e.next_due for e in found)  # type: ignore[type-var]
    times = []
    for _ in range(repeats):
        with store.unit_of_work() as uow:
            start = time.perf_counter_ns()
            uow.cases.due(now, DUE_LIMIT)
            times.append(time.perf_counter_ns() - start)
    return times, found


def due_row(report: Report, database: str, times: Sequence[int], rows: int) -> None:
    ms = median_ms(times)
    report.add(
        f"{database}: `uow.cases.due(now, {DUE_LIMIT})` over {rows:,} open cases "
        f"(median of {len(times)}; slowest {max(times) / 1e6:.2f} ms)",
        f"{ms:.2f} ms",
        f"≤ {TARGET_DUE_MS:g} ms",
        ms <= TARGET_DUE_MS,
    )


def due_now(settings: Settings) -> tuple[dt.datetime, dt.datetime]:
    """``now`` and the first ``next_due``: ``due_now`` of ``index_rows`` fall before ``now``."""
    now = FIRST + dt.timedelta(days=30)
    return now, now - YEAR * settings.due_now / settings.index_rows


def sqlite_due(settings: Settings, tmp: Path, report: Report) -> None:
    path = tmp / "due.db"
    now, first_due = due_now(settings)
    SQLiteStore(path).close()
    loaded = load_sqlite(path, index_rows(settings.index_rows, first_due, YEAR, 1, SQLITE))
    report.add(f"SQLite: bulk load of {settings.index_rows:,} index rows", f"{loaded:.1f} s")
    with SQLiteStore(path) as store:
        times, _ = time_due(store, now, settings.repeats)
    due_row(report, "SQLite", times, settings.index_rows)
    statement, params = due_statement(SQLITE, now)
    with sqlite3.connect(path) as connection:
        due = connection.execute(
            "SELECT COUNT(*) FROM cases WHERE next_due <= ?", (params[0],)
        ).fetchone()[0]
        plan = connection.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
    connection.close()
    remove_db(path)
    report.plans += [
        "",
        f"SQLite {sqlite3.sqlite_version}, {due:,} of {settings.index_rows:,} cases due "
        "(no ANALYZE run):",
        "",
        "```",
        statement,
        *(f"{'  ' * _depth(plan, row)}{row[3]}" for row in plan),
        "```",
    ]


def _depth(plan: list[tuple[Any, ...]], row: tuple[Any, ...]) -> int:
    parents = {r[0]: r[1] for r in plan}
    depth, parent = 0, row[1]
    while parent:
        depth, parent = depth + 1, parents.get(parent, 0)
    return depth


# -- PostgreSQL -----------------------------------------------------------------------------


def execute(dsn: str, statement: Any, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def postgres_due(settings: Settings, dsn: str, report: Report) -> None:
    now, first_due = due_now(settings)
    rows = index_rows(settings.index_rows, first_due, YEAR, 1, POSTGRES)
    start = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as connection:
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY cases ({CASE_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        connection.execute("ANALYZE cases")
    report.add(
        f"PostgreSQL: bulk load of {settings.index_rows:,} index rows (COPY, ANALYZE)",
        f"{time.perf_counter() - start:.1f} s",
    )
    with PostgresStore(dsn, max_size=1) as store:
        times, _ = time_due(store, now, settings.repeats)
    due_row(report, "PostgreSQL", times, settings.index_rows)
    statement, params = due_statement(POSTGRES, now)
    statement = statement.replace("?", "%s")
    with psycopg.connect(dsn) as connection:  # a transaction, rolled back: the plan locks rows
        plan = connection.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) {statement}",
            params,
        ).fetchall()
        connection.rollback()
    due = execute(dsn, "SELECT COUNT(*) FROM cases WHERE next_due <= %s", (params[0],))[0][0]
    report.plans += [
        "",
        f"PostgreSQL, {due:,} of {settings.index_rows:,} cases due (after ANALYZE):",
        "",
        "```",
        statement,
        *(line for (line,) in plan),
        "```",
    ]


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot (Linux; else 0)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(n) for n in stat.readline().split()[1:9]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait


def postgres_workers(settings: Settings, dsn: str, report: Report) -> None:
    context = multiprocessing.get_context("spawn")
    single = None
    for count in settings.workers:
        execute(dsn, "TRUNCATE events, cases, intake, marks, outbox")
        execute(dsn, "CHECKPOINT")  # not one forced by the bulk load's WAL in the middle
        barrier = context.Barrier(count + 1)  # and this process, to note the start
        results = context.Queue()
        processes = [
            context.Process(
                target=postgres_worker, args=(dsn, n, settings.pg_cases, barrier, results)
            )
            for n in range(count)
        ]
        for process in processes:
            process.start()
        try:
            barrier.wait(timeout=180)
        except threading.BrokenBarrierError:
            reasons = [results.get(timeout=30)[3] for _ in processes]
            raise RuntimeError(f"PostgreSQL workers did not start: {reasons}") from None
        started, busy = time.monotonic(), machine_cpu_seconds()
        done = [results.get(timeout=600) for _ in processes]
        machine = (machine_cpu_seconds() - busy) / (time.monotonic() - started)
        for process in processes:
            process.join(timeout=60)
        failed = [d for d in done if isinstance(d[3], str)]
        if failed:
            raise RuntimeError(f"PostgreSQL workers failed: {failed}")
        commands = sum(d[3] for d in done)
        wall = max(d[2] for d in done) - min(d[1] for d in done)
        rate = commands / wall
        single = single or rate
        cpu = sum(d[4] for d in done) / wall
        report.add(
            f"PostgreSQL: {count} worker process{'es' if count > 1 else ''}, "
            f"{settings.pg_cases} lives each ({commands:,} commands; CPU used by the workers "
            f"{cpu:.2f} cores, by the whole machine {machine:.2f} of {os.cpu_count()})",
            f"{rate:,.0f} commands/s" + (f" (×{rate / single:.2f})" if count > 1 else ""),
        )


# -- 4. tick and dispatch memory -------------------------------------------------------------


def tick_memory(settings: Settings, tmp: Path, report: Report) -> None:
    base = tmp / "tick-base.db"
    start = time.perf_counter()
    with SQLiteStore(base, synchronous="OFF") as store:
        run_lives(make_service(store), lives("due", settings.tick_due))
    setup = time.perf_counter() - start
    context = multiprocessing.get_context("spawn")
    peaks = []
    for size in settings.tick_sizes:
        path = tmp / f"tick-{size}.db"
        shutil.copyfile(base, path)
        bulk = size - settings.tick_due
        load_sqlite(path, index_rows(bulk, TICK_NOW + dt.timedelta(days=30), YEAR, 2, SQLITE))
        results = context.Queue()
        process = context.Process(
            target=tick_worker, args=(str(path), TICK_NOW.isoformat(), results)
        )
        process.start()
        got = results.get(timeout=900)
        process.join(timeout=60)
        remove_db(path)
        tick, dispatch = got["tick"], got["dispatch"]
        assert tick[0] == settings.tick_due, got
        assert got["due_left"] == 0, got
        peak_mb = max(got["tick_peak"], got["dispatch_peak"]) / 2**20
        rss_mb = (got["rss_peak_kb"] - got["rss_before_kb"]) / 1024
        rss_how = "peak RSS" if got["rss_peak_reset"] else "ru_maxrss"
        peaks.append(peak_mb)
        report.add(
            f"SQLite, {size:,} open cases ({settings.tick_due:,} due): `tick` — {tick[0]:,} cases, "
            f"{tick[1]:,} warnings, {tick[2]:,} breaches, {tick[3]:,} escalations, "
            f"{got['tick_s']:.1f} s; `dispatch` — {dispatch[0]:,} delivered, "
            f"{got['dispatch_s']:.1f} s (timed under tracemalloc)",
            f"peak {got['tick_peak'] / 2**20:.1f} MB (tick), "
            f"{got['dispatch_peak'] / 2**20:.1f} MB (dispatch); "
            f"{rss_how} +{rss_mb:.1f} MB over {got['rss_before_kb'] / 1024:.0f} MB",
            f"< {TARGET_PEAK_MB:g} MB",
            peak_mb < TARGET_PEAK_MB and rss_mb < TARGET_PEAK_MB,
        )
    remove_db(base)
    growth = peaks[1] / peaks[0]
    report.add(
        f"— peak with {settings.tick_sizes[1]:,} cases ÷ peak with {settings.tick_sizes[0]:,}",
        f"{growth:.2f}",
        f"≤ {TARGET_GROWTH}",
        growth <= TARGET_GROWTH,
    )
    report.notes.append(
        f"- Tick store setup: {settings.tick_due:,} lives through the service "
        f"(`synchronous=OFF`) in {setup:.1f} s; the bulk rows are due from 30 days after `now`. "
        "Peak RSS is `VmHWM` after resetting it (`/proc/self/clear_refs`) once the store is "
        "open, minus `VmRSS` then: a spawned child's `ru_maxrss` starts at its parent's size "
        "at `exec`, so its growth would say nothing. The RSS includes tracemalloc's own "
        "bookkeeping and the recording notifier's list of every message sent."
    )


# -- the report ---------------------------------------------------------------------------


def postgres_info(dsn: str) -> str:
    settings = execute(
        dsn,
        "SELECT name, setting FROM pg_settings WHERE name IN "
        "('server_version', 'synchronous_commit', 'fsync', 'shared_buffers', 'wal_sync_method')",
    )
    return ", ".join(f"{name} {value}" for name, value in settings)


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A DSN whose ``search_path`` is a fresh schema holding a regflow store; dropped after."""
    name = f"regflow_bench_{uuid.uuid4().hex[:12]}"
    execute(base, sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        dsn = make_conninfo(base, options=f"-c search_path={name}")
        PostgresStore(dsn, max_size=1).close()  # the schema's tables
        yield dsn
    finally:
        execute(base, sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def run(settings: Settings, quick: bool, with_profile: bool) -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    started = time.perf_counter()
    report = Report()
    base_dsn = os.environ.get("REGFLOW_TEST_POSTGRES_DSN") or DEFAULT_DSN
    with tempfile.TemporaryDirectory(prefix="regflow-store-bench-") as name:
        tmp = Path(name)
        sqlite_throughput(settings, tmp, report, with_profile)
        sqlite_due(settings, tmp, report)
        try:
            server = postgres_info(base_dsn)
        except psycopg.Error as exc:
            server = f"not reachable ({str(exc).strip().splitlines()[0]}): its rows are skipped"
            report.add("PostgreSQL", "skipped: no server")
        else:
            with postgres_schema(base_dsn) as dsn:
                postgres_due(settings, dsn, report)
                postgres_workers(settings, dsn, report)
        tick_memory(settings, tmp, report)

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    out = [
        "# regflow store benchmark",
        "",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"regflow {version('regflow')}, eventsourcing {version('eventsourcing')}, "
        f"SQLite {sqlite3.sqlite_version}, psycopg {version('psycopg')}",
        f"- machine: {cpu_name()} ({platform.machine()}), nproc {affinity or os.cpu_count()}, "
        f"{memory:.0f} GiB RAM, {platform.platform()}; temporary files in {tempfile.gettempdir()}",
        f"- PostgreSQL: {server}",
        f"- {'quick' if quick else 'full'} run: {settings.cases} lives × {COMMANDS_PER_LIFE} "
        f"commands per SQLite contender and round, {settings.rounds} rounds; "
        f"{settings.index_rows:,} open cases for the due query ({settings.repeats} calls); "
        f"{settings.pg_cases} lives per PostgreSQL worker; tick stores of "
        f"{' and '.join(f'{n:,}' for n in settings.tick_sizes)} open cases with "
        f"{settings.tick_due:,} due; load average before the run {load[0]:.2f}, after "
        f"{os.getloadavg()[0] if hasattr(os, 'getloadavg') else 0.0:.2f} (other processes slow "
        "every figure); "
        f"the run took {time.perf_counter() - started:.0f} s",
        "",
        *TABLE_HEAD,
        *table(report.rows),
    ]
    out += ["", "## Plans of the due-work query", *report.plans]
    if report.notes:
        out += ["", "## Notes", "", *report.notes]
    out += report.profiles
    print("\n".join(out))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller stores, fewer commands")
    parser.add_argument(
        "--profile", action="store_true", help="profile the service's commands even if on target"
    )
    args = parser.parse_args(argv)
    run(QUICK if args.quick else FULL, args.quick, args.profile)


if __name__ == "__main__":
    main()
