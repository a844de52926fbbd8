"""What the SQLite and PostgreSQL stores share: the schema, its migrations, the mapping
between rows and objects, and the unit of work written once over a tiny executor.

Each backend supplies an :class:`Executor` that runs SQL written here with ``?``
placeholders and translates its driver's errors into :class:`~regflow.errors.StorageError`
(:class:`DuplicateKey` for a unique-key violation), and a :class:`Dialect` that says
how the two databases differ: column types, how a list of names is stored and
searched, and whether rows are locked with ``FOR UPDATE SKIP LOCKED``.

Instants are stored as integer microseconds since the Unix epoch (UTC), so they
sort, compare and index the same way in both databases; they come back as aware
UTC datetimes, equal to the instants written.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import attrs

from regflow.core.codec import event_from_record, event_to_json
from regflow.core.events import Event
from regflow.errors import ConcurrencyConflict, NaiveDatetime, StorageError
from regflow.ports.store import END_STAGES, CaseEntry, OutboxItem, OutboxState, SentRecord

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "POSTGRES",
    "SQLITE",
    "Dialect",
    "DuplicateKey",
    "Executor",
    "Migration",
    "SqlUnit",
    "lock_id",
    "migrate",
]

Row = tuple[Any, ...]
"""A result row; its values are whatever the driver returns (Any: driver-typed)."""


class DuplicateKey(StorageError):
    """A row with the same primary key exists (raised by executors; mapped by callers)."""


class Executor(Protocol):
    """Runs SQL in the current transaction; raises only :class:`StorageError`."""

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """The rows of a query."""
        ...

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run a statement; returns how many rows it changed."""
        ...

    def run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        """Run a statement once per parameter row; returns how many rows changed in all."""
        ...


@attrs.frozen
class Dialect:
    """What differs between the databases the shared SQL runs on."""

    name: str
    key: str
    """The type of identifier columns (sorted by code point, like Python strings)."""
    bigint: str
    json: str
    tags: str
    """The type of a list-of-names column (departments, executors, topics)."""
    timestamp: str
    has_tag: str
    """A predicate ``{column}`` contains the name bound to its one placeholder."""
    lock: str
    """Appended to queries whose rows are worked on by one worker at a time."""
    tags_as_json: bool
    json_cast: str = ""
    """Appended to a JSON parameter where the column's type cannot be inferred."""
    contains: str = "instr({column}, ?) > 0"
    """A predicate: ``{column}`` contains the text bound to its one placeholder."""
    advisory_lock: str = ""
    """A statement that takes a transaction-scoped lock on its one (64-bit integer)
    parameter; empty where a unit of work is one writer at a time already."""
    extra_indexes: tuple[str, ...] = ()

    def tags_param(self, names: tuple[str, ...]) -> object:
        """A list of names as a statement parameter."""
        if self.tags_as_json:  # what _dumps(list(names)) writes, without the encoder's setup
            return f"[{','.join(map(_string, names))}]"
        return list(names)

    def tags_value(self, raw: Any) -> tuple[str, ...]:
        """A stored list of names as a tuple (Any: JSON text or a driver's list)."""
        return tuple(json.loads(raw) if self.tags_as_json else raw)


SQLITE = Dialect(
    name="sqlite",
    key="TEXT",
    bigint="INTEGER",
    json="TEXT",
    tags="TEXT",
    timestamp="TEXT",
    has_tag="EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = ?)",
    lock="",
    tags_as_json=True,
)

POSTGRES = Dialect(
    name="postgres",
    key='TEXT COLLATE "C"',
    bigint="BIGINT",
    json="JSON",  # not JSONB: the record is kept as written, and \u0000 is allowed
    tags="TEXT[]",
    timestamp="TIMESTAMPTZ",
    has_tag="{column} @> ARRAY[?]::text[]",
    lock=" FOR UPDATE SKIP LOCKED",
    tags_as_json=False,
    json_cast="::json",
    contains="strpos({column}, ?) > 0",
    advisory_lock="SELECT pg_advisory_xact_lock(?)",
    extra_indexes=(
        "CREATE INDEX cases_departments ON cases USING GIN (departments)",
        "CREATE INDEX cases_executors ON cases USING GIN (executors)",
        "CREATE INDEX cases_topics ON cases USING GIN (topics)",
    ),
)


# -- the schema ------------------------------------------------------------------------


@attrs.frozen
class Migration:
    """One step of the schema; ``statements`` gives its DDL for a dialect."""

    version: int
    description: str
    statements: Callable[[Dialect], Sequence[str]]


def _initial(d: Dialect) -> list[str]:
    return [
        f"""CREATE TABLE events (
            case_id {d.key} NOT NULL,
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            at {d.bigint} NOT NULL,
            record {d.json} NOT NULL,
            PRIMARY KEY (case_id, seq))""",
        f"""CREATE TABLE cases (
            case_id {d.key} PRIMARY KEY,
            organization TEXT NOT NULL,
            stage TEXT NOT NULL,
            detected_at {d.bigint} NOT NULL,
            updated_at {d.bigint} NOT NULL,
            version INTEGER NOT NULL,
            next_due {d.bigint},
            departments {d.tags} NOT NULL,
            executors {d.tags} NOT NULL,
            topics {d.tags} NOT NULL,
            location TEXT)""",
        "CREATE INDEX cases_due ON cases (next_due, case_id) WHERE next_due IS NOT NULL",
        "CREATE INDEX cases_detected ON cases (organization, detected_at)",
        f"CREATE TABLE intake (key {d.key} PRIMARY KEY, case_id {d.key} NOT NULL)",
        f"""CREATE TABLE marks (
            key {d.key} PRIMARY KEY,
            at {d.bigint} NOT NULL,
            department TEXT)""",
        "CREATE INDEX marks_at ON marks (at)",
        "CREATE INDEX marks_department ON marks (department, at)",
        f"""CREATE TABLE outbox (
            key {d.key} PRIMARY KEY,
            kind TEXT NOT NULL,
            payload {d.json} NOT NULL,
            created_at {d.bigint} NOT NULL,
            case_id {d.key},
            attempts INTEGER NOT NULL DEFAULT 0,
            available_at {d.bigint},
            state TEXT NOT NULL,
            last_error TEXT NOT NULL DEFAULT '',
            leased_until {d.bigint})""",
        "CREATE INDEX outbox_claims ON outbox (created_at, key) WHERE state = 'pending'",
        *d.extra_indexes,
    ]


def _places(d: Dialect) -> list[str]:
    # п. 20's surge rule counts a topic's open cases at one location within a window:
    # without this index the count reads every case of the window.
    return ["CREATE INDEX cases_place ON cases (organization, location, detected_at)"]


def _claims_and_sent(d: Dialect) -> list[str]:
    # issue 15: a claim token on each outbox item, so that only the holder of its lease
    # settles it; and the sent log of publications to networks without an idempotency key
    return [
        "ALTER TABLE outbox ADD COLUMN claim_token TEXT",
        f"""CREATE TABLE sent (
            key {d.key} PRIMARY KEY,
            sending BOOLEAN NOT NULL,
            started_at {d.bigint} NOT NULL,
            external_id TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '')""",
    ]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "events, cases, intake, marks, outbox", _initial),
    Migration(2, "an index of cases by place, for the surge rule", _places),
    Migration(3, "claim tokens on outbox items; the sent log", _claims_and_sent),
)
LATEST_VERSION = MIGRATIONS[-1].version


def migrate(db: Executor, dialect: Dialect) -> int:
    """Bring the schema up to :data:`LATEST_VERSION` in the caller's transaction.

    The caller holds a lock that keeps other processes from migrating at the
    same time. Returns the version the database is at.

    Raises:
        StorageError: the database was made by a newer regflow.
    """
    db.run(
        f"""CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at {dialect.timestamp} NOT NULL DEFAULT CURRENT_TIMESTAMP)"""
    )
    current = int(db.fetch("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0])
    if current > LATEST_VERSION:
        raise StorageError(
            f"the database's schema is at version {current}, newer than version "
            f"{LATEST_VERSION} that this regflow knows; upgrade regflow to open it"
        )
    for migration in MIGRATIONS:
        if migration.version > current:
            for statement in migration.statements(dialect):
                db.run(statement)
            db.run(
                "INSERT INTO schema_version (version, description) VALUES (?, ?)",
                (migration.version, migration.description),
            )
    return LATEST_VERSION


# -- rows and objects -------------------------------------------------------------------

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_ENDED = tuple(sorted(END_STAGES))
"""Stages a case query leaves out unless asked for (the port's "open cases")."""


def micros(instant: dt.datetime, argument: str = "instant") -> int:
    """An aware instant as microseconds since the epoch."""
    if instant.utcoffset() is None:
        raise NaiveDatetime(instant, argument)
    return (instant - _EPOCH) // _MICROSECOND


def instant(value: int) -> dt.datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return _EPOCH + value * _MICROSECOND


def _maybe_micros(value: dt.datetime | None, argument: str) -> int | None:
    return None if value is None else micros(value, argument)


def _maybe_instant(value: int | None) -> dt.datetime | None:
    return None if value is None else instant(value)


_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_string = json.encoder.encode_basestring


def _dumps(value: object) -> str:
    return _COMPACT_JSON.encode(value)


def _loads(raw: Any) -> Any:
    # Any: a JSON column comes back as text (SQLite) or already parsed (psycopg)
    return json.loads(raw) if isinstance(raw, str) else raw


_CASE_COLUMNS = (
    "case_id, organization, stage, detected_at, updated_at, version, next_due, "
    "departments, executors, topics, location"
)
_ITEM_COLUMNS = "key, kind, payload, created_at, case_id, attempts, available_at, state, last_error"
_PUT_CASE = (
    f"INSERT INTO cases ({_CASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (case_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _CASE_COLUMNS.split(", ")[1:])
)


def _entry_params(d: Dialect, e: CaseEntry) -> tuple[object, ...]:
    return (
        e.case_id,
        e.organization,
        e.stage,
        micros(e.detected_at, "detected_at"),
        micros(e.updated_at, "updated_at"),
        e.version,
        _maybe_micros(e.next_due, "next_due"),
        d.tags_param(e.departments),
        d.tags_param(e.executors),
        d.tags_param(e.topics),
        e.location,
    )


def _entry(d: Dialect, row: Row) -> CaseEntry:
    return CaseEntry(
        case_id=row[0],
        organization=row[1],
        stage=row[2],
        detected_at=instant(row[3]),
        updated_at=instant(row[4]),
        version=row[5],
        next_due=_maybe_instant(row[6]),
        departments=d.tags_value(row[7]),
        executors=d.tags_value(row[8]),
        topics=d.tags_value(row[9]),
        location=row[10],
    )


def _item_params(item: OutboxItem) -> tuple[object, ...]:
    try:
        payload = _dumps(item.payload)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"outbox item {item.key}: the payload is not JSON: {exc}") from exc
    return (
        item.key,
        item.kind,
        payload,
        micros(item.created_at, "created_at"),
        item.case_id,
        item.attempts,
        _maybe_micros(item.available_at, "available_at"),
        item.state.value,
        item.last_error,
    )


def _item(row: Row) -> OutboxItem:
    return OutboxItem(
        key=row[0],
        kind=row[1],
        payload=_loads(row[2]),
        created_at=instant(row[3]),
        case_id=row[4],
        attempts=row[5],
        available_at=_maybe_instant(row[6]),
        state=OutboxState(row[7]),
        last_error=row[8],
    )


# -- the unit of work ---------------------------------------------------------------------


class _Events:
    def __init__(self, db: Executor, dialect: Dialect) -> None:
        self._db = db
        self._first = _insert_first(dialect)

    def load(self, case_id: str) -> tuple[Event, ...]:
        rows = self._db.fetch(
            "SELECT seq, record FROM events WHERE case_id = ? ORDER BY seq", (case_id,)
        )
        events = []
        for seq, record in rows:
            try:
                events.append(event_from_record(_loads(record)))
            except (KeyError, TypeError, ValueError) as exc:
                raise StorageError(
                    f"case {case_id}, event {seq}: unreadable record: {exc}"
                ) from exc
        return tuple(events)

    def _count(self, case_id: str) -> int:
        return int(
            self._db.fetch("SELECT COUNT(*) FROM events WHERE case_id = ?", (case_id,))[0][0]
        )

    def append(self, case_id: str, expected_version: int, events: Sequence[Event]) -> None:
        misplaced = next(
            (
                (event, seq)
                for seq, event in enumerate(events, start=expected_version + 1)
                if (event.case_id, event.seq) != (case_id, seq)
            ),
            None,
        )
        if misplaced is not None or not events:
            actual = self._count(case_id)
            if actual != expected_version:
                raise ConcurrencyConflict(case_id, expected_version, actual)
            if misplaced is not None:
                event, seq = misplaced
                raise ValueError(
                    f"event {event.case_id}#{event.seq} cannot be appended to case {case_id} "
                    f"as event {seq}"
                )
            return
        rows = [(e.case_id, e.seq, e.type, micros(e.at, "at"), event_to_json(e)) for e in events]
        # The version check rides on the first insert: one statement, not two. A row that
        # another transaction wrote first is skipped rather than an error, so the unit of
        # work stays usable (PostgreSQL aborts a transaction at its first error) and says
        # which version it found.
        inserted = self._db.run(self._first, (*rows[0], case_id, expected_version))
        if inserted and len(rows) > 1:
            inserted += self._db.run_many(_INSERT_EVENT, rows[1:])
        if inserted != len(rows):
            raise ConcurrencyConflict(case_id, expected_version, self._count(case_id))


_INSERT_EVENT = (
    "INSERT INTO events (case_id, seq, type, at, record) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (case_id, seq) DO NOTHING"
)


@functools.cache
def _insert_first(dialect: Dialect) -> str:
    """The insert of an append's first event, made only if the case has as many events as
    expected (one string per dialect, so the driver's statement cache finds it at once)."""
    return (
        "INSERT INTO events (case_id, seq, type, at, record) "
        f"SELECT ?, ?, ?, ?, ?{dialect.json_cast} "
        "WHERE (SELECT COUNT(*) FROM events WHERE case_id = ?) = ? "
        "ON CONFLICT (case_id, seq) DO NOTHING"
    )


class _Cases:
    def __init__(self, db: Executor, dialect: Dialect) -> None:
        self._db = db
        self._d = dialect

    def put(self, entry: CaseEntry) -> None:
        self._db.run(_PUT_CASE, _entry_params(self._d, entry))

    def get(self, case_id: str) -> CaseEntry | None:
        rows = self._db.fetch(f"SELECT {_CASE_COLUMNS} FROM cases WHERE case_id = ?", (case_id,))
        return _entry(self._d, rows[0]) if rows else None

    def due(self, now: dt.datetime, limit: int) -> list[CaseEntry]:
        rows = self._db.fetch(
            f"SELECT {_CASE_COLUMNS} FROM cases "
            "WHERE next_due IS NOT NULL AND next_due <= ? "
            f"ORDER BY next_due, case_id LIMIT ?{self._d.lock}",
            (micros(now, "now"), limit),
        )
        return [_entry(self._d, row) for row in rows]

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
        where, params = self._where(
            organization, department, executor, stage, topic, location, detected_since
        )
        rows = self._db.fetch(
            f"SELECT {_CASE_COLUMNS} FROM cases WHERE {where} "
            "ORDER BY next_due IS NULL, COALESCE(next_due, detected_at), case_id LIMIT ?",
            (*params, limit),
        )
        return [_entry(self._d, row) for row in rows]

    def detected(
        self,
        *,
        organization: str,
        since: dt.datetime,
        until: dt.datetime,
        after: tuple[dt.datetime, str] | None = None,
        limit: int = 500,
    ) -> list[CaseEntry]:
        # the cases_detected index (organization, detected_at) serves the range and order
        sql = (
            f"SELECT {_CASE_COLUMNS} FROM cases "
            "WHERE organization = ? AND detected_at >= ? AND detected_at < ?"
        )
        params: list[object] = [organization, micros(since, "since"), micros(until, "until")]
        if after is not None:
            last = micros(after[0], "after")
            sql += " AND (detected_at > ? OR (detected_at = ? AND case_id > ?))"
            params += [last, last, after[1]]
        rows = self._db.fetch(f"{sql} ORDER BY detected_at, case_id LIMIT ?", (*params, limit))
        return [_entry(self._d, row) for row in rows]

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
        where, params = self._where(
            organization, department, executor, stage, topic, location, detected_since
        )
        if limit is None:
            rows = self._db.fetch(f"SELECT COUNT(*) FROM cases WHERE {where}", params)
        else:  # stops reading at the limit
            rows = self._db.fetch(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE {where} LIMIT ?) AS found",
                (*params, limit),
            )
        return int(rows[0][0])

    def _where(
        self,
        organization: str | None,
        department: str | None,
        executor: str | None,
        stage: str | None,
        topic: str | None,
        location: str | None,
        detected_since: dt.datetime | None,
    ) -> tuple[str, list[object]]:
        where: list[str] = []
        params: list[object] = []

        def add(predicate: str, value: object) -> None:
            where.append(predicate)
            params.append(value)

        if organization is not None:
            add("organization = ?", organization)
        for column, name in (
            ("departments", department),
            ("executors", executor),
            ("topics", topic),
        ):
            if name is not None:
                add(self._d.has_tag.format(column=column), name)
        if stage is None:
            where.append(f"stage NOT IN ({', '.join(repr(s) for s in _ENDED)})")
        elif stage != "any":
            add("stage = ?", stage)
        if location is not None:
            add("location = ?", location)
        if detected_since is not None:
            add("detected_at >= ?", micros(detected_since, "detected_since"))
        return " AND ".join(where) or "TRUE", params


class _Intake:
    def __init__(self, db: Executor) -> None:
        self._db = db

    def claim(self, key: str, case_id: str) -> str:
        if self._db.run(
            "INSERT INTO intake (key, case_id) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (key, case_id),
        ):
            return case_id
        return str(self._db.fetch("SELECT case_id FROM intake WHERE key = ?", (key,))[0][0])


class _Marks:
    def __init__(self, db: Executor) -> None:
        self._db = db

    def add(self, key: str, at: dt.datetime, department: str | None = None) -> bool:
        return (
            self._db.run(
                "INSERT INTO marks (key, at, department) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO NOTHING",
                (key, micros(at, "at"), department),
            )
            == 1
        )

    def count(
        self,
        prefix: str,
        since: dt.datetime,
        department: str | None = None,
        *,
        limit: int | None = None,
    ) -> int:
        sql = "SELECT 1 FROM marks WHERE at >= ? AND substr(key, 1, ?) = ?"
        params: tuple[object, ...] = (micros(since, "since"), len(prefix), prefix)
        if department is not None:
            sql += " AND department = ?"
            params += (department,)
        if limit is not None:  # stops reading at the limit
            sql += " LIMIT ?"
            params += (limit,)
        return int(self._db.fetch(f"SELECT COUNT(*) FROM ({sql}) AS found", params)[0][0])


class _Outbox:
    def __init__(self, db: Executor, dialect: Dialect) -> None:
        self._db = db
        self._d = dialect

    def enqueue(self, items: Sequence[OutboxItem]) -> int:
        if not items:
            return 0
        return self._db.run_many(
            f"INSERT INTO outbox ({_ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO NOTHING",
            [_item_params(item) for item in items],
        )

    def claim(self, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[OutboxItem]:
        at = micros(now, "now")
        rows = self._db.fetch(
            f"SELECT {_ITEM_COLUMNS} FROM outbox WHERE state = 'pending' "
            "AND (available_at IS NULL OR available_at <= ?) "
            "AND (leased_until IS NULL OR leased_until <= ?) "
            f"ORDER BY created_at, key LIMIT ?{self._d.lock}",
            (at, at, limit),
        )
        until = micros(now + lease, "now")
        tokens = [uuid.uuid4().hex for _row in rows]
        self._db.run_many(
            "UPDATE outbox SET leased_until = ?, claim_token = ? WHERE key = ?",
            [(until, token, row[0]) for token, row in zip(tokens, rows, strict=True)],
        )
        return [
            attrs.evolve(_item(row), claim=token) for token, row in zip(tokens, rows, strict=True)
        ]

    def renew(self, key: str, claim: str, until: dt.datetime) -> bool:
        return bool(
            self._db.run(
                "UPDATE outbox SET leased_until = ? "
                "WHERE key = ? AND claim_token = ? AND state = 'pending'",
                (micros(until, "until"), key, claim),
            )
        )

    def settle(
        self,
        key: str,
        state: OutboxState,
        *,
        error: str = "",
        retry_at: dt.datetime | None = None,
        claim: str | None = None,
    ) -> bool:
        sql = (
            "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?, "
            "leased_until = NULL, claim_token = NULL"
        )
        params: tuple[object, ...] = (state.value, error)
        if state is OutboxState.PENDING:
            sql += ", available_at = ?"
            params += (_maybe_micros(retry_at, "retry_at"),)
        where = " WHERE key = ?"
        params += (key,)
        if claim is not None:
            where += " AND claim_token = ?"
            params += (claim,)
        if self._db.run(sql + where, params):
            return True
        if claim is not None and self._db.fetch("SELECT 1 FROM outbox WHERE key = ?", (key,)):
            return False  # a newer claim holds it
        raise KeyError(key)

    def get(self, key: str) -> OutboxItem | None:
        rows = self._db.fetch(f"SELECT {_ITEM_COLUMNS} FROM outbox WHERE key = ?", (key,))
        return _item(rows[0]) if rows else None

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
        where = ["TRUE"]
        params: list[object] = []
        for predicate, value in (
            ("state = ?", None if state is None else state.value),
            ("kind = ?", kind),
            ("case_id = ?", case_id),
            ("created_at >= ?", _maybe_micros(since, "since")),
            (self._d.contains.format(column="last_error"), error),
        ):
            if value is not None:
                where.append(predicate)
                params.append(value)
        rows = self._db.fetch(
            f"SELECT {_ITEM_COLUMNS} FROM outbox WHERE {' AND '.join(where)} "
            "ORDER BY created_at, key LIMIT ?",
            (*params, limit),
        )
        return [_item(row) for row in rows]

    def requeue(self, key: str, at: dt.datetime) -> bool:
        return bool(
            self._db.run(
                "UPDATE outbox SET state = 'pending', attempts = 0, available_at = ?, "
                "leased_until = NULL WHERE key = ? AND state = 'failed'",
                (micros(at, "at"), key),
            )
        )


class _Sent:
    def __init__(self, db: Executor) -> None:
        self._db = db

    def get(self, key: str) -> SentRecord | None:
        rows = self._db.fetch(
            "SELECT key, sending, started_at, external_id, url FROM sent WHERE key = ?", (key,)
        )
        if not rows:
            return None
        row = rows[0]
        return SentRecord(row[0], bool(row[1]), instant(row[2]), row[3], row[4])

    def begin(self, key: str, at: dt.datetime) -> SentRecord | None:
        if self._db.run(
            "INSERT INTO sent (key, sending, started_at) VALUES (?, TRUE, ?) "
            "ON CONFLICT (key) DO NOTHING",
            (key, micros(at, "at")),
        ):
            return None
        return self.get(key)

    def finish(self, key: str, external_id: str, url: str, at: dt.datetime) -> None:
        self._db.run(
            "INSERT INTO sent (key, sending, started_at, external_id, url) "
            "VALUES (?, FALSE, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET sending = FALSE, "
            "external_id = excluded.external_id, url = excluded.url",
            (key, micros(at, "at"), external_id, url),
        )

    def abandon(self, key: str) -> None:
        self._db.run("DELETE FROM sent WHERE key = ? AND sending", (key,))


class SqlUnit:
    """A :class:`~regflow.ports.UnitOfWork` over an executor's transaction."""

    def __init__(self, db: Executor, dialect: Dialect) -> None:
        self._db = db
        self._dialect = dialect
        self.events = _Events(db, dialect)
        self.cases = _Cases(db, dialect)
        self.intake = _Intake(db)
        self.marks = _Marks(db)
        self.outbox = _Outbox(db, dialect)
        self.sent = _Sent(db)

    def lock(self, key: str) -> None:
        """Hold the lock named ``key`` until the transaction ends (SQLite: its write lock
        is held from ``BEGIN IMMEDIATE`` already)."""
        if self._dialect.advisory_lock:
            self._db.fetch(self._dialect.advisory_lock, (lock_id(key),))


def lock_id(key: str) -> int:
    """A lock's name as the signed 64-bit integer PostgreSQL's advisory locks take."""
    digest = hashlib.sha256(b"regflow-lock\0" + key.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
