"""Issue 15 part 3: what someone with write access to the database does to a store, and
how ``regflow verify`` (``regflow.reports.audit``) finds it, on SQLite files and on
PostgreSQL.

Each tampering is done twice: plainly, and with the store-wide chain then forged to fit
(every entry re-linked from the first one that changed, as an attacker who knows the
scheme would). The plain one is found from the store alone; the forged one by the anchor
taken before. Each test also shows that the check regflow had before (every case's own
hash chain) misses it.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from regflow.adapters.sqlite import SQLiteStore
from regflow.core.codec import event_from_record, event_to_json
from regflow.core.events import Event, verify
from regflow.errors import TamperedHistory
from regflow.ports.chain import CHAIN_START, item_digest, link
from regflow.ports.store import Store
from regflow.reports.audit import Anchor, audit, take_anchor
from regflow.testing.sample import at, message
from regflow.testing.service_scenarios import ORG, answered_request, make

DSN = os.environ.get("REGFLOW_TEST_POSTGRES_DSN", "")
ANCHOR = {"anchor-mismatch", "anchor-truncated"}
"""What the anchor finds: the chain no longer passes through its head, or ends before it."""


class Raw:
    """Plain SQL on the store's database, behind the application's back."""

    def __init__(self, run: Callable[[str, Sequence[object]], list[tuple[Any, ...]]]) -> None:
        self._run = run

    def __call__(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        return self._run(sql, params)


def _sqlite(tmp_path: Path) -> Iterator[tuple[Store, Raw]]:
    import sqlite3

    path = tmp_path / "regflow.sqlite3"
    store = SQLiteStore(path)

    def run(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            return db.execute(sql, params).fetchall()

    try:
        yield store, Raw(run)
    finally:
        store.close()


def _postgres(tmp_path: Path) -> Iterator[tuple[Store, Raw]]:
    if not DSN:
        pytest.skip("set REGFLOW_TEST_POSTGRES_DSN to a PostgreSQL database to run these")
    import psycopg
    from psycopg import sql as pg
    from psycopg.conninfo import make_conninfo

    from regflow.adapters.postgres import PostgresStore

    name = f"regflow_tamper_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(DSN, autocommit=True) as db:
        db.execute(pg.SQL("CREATE SCHEMA {}").format(pg.Identifier(name)))
    dsn = make_conninfo(DSN, options=f"-c search_path={name}")
    store = PostgresStore(dsn)

    def run(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        with psycopg.connect(dsn, autocommit=True) as db:
            cursor = db.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    try:
        yield store, Raw(run)
    finally:
        store.close()
        with psycopg.connect(DSN, autocommit=True) as db:
            db.execute(pg.SQL("DROP SCHEMA {} CASCADE").format(pg.Identifier(name)))


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Raw]]:
    yield from (_sqlite if request.param == "sqlite" else _postgres)(tmp_path)


@pytest.fixture
def worked(backend: tuple[Store, Raw]) -> tuple[Store, Raw, list[str], Anchor]:
    """Three cases worked to a publication request, and the anchor taken then."""
    store, raw = backend
    service, _notifier, clock = make(store)
    cases = []
    for _ in range(3):
        case_id, _opened = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        answered_request(service, case_id)
        cases.append(case_id)
    anchor = take_anchor(store, clock.now())
    assert audit(store, anchor=anchor).findings == ()
    return store, raw, cases, anchor


def old_check_passes(store: Store, cases: list[str]) -> bool:
    """What regflow verify did before the store-wide chain: each case's own chain."""
    with store.unit_of_work() as uow:
        try:
            for case_id in cases:
                verify(uow.events.load(case_id))
        except TamperedHistory:
            return False
    return True


def forge_chain(raw: Raw) -> None:
    """Make the chain fit the tampered rows: drop entries whose rows are gone, take the
    digests the rows have now, and re-link everything from the first entry changed."""
    entries = raw("SELECT position, kind, ref, seq, digest FROM chain ORDER BY position")
    forged = []
    for _position, kind, ref, seq, _digest in entries:
        if kind == "event":
            rows = raw("SELECT record FROM events WHERE case_id = ? AND seq = ?", ref, seq)
            if not rows:
                continue
            record = rows[0][0]
            digest = (json.loads(record) if isinstance(record, str) else record)["hash"]
        else:
            rows = raw(
                "SELECT key, kind, payload, created_at, case_id FROM outbox WHERE key = ?", ref
            )
            if not rows:
                continue
            from regflow.adapters._sql import instant

            key, item_kind, payload, created, case_id = rows[0]
            payload = json.loads(payload) if isinstance(payload, str) else payload
            digest = item_digest(key, item_kind, payload, instant(created), case_id)
        forged.append((kind, ref, seq, digest))
    raw("DELETE FROM chain")
    previous = CHAIN_START
    for position, (kind, ref, seq, digest) in enumerate(forged, start=1):
        previous = link(previous, position, kind, ref, seq, digest)
        raw(
            "INSERT INTO chain (position, kind, ref, seq, digest, link) VALUES (?, ?, ?, ?, ?, ?)",
            position,
            kind,
            ref,
            seq,
            digest,
            previous,
        )


def kinds(store: Store, anchor: Anchor | None = None) -> set[str]:
    return {finding.kind for finding in audit(store, anchor=anchor).findings}


def rewrite(raw: Raw, case_id: str, seq: int, change: Callable[[Event], Event]) -> None:
    """Replace an event by ``change`` of it, rehashed, with its columns to match."""
    (record,) = raw("SELECT record FROM events WHERE case_id = ? AND seq = ?", case_id, seq)[0]
    event = event_from_record(json.loads(record) if isinstance(record, str) else record)
    new = change(event)
    from regflow.adapters._sql import micros

    raw(
        "UPDATE events SET record = ?, at = ? WHERE case_id = ? AND seq = ?",
        event_to_json(new),
        micros(new.at),
        case_id,
        seq,
    )


# -- the chain itself --------------------------------------------------------------------


def test_a_forged_chain_that_changes_nothing_still_passes_the_anchor(worked) -> None:
    # the forger's tool is faithful: what the anchor finds below is the tampering
    store, raw, _cases, anchor = worked
    forge_chain(raw)
    assert kinds(store, anchor) == set()


def test_the_migration_builds_the_chain_of_a_store_made_before_it(tmp_path: Path) -> None:
    import sqlite3

    from regflow.adapters import _sql

    path = tmp_path / "old.sqlite3"
    with SQLiteStore(path) as store:
        service, _n, _c = make(store)
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        answered_request(service, case_id)
        with store.unit_of_work() as uow:
            kept = uow.chain.head().position
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # back to version 3
        db.execute("DROP TABLE chain")
        db.execute("DELETE FROM schema_version WHERE version = 4")
        events, items = (
            db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("events", "outbox")
        )
    with SQLiteStore(path) as store:
        with store.unit_of_work() as uow:
            head = uow.chain.head()
        assert head.position == events + items == kept
        assert kinds(store) == set()
    assert _sql.LATEST_VERSION == 4


# -- each tampering of the issue -----------------------------------------------------------


@pytest.mark.parametrize("cover_up", [False, True], ids=["plain", "chain-forged"])
def test_a_truncated_tail_is_found(worked, cover_up: bool) -> None:
    store, raw, cases, anchor = worked
    victim = cases[0]
    raw("DELETE FROM events WHERE case_id = ? AND seq >= 6", victim)  # approval, request gone
    raw("UPDATE cases SET version = 5, stage = 'draft_submitted' WHERE case_id = ?", victim)
    assert old_check_passes(store, cases)
    if cover_up:
        forge_chain(raw)
        assert "truncated" not in kinds(store)
        assert ANCHOR & kinds(store, anchor)
    else:
        assert "truncated" in kinds(store)


@pytest.mark.parametrize("cover_up", [False, True], ids=["plain", "chain-forged"])
def test_a_case_with_no_events_is_found(worked, cover_up: bool) -> None:
    store, raw, cases, anchor = worked
    raw("DELETE FROM events WHERE case_id = ?", cases[1])
    assert old_check_passes(store, cases)  # an empty history verifies
    if cover_up:
        forge_chain(raw)
    found = kinds(store, anchor)
    assert "no-events" in found
    assert (ANCHOR & found) if cover_up else ("deleted-case" in found)


def test_a_deleted_index_row_is_found(worked) -> None:
    store, raw, cases, _anchor = worked
    raw("DELETE FROM cases WHERE case_id = ?", cases[2])
    assert old_check_passes(store, cases)
    assert kinds(store) == {"index-missing"}


def test_a_moved_index_row_is_found(worked) -> None:
    store, raw, cases, _anchor = worked
    raw("UPDATE cases SET case_id = ? WHERE case_id = ?", "elsewhere", cases[2])
    raw("UPDATE cases SET stage = 'closed', next_due = NULL WHERE case_id = ?", cases[1])
    assert old_check_passes(store, cases)
    assert kinds(store) == {"index-missing", "no-events", "index-moved"}


@pytest.mark.parametrize("cover_up", [False, True], ids=["plain", "chain-forged"])
def test_a_deleted_case_is_found(worked, cover_up: bool) -> None:
    store, raw, cases, anchor = worked
    victim = cases[0]
    for table in ("events", "cases", "intake", "outbox"):
        raw(f"DELETE FROM {table} WHERE case_id = ?", victim)
    assert old_check_passes(store, cases)
    if cover_up:
        forge_chain(raw)
        assert kinds(store) == set()  # the store alone no longer shows it...
        assert ANCHOR & kinds(store, anchor)  # ...the anchor does
    else:
        assert {"deleted-case", "outbox-deleted"} <= kinds(store)


@pytest.mark.parametrize("cover_up", [False, True], ids=["plain", "chain-forged"])
def test_event_times_going_backwards_are_found(worked, cover_up: bool) -> None:
    import attrs

    store, raw, cases, anchor = worked
    victim = cases[1]

    def backdated(event: Event) -> Event:  # the request dated before the approval
        return attrs.evolve(event, at=at("2025-11-24 09:30"))

    with store.unit_of_work() as uow:
        last = uow.events.load(victim)[-1]
    forged = Event.make(
        last.case_id,
        last.seq,
        at("2025-11-24 09:30"),
        last.actor,
        last.clause,
        last.data,
        last.prev_hash,
        received_at=last.received_at,
    )
    rewrite(raw, victim, last.seq, lambda _event: forged)
    assert backdated(last).at == forged.at
    if cover_up:
        forge_chain(raw)
    found = kinds(store, anchor)
    assert "tampered" in found
    with store.unit_of_work() as uow, pytest.raises(TamperedHistory, match="goes back"):
        verify(uow.events.load(victim))


def test_edits_to_columns_the_hash_does_not_cover_are_found(worked) -> None:
    store, raw, cases, _anchor = worked
    raw("UPDATE events SET at = at - 86400000000 WHERE case_id = ? AND seq = 2", cases[0])
    raw("UPDATE events SET type = 'closed' WHERE case_id = ? AND seq = 3", cases[1])
    raw("UPDATE chain SET digest = ? WHERE ref = ? AND seq = 1", "f" * 64, cases[2])
    found = audit(store).findings
    assert {f.kind for f in found} == {"unreadable", "chain-edited", "rewritten"}
    assert {f.case_id for f in found if f.kind == "unreadable"} == {cases[0], cases[1]}


@pytest.mark.parametrize("cover_up", [False, True], ids=["plain", "chain-forged"])
def test_an_edited_outbox_row_is_found(worked, cover_up: bool) -> None:
    store, raw, cases, anchor = worked
    key, payload = raw(
        "SELECT key, payload FROM outbox WHERE kind = 'publish' AND case_id = ?", cases[2]
    )[0]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    payload["request"]["text"] = "Ничего делать не будем."
    raw("UPDATE outbox SET payload = ? WHERE key = ?", json.dumps(payload), key)
    assert old_check_passes(store, cases)
    if cover_up:
        forge_chain(raw)
        assert kinds(store) == set()
        assert "anchor-mismatch" in kinds(store, anchor)
    else:
        assert kinds(store) == {"outbox-edited"}


def test_a_rewritten_and_rehashed_history_is_found(worked) -> None:
    # the attack the per-case chain cannot see: a whole case rewritten consistently
    store, raw, cases, anchor = worked
    victim = cases[0]
    with store.unit_of_work() as uow:
        history = uow.events.load(victim)
    previous = history[0].prev_hash
    for event in history:
        actor = "forger" if event.seq == 5 else event.actor
        new = Event.make(
            event.case_id,
            event.seq,
            event.at,
            actor,
            event.clause,
            event.data,
            previous,
            received_at=event.received_at,
        )
        rewrite(raw, victim, event.seq, lambda _e, new=new: new)
        previous = new.hash
    assert old_check_passes(store, cases)
    assert "rewritten" in kinds(store)
    forge_chain(raw)
    assert kinds(store) == set()
    assert kinds(store, anchor) == {"anchor-mismatch"}


def test_an_anchor_beyond_the_chain_is_found(worked) -> None:
    # the newest entries removed, chain and all: nothing inside the store shows it
    store, raw, cases, anchor = worked
    last = cases[2]
    raw("DELETE FROM events WHERE case_id = ? AND seq = 7", last)
    raw("DELETE FROM outbox WHERE case_id = ? AND kind = 'publish'", last)
    raw("UPDATE cases SET version = 6, stage = 'approved' WHERE case_id = ?", last)
    forge_chain(raw)
    assert kinds(store) == set()
    assert kinds(store, anchor) == {"anchor-truncated"}
