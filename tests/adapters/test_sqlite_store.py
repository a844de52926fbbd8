"""The SQLite store: the store contract on a real file, its migrations and settings,
and the service running on it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from regflow.adapters import _sql
from regflow.adapters.sqlite import SQLiteStore
from regflow.core import verify
from regflow.errors import ConcurrencyConflict, NaiveDatetime, StorageError
from regflow.ports.store import OutboxState
from regflow.testing import StoreContract
from regflow.testing.service_scenarios import ServiceScenarios, StoreFactory
from regflow.testing.store_contract import T0, entry, history


def read(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of a query, through a connection of its own."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteStore]:
        with SQLiteStore(tmp_path / "regflow.db") as store:
            yield store


class TestServiceOnSQLite(ServiceScenarios):
    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> Iterator[StoreFactory]:
        opened: list[SQLiteStore] = []

        def open_store() -> SQLiteStore:
            opened.append(SQLiteStore(tmp_path / "regflow.db"))
            return opened[-1]

        yield open_store
        for store in opened:
            store.close()


# -- migrations -----------------------------------------------------------------------------


def test_opening_creates_the_schema_and_records_its_version(tmp_path: Path) -> None:
    path = tmp_path / "regflow.db"
    with SQLiteStore(path):
        pass
    tables = {name for (name,) in read(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"schema_version", "events", "cases", "intake", "marks", "outbox", "sent"}
    versions = read(path, "SELECT version FROM schema_version ORDER BY version")
    assert versions == [(m.version,) for m in _sql.MIGRATIONS]
    assert versions[-1] == (_sql.LATEST_VERSION,)


def test_opening_again_keeps_the_data_and_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "regflow.db"
    with SQLiteStore(path) as store, store.unit_of_work() as uow:
        uow.events.append("c-1", 0, history("c-1", 2))
    with SQLiteStore(path) as again, SQLiteStore(path) as third:  # two at once, too
        with again.unit_of_work() as uow:
            assert len(uow.events.load("c-1")) == 2
        with third.unit_of_work() as uow:
            assert len(uow.events.load("c-1")) == 2
    assert read(path, "SELECT COUNT(*) FROM schema_version") == [(_sql.LATEST_VERSION,)]


def test_a_database_of_an_earlier_version_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "regflow.db"
    first = _sql.MIGRATIONS[0]
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
            "description TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        for statement in first.statements(_sql.SQLITE):
            connection.execute(statement)
        connection.execute(
            "INSERT INTO schema_version (version, description) VALUES (?, ?)",
            (first.version, first.description),
        )
        record = json.dumps({"kept": True})
        connection.execute("INSERT INTO events VALUES ('c-1', 1, 'detected', 0, ?)", (record,))
    with SQLiteStore(path):
        pass
    versions = read(path, "SELECT version FROM schema_version ORDER BY version")
    assert versions == [(m.version,) for m in _sql.MIGRATIONS]
    indexes = {name for (name,) in read(path, "SELECT name FROM sqlite_master WHERE type='index'")}
    assert "cases_place" in indexes
    assert read(path, "SELECT case_id, record FROM events") == [("c-1", record)]


def test_a_version_2_store_gains_claim_tokens_and_the_sent_log(tmp_path: Path) -> None:
    # issue 15: a store file written before claim tokens keeps its pending item, which is
    # then claimed with a token and settled by its holder only
    path = tmp_path / "regflow.db"
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
            "description TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        for migration in _sql.MIGRATIONS[:2]:
            for statement in migration.statements(_sql.SQLITE):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_version (version, description) VALUES (?, ?)",
                (migration.version, migration.description),
            )
        connection.execute(
            "INSERT INTO outbox (key, kind, payload, created_at, case_id, state) "
            "VALUES ('c-1/draft-1', 'publish', '{}', 0, 'c-1', 'pending')"
        )
    with SQLiteStore(path) as store, store.unit_of_work() as uow:
        (claimed,) = uow.outbox.claim(T0, 10, dt.timedelta(minutes=5))
        assert claimed.key == "c-1/draft-1"
        assert claimed.claim
        assert not uow.outbox.settle("c-1/draft-1", OutboxState.DONE, claim="stale")
        assert uow.outbox.settle("c-1/draft-1", OutboxState.DONE, claim=claimed.claim)
        assert uow.sent.begin("c-1/draft-1", T0) is None
    assert read(path, "SELECT MAX(version) FROM schema_version") == [(_sql.LATEST_VERSION,)]
    assert read(path, "SELECT state FROM outbox") == [("done",)]


def test_the_surge_count_reads_the_place_index(tmp_path: Path) -> None:
    path = tmp_path / "regflow.db"
    with SQLiteStore(path):
        pass
    plan = read(
        path,
        "EXPLAIN QUERY PLAN SELECT case_id FROM cases WHERE organization = 'o' "
        "AND location = 'street' AND detected_at >= 0",
    )
    assert any("cases_place" in str(row[-1]) for row in plan), plan


def test_a_database_from_a_newer_regflow_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "regflow.db"
    with SQLiteStore(path):
        pass
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(
            "INSERT INTO schema_version (version, description) VALUES (99, 'from the future')"
        )
    newer = rf"schema is at version 99, newer than version {_sql.LATEST_VERSION}"
    with pytest.raises(StorageError, match=newer):
        SQLiteStore(path)


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just words " * 100)
    with pytest.raises(StorageError) as caught:
        SQLiteStore(path)
    assert isinstance(caught.value.__cause__, sqlite3.Error)


# -- settings -------------------------------------------------------------------------------


def test_the_file_is_in_wal_mode_with_full_synchronous_commits(tmp_path: Path) -> None:
    path = tmp_path / "regflow.db"
    with SQLiteStore(path, busy_timeout=2.5) as store:
        assert store.pragmas() == {"journal_mode": "wal", "synchronous": 2, "busy_timeout": 2500}
    assert read(path, "PRAGMA journal_mode") == [("wal",)]  # kept in the file
    with SQLiteStore(path, synchronous="normal") as store:
        assert store.pragmas()["synchronous"] == 1


def test_an_unknown_synchronous_setting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous='SOMETIMES'"):
        SQLiteStore(tmp_path / "regflow.db", synchronous="SOMETIMES")


def test_the_due_query_uses_the_partial_index(tmp_path: Path) -> None:
    path = tmp_path / "regflow.db"
    with SQLiteStore(path) as store, store.unit_of_work() as uow:
        for n in range(50):
            uow.cases.put(entry(f"c-{n}", T0 if n % 2 else None))
    due_sql = (
        "EXPLAIN QUERY PLAN SELECT * FROM cases WHERE next_due IS NOT NULL AND next_due <= 1 "
        "ORDER BY next_due, case_id LIMIT 10"
    )
    plan = " ".join(str(row[-1]) for row in read(path, due_sql))
    assert "USING INDEX cases_due" in plan
    assert "TEMP B-TREE" not in plan  # the index gives the order, nothing is sorted


# -- transactions and errors ---------------------------------------------------------------


def test_a_closed_store_and_an_ended_unit_of_work_refuse_work(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "regflow.db")
    with store.unit_of_work() as uow:
        pass
    with pytest.raises(StorageError, match="has ended"):
        uow.events.load("c-1")
    store.close()
    store.close()
    with pytest.raises(StorageError, match="is closed"), store.unit_of_work():
        pass


def test_units_of_work_do_not_nest(tmp_path: Path) -> None:
    with (
        SQLiteStore(tmp_path / "regflow.db") as store,
        store.unit_of_work(),
        pytest.raises(StorageError, match="do not nest"),
        store.unit_of_work(),
    ):
        pass


def test_naive_datetimes_are_refused(tmp_path: Path) -> None:
    with (
        SQLiteStore(tmp_path / "regflow.db") as store,
        store.unit_of_work() as uow,
        pytest.raises(NaiveDatetime, match="now="),
    ):
        uow.cases.due(dt.datetime(2025, 11, 24, 9, 0), 10)


def test_another_process_holding_the_lock_is_a_storage_error_after_the_timeout(
    tmp_path: Path,
) -> None:
    path = tmp_path / "regflow.db"
    with SQLiteStore(path, busy_timeout=0.1) as store:
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(StorageError, match="locked"), store.unit_of_work():
                pass
            other.execute("ROLLBACK")
        with store.unit_of_work() as uow:  # usable again
            assert uow.events.load("c-1") == ()


def test_threads_appending_to_one_case_lose_no_event(tmp_path: Path) -> None:
    events = history("c-1", 41)
    with SQLiteStore(tmp_path / "regflow.db") as store:
        with store.unit_of_work() as uow:
            uow.events.append("c-1", 0, events[:1])

        def append_next() -> None:
            while True:
                with store.unit_of_work() as uow:  # read in one transaction, write in another
                    version = len(uow.events.load("c-1"))
                if version == len(events):
                    return
                with contextlib.suppress(ConcurrencyConflict), store.unit_of_work() as uow:
                    uow.events.append("c-1", version, events[version : version + 1])

        threads = [threading.Thread(target=append_next) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with store.unit_of_work() as uow:
            assert list(uow.events.load("c-1")) == events


def test_an_event_with_a_period_is_read_back_equal(tmp_path: Path) -> None:
    from regflow.core.codec import event_from_json, event_to_json
    from regflow.core.events import Classified, Event
    from regflow.rules.kinds import Period

    first = history("c-1", 1)[0]
    limited = Classified(("roads",), None, "high", Period.parse("4h"))
    event = Event.make("c-1", 2, T0, "curator", "п. 7", limited, first.hash)
    assert event_from_json(event_to_json(event)) == event
    store = SQLiteStore(tmp_path / "p.sqlite3")
    try:
        with store.unit_of_work() as uow:
            uow.events.append("c-1", 0, [first, event])
        with store.unit_of_work() as uow:
            loaded = uow.events.load("c-1")
    finally:
        store.close()
    assert loaded[1] == event
    assert verify(loaded) == 2


def test_a_snapshot_keeps_no_other_process_from_writing_and_does_not_see_its_writes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    reader, writer = SQLiteStore(path, busy_timeout=0.5), SQLiteStore(path, busy_timeout=0.5)
    try:
        with writer.unit_of_work() as uow:
            uow.events.append("c-1", 0, history("c-1", 2))
        with reader.snapshot() as snapshot:
            assert len(snapshot.events.load("c-1")) == 2
            # another process writes while the report reads: no "database is locked"
            with writer.unit_of_work() as uow:
                uow.events.append("c-1", 2, history("c-1", 3)[2:])
                uow.cases.put(entry("c-1", None))
            assert len(snapshot.events.load("c-1")) == 2  # one consistent state
            assert snapshot.cases.get("c-1") is None
        with reader.snapshot() as snapshot:
            assert len(snapshot.events.load("c-1")) == 3
        with reader.unit_of_work() as uow:  # and the reader's connection still writes after
            uow.events.append("c-2", 0, history("c-2", 1))
    finally:
        reader.close()
        writer.close()


def test_a_period_s_cases_are_read_through_the_detection_index(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "store.db") as store, store.snapshot() as snapshot:
        plan = snapshot.cases._db.fetch(  # type: ignore[attr-defined]
            "EXPLAIN QUERY PLAN SELECT case_id FROM cases WHERE organization = ? "
            "AND detected_at >= ? AND detected_at < ? ORDER BY detected_at, case_id LIMIT 500",
            ("city", 0, 1),
        )
    assert any("cases_detected" in str(row) for row in plan)
