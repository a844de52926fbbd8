"""The PostgreSQL store: the store contract, the service on it, and several worker
processes sharing cases, due work and the outbox.

Runs when ``REGFLOW_TEST_POSTGRES_DSN`` names a database (CI always sets it);
each test works in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import collections
import json
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from regflow.adapters._sql import LATEST_VERSION, MIGRATIONS
from regflow.core.events import verify
from regflow.errors import ConcurrencyConflict, StorageError
from regflow.ports.store import OutboxItem
from regflow.testing import StoreContract
from regflow.testing import service_scenarios as scenarios
from regflow.testing.service_scenarios import ServiceScenarios, StoreFactory
from regflow.testing.store_contract import T0, entry, history
from tests.adapters import _pg_workers

DSN = os.environ.get("REGFLOW_TEST_POSTGRES_DSN", "")
pytestmark = pytest.mark.skipif(
    not DSN, reason="set REGFLOW_TEST_POSTGRES_DSN to a PostgreSQL database to run these"
)
psycopg = pytest.importorskip("psycopg")
from psycopg import sql  # noqa: E402  (after the skip: needs the postgres extra)
from psycopg.conninfo import make_conninfo  # noqa: E402

from regflow.adapters.postgres import PostgresStore  # noqa: E402

PROCESS_TIMEOUT = 50.0


def execute(dsn: str, statement: Any, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on a connection of its own; its rows, if any."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def schema_dsn() -> Iterator[str]:
    """A DSN whose ``search_path`` is a fresh schema, dropped after the test."""
    name = f"regflow_test_{uuid.uuid4().hex[:12]}"
    execute(DSN, sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(DSN, options=f"-c search_path={name}")
    finally:
        execute(DSN, sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


class TestPostgresStore(StoreContract):
    @pytest.fixture
    def store(self, schema_dsn: str) -> Iterator[PostgresStore]:
        with PostgresStore(schema_dsn, max_size=2) as store:
            yield store


class TestServiceOnPostgres(ServiceScenarios):
    @pytest.fixture
    def store_factory(self, schema_dsn: str) -> Iterator[StoreFactory]:
        opened: list[PostgresStore] = []

        def open_store() -> PostgresStore:
            opened.append(PostgresStore(schema_dsn, max_size=2))
            return opened[-1]

        yield open_store
        for store in opened:
            store.close()


# -- migrations, errors ----------------------------------------------------------------------


def test_opening_again_migrates_nothing_and_a_newer_schema_is_refused(schema_dsn: str) -> None:
    with PostgresStore(schema_dsn), PostgresStore(schema_dsn):
        pass
    versions = execute(schema_dsn, "SELECT version FROM schema_version ORDER BY version")
    assert versions == [(m.version,) for m in MIGRATIONS]
    execute(schema_dsn, "INSERT INTO schema_version (version, description) VALUES (7, 'later')")
    newer = rf"schema is at version 7, newer than version {LATEST_VERSION}"
    with pytest.raises(StorageError, match=newer):
        PostgresStore(schema_dsn)


def test_an_unreachable_database_is_a_storage_error() -> None:
    dsn = make_conninfo(DSN, dbname=f"no_such_db_{uuid.uuid4().hex[:8]}")
    with pytest.raises(StorageError, match="cannot open the PostgreSQL store"):
        PostgresStore(dsn, timeout=1.0)


def test_a_closed_store_refuses_work(schema_dsn: str) -> None:
    store = PostgresStore(schema_dsn)
    store.close()
    store.close()
    with pytest.raises(StorageError, match="closed"), store.unit_of_work():
        pass


def test_a_due_case_locked_by_one_worker_is_skipped_by_another(schema_dsn: str) -> None:
    with PostgresStore(schema_dsn, max_size=2) as store:
        with store.unit_of_work() as uow:
            for n in range(4):
                uow.cases.put(entry(f"c-{n}", T0))
            uow.outbox.enqueue([OutboxItem(f"n-{n}", "notify", {}, T0) for n in range(4)])
        with store.unit_of_work() as first:
            mine = [e.case_id for e in first.cases.due(T0, 2)]
            claimed = [i.key for i in first.outbox.claim(T0, 2, _pg_workers.LEASE)]
            with store.unit_of_work() as second:  # another connection, as another worker
                assert [e.case_id for e in second.cases.due(T0, 10)] == ["c-2", "c-3"]
                assert [i.key for i in second.outbox.claim(T0, 10, _pg_workers.LEASE)] == [
                    "n-2",
                    "n-3",
                ]
        assert mine == ["c-0", "c-1"]
        assert claimed == ["n-0", "n-1"]


def test_an_append_racing_past_the_version_check_is_a_conflict(schema_dsn: str) -> None:
    events = history("c-1", 1)
    caught: list[BaseException] = []
    seen: list[int] = []

    def append_too() -> None:
        with store.unit_of_work() as uow:
            try:
                uow.events.append("c-1", 0, events)  # counts 0, then waits for the first
            except ConcurrencyConflict as error:
                caught.append(error)
                # the racing row was skipped, not an error: the transaction is still usable
                seen.append(len(uow.events.load("c-1")))

    with PostgresStore(schema_dsn, max_size=2) as store:
        with store.unit_of_work() as first:
            first.events.append("c-1", 0, events)
            second = threading.Thread(target=append_too)
            second.start()
            waiting = (
                "SELECT COUNT(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND query LIKE %s"
            )
            deadline = time.monotonic() + 10
            while execute(schema_dsn, waiting, ("INSERT INTO events%",)) != [(1,)]:
                assert time.monotonic() < deadline, "the second append never waited"
                time.sleep(0.01)
        second.join(10)
        with store.unit_of_work() as uow:
            assert len(uow.events.load("c-1")) == 1
    [error] = caught
    assert isinstance(error, ConcurrencyConflict)
    assert (error.expected, error.actual) == (0, 1)
    assert seen == [1]


def test_the_due_query_uses_the_partial_index(schema_dsn: str) -> None:
    with PostgresStore(schema_dsn) as store, store.unit_of_work() as uow:
        for n in range(2000):
            uow.cases.put(entry(f"c-{n}", T0 if n % 10 == 0 else None))
    execute(schema_dsn, "ANALYZE cases")
    plan = execute(
        schema_dsn,
        "EXPLAIN SELECT * FROM cases WHERE next_due IS NOT NULL AND next_due <= 1 "
        "ORDER BY next_due, case_id LIMIT 100 FOR UPDATE SKIP LOCKED",
    )
    assert "Index Scan using cases_due" in " ".join(str(row[0]) for row in plan)


# -- several processes ----------------------------------------------------------------------


def run_processes(target: Callable[..., None], arguments: list[tuple[Any, ...]]) -> None:
    """Run one spawned process per argument tuple (each gets a shared barrier last but
    one); fail if any fails or outlives :data:`PROCESS_TIMEOUT`."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(arguments))
    processes = [
        context.Process(target=target, args=(*args[:-1], barrier, args[-1])) for args in arguments
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + PROCESS_TIMEOUT
    try:
        for process in processes:
            process.join(max(deadline - time.monotonic(), 0.1))
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
        codes = [process.exitcode for process in processes]
        for process in processes:
            process.close()
    assert codes == [0] * len(processes), f"exit codes {codes} (negative: killed after the timeout)"


def test_eight_processes_appending_to_the_same_cases_lose_no_update(
    schema_dsn: str, tmp_path: Path
) -> None:
    cases = ["c-1", "c-2"]
    with PostgresStore(schema_dsn) as store, store.unit_of_work() as uow:
        for case_id in cases:
            uow.events.append(case_id, 0, history(case_id, 1))
            uow.cases.put(entry(case_id, None))
    outputs = [tmp_path / f"worker-{n}.json" for n in range(8)]
    run_processes(
        _pg_workers.append_events,
        [(schema_dsn, n, cases, 40, str(out)) for n, out in enumerate(outputs)],
    )
    results = [json.loads(out.read_text()) for out in outputs]
    with PostgresStore(schema_dsn) as store, store.unit_of_work() as uow:
        for case_id in cases:
            events = uow.events.load(case_id)
            acknowledged = sorted(tag for r in results for tag in r["appended"][case_id])
            assert verify(events) == 1 + len(acknowledged)  # seq 1..n, chained
            assert sorted(e.data.topics[0] for e in events[1:]) == acknowledged
            index = uow.cases.get(case_id)
            assert index is not None
            assert index.version == len(events)
    assert sum(len(tags) for r in results for tags in r["appended"].values()) == 8 * 40
    conflicts = sum(r["conflicts"] for r in results)
    assert conflicts > 0  # they did race
    print(f"8 processes appended {8 * 40} events to {len(cases)} cases; {conflicts} conflicts")


def test_four_processes_drain_due_cases_and_the_outbox_each_exactly_once(
    schema_dsn: str, tmp_path: Path
) -> None:
    count = 10_000
    with PostgresStore(schema_dsn) as store, store.unit_of_work() as uow:
        for n in range(count):
            uow.cases.put(entry(f"c-{n:05}", T0))
        uow.outbox.enqueue([OutboxItem(f"n-{n:05}", "notify", {"n": n}, T0) for n in range(count)])
    outputs = [tmp_path / f"worker-{n}.json" for n in range(4)]
    started = time.monotonic()
    run_processes(
        _pg_workers.drain,
        [(schema_dsn, n, T0.isoformat(), 100, str(out)) for n, out in enumerate(outputs)],
    )
    elapsed = time.monotonic() - started
    results = [json.loads(out.read_text()) for out in outputs]
    handled_cases = collections.Counter(c for r in results for c in r["cases"])
    handled_items = collections.Counter(i for r in results for i in r["items"])
    assert len(handled_cases) == count
    assert set(handled_cases.values()) == {1}
    assert len(handled_items) == count
    assert set(handled_items.values()) == {1}
    assert sum(1 for r in results if r["cases"] and r["items"]) >= 2  # the work was shared
    left = execute(
        schema_dsn,
        "SELECT (SELECT COUNT(*) FROM cases WHERE next_due IS NOT NULL),"
        " (SELECT COUNT(*) FROM outbox WHERE state <> 'done' OR attempts <> 1)",
    )
    assert left == [(0, 0)]
    print(
        f"drained {count} cases and {count} items in {elapsed:.1f} s; per worker: "
        + ", ".join(f"{len(r['cases'])}/{len(r['items'])}" for r in results)
    )


# -- п. 20 under concurrency (issue 15) -------------------------------------------------------


def test_p20_five_processes_classifying_at_once_raise_the_surge_once_per_place(
    schema_dsn: str, tmp_path: Path
) -> None:
    # issue 15: each classification counted the cases committed before it and missed the
    # others' (write skew), so five at once each saw fewer than five and none escalated
    rounds = 8
    with PostgresStore(schema_dsn):
        pass  # the schema, before the workers race to make it
    outputs = [tmp_path / f"worker-{n}.json" for n in range(5)]
    run_processes(
        _pg_workers.classify_in_step,
        [(schema_dsn, n, rounds, str(out)) for n, out in enumerate(outputs)],
    )
    results = [json.loads(out.read_text()) for out in outputs]
    per_place = {
        f"place-{r}": sum(result[f"place-{r}"] for result in results) for r in range(rounds)
    }
    assert per_place == {f"place-{r}": 1 for r in range(rounds)}


def test_p20_processes_ticking_breaches_at_once_raise_repeated_breaches_once_per_city(
    schema_dsn: str, tmp_path: Path
) -> None:
    # issue 15: each tick added its breach mark and counted the marks committed before it
    # (the same count-then-mark pattern), so three at once each saw fewer than three
    organizations = 6
    orgs = tuple(attrs.evolve(scenarios.ORG, id=f"city-{n}") for n in range(organizations))
    with PostgresStore(schema_dsn) as store:
        service, _notifier, _clock = scenarios.make(store, organizations=orgs)
        for org in orgs:
            for _ in range(3):  # three cases whose draft (п. 10) falls due at 14:00
                scenarios.routed_and_assigned(service, org)
    outputs = [tmp_path / f"worker-{n}.json" for n in range(6)]
    run_processes(
        _pg_workers.tick_one_by_one,
        [(schema_dsn, n, organizations, str(out)) for n, out in enumerate(outputs)],
    )
    results = [json.loads(out.read_text()) for out in outputs]
    assert sum(r["breaches"] for r in results) == 3 * organizations
    with PostgresStore(schema_dsn) as store:
        service, _notifier, _clock = scenarios.make(store, organizations=orgs)
        with store.unit_of_work() as uow:
            cases = [e.case_id for e in uow.cases.query(stage="any", limit=1000)]
        raised = collections.Counter(
            service.case(case_id).organization
            for case_id in cases
            for e in service.case(case_id).events
            if e.type == "escalated"
        )
    assert raised == {org.id: 1 for org in orgs}
