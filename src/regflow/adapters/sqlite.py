"""The SQLite store: one file, the embedded default.

The file is in WAL mode with ``synchronous=FULL``, so a unit of work that has
returned survives a crash of the process and a loss of power. Each unit of
work is one ``BEGIN IMMEDIATE`` transaction: it takes the write lock at once,
so concurrent writers (threads or processes) queue up, waiting up to
``busy_timeout``, instead of failing halfway.

Threads: a store holds one connection and lets one unit of work at a time use
it; others wait for the lock. (SQLite has one writer at a time anyway, and
every unit of work may write.) Several processes may open the same file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, suppress
from types import TracebackType
from typing import TYPE_CHECKING, Generic, TypeVar

from regflow.adapters._sql import SQLITE, DuplicateKey, Row, SqlUnit, migrate
from regflow.errors import StorageError
from regflow.ports.store import Snapshot, UnitOfWork

__all__ = ["SQLiteStore"]

_T = TypeVar("_T")
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
_DUPLICATE = {
    getattr(sqlite3, "SQLITE_CONSTRAINT_PRIMARYKEY", 1555),
    getattr(sqlite3, "SQLITE_CONSTRAINT_UNIQUE", 2067),
}


def _storage_error(exc: sqlite3.Error) -> StorageError:
    if getattr(exc, "sqlite_errorcode", None) in _DUPLICATE:
        return DuplicateKey(f"SQLite: {exc}")
    return StorageError(f"SQLite: {exc}")


class _Executor:
    """Runs statements on the store's connection while its unit of work lasts."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    @property
    def connection(self) -> sqlite3.Connection | None:
        """The connection while the unit of work lasts."""
        return self._connection

    def finish(self) -> None:
        self._connection = None

    def _execute(self, sql: str, params: Sequence[object]) -> sqlite3.Cursor:
        if self._connection is None:
            raise StorageError("the unit of work has ended; open a new one")
        try:
            return self._connection.execute(sql, params)
        except sqlite3.Error as exc:
            raise _storage_error(exc) from exc

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._execute(sql, params).fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._execute(sql, params).rowcount

    def run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        if self._connection is None:
            raise StorageError("the unit of work has ended; open a new one")
        try:
            return self._connection.executemany(sql, rows).rowcount
        except sqlite3.Error as exc:
            raise _storage_error(exc) from exc


class SQLiteStore:
    """A :class:`~regflow.ports.Store` in one SQLite file.

    Opening creates the file if needed and applies the schema migrations
    (recorded in the ``schema_version`` table). Close it with :meth:`close`,
    or use it as a context manager.

    Args:
        path: the database file.
        synchronous: SQLite's ``synchronous`` setting; ``"FULL"`` (the default)
            makes every committed unit of work durable against power loss,
            ``"NORMAL"`` is faster and may lose the last commits on power loss
            (never on a crash of the process).
        busy_timeout: seconds a unit of work waits for another process's write lock.

    Raises:
        StorageError: the file cannot be opened, is not a regflow database of
            a version this regflow knows, or cannot be put in WAL mode.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, synchronous: str = "FULL", busy_timeout: float = 5.0
    ) -> None:
        if synchronous.upper() not in _SYNCHRONOUS:
            raise ValueError(f"synchronous={synchronous!r}: use one of {', '.join(_SYNCHRONOUS)}")
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        self._owner: int | None = None
        try:
            connection = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open SQLite database {self.path}: {exc}") from exc
        self._connection: sqlite3.Connection | None = connection
        try:
            self._configure(connection, synchronous.upper(), busy_timeout)
            with self._transaction() as db:
                migrate(db, SQLITE)
        except BaseException:
            self.close()
            raise

    def _configure(self, connection: sqlite3.Connection, synchronous: str, timeout: float) -> None:
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            connection.execute(f"PRAGMA synchronous = {synchronous}")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot set up SQLite database {self.path}: {exc}") from exc
        if mode != "wal" and self.path != ":memory:":
            raise StorageError(
                f"SQLite database {self.path} cannot use WAL (journal mode is {mode!r}); "
                "put it on a local file system"
            )

    def pragmas(self) -> dict[str, object]:
        """The settings the connection actually runs with: ``journal_mode``,
        ``synchronous`` (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA) and ``busy_timeout`` (ms)."""
        with self._transaction() as db:
            return {
                name: db.fetch(f"PRAGMA {name}")[0][0]
                for name in ("journal_mode", "synchronous", "busy_timeout")
            }

    def _transaction(self) -> _Transaction[_Executor]:
        return _Transaction(self, lambda db: db)

    def snapshot(self) -> AbstractContextManager[Snapshot]:
        """A deferred, read-only transaction: in WAL mode it sees the database as it was
        when it began and keeps no other process from writing (``PRAGMA query_only``
        refuses a write through it).

        Raises:
            StorageError: the store is closed, or SQLite failed.
        """
        return _Transaction(self, lambda db: SqlUnit(db, SQLITE), read_only=True)

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        """A ``BEGIN IMMEDIATE`` transaction: committed when the block ends, rolled back
        if an exception escapes it.

        Raises:
            StorageError: the database is locked by another process for longer
                than ``busy_timeout``, the store is closed, or SQLite failed.
        """
        return _Transaction(self, lambda db: SqlUnit(db, SQLITE))

    def close(self) -> None:
        """Close the connection (waiting for a unit of work in progress); idempotent."""
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _Transaction(Generic[_T]):
    """One unit of work on a store's connection: entered, it takes the store's lock and
    SQLite's write lock; left, it commits, or rolls back if an exception escapes."""

    def __init__(
        self, store: SQLiteStore, wrap: Callable[[_Executor], _T], *, read_only: bool = False
    ) -> None:
        self._store = store
        self._wrap = wrap
        self._read_only = read_only
        self._db: _Executor | None = None

    def __enter__(self) -> _T:
        store = self._store
        if store._owner == threading.get_ident():
            raise StorageError("a unit of work is already open in this thread; they do not nest")
        store._lock.acquire()
        try:
            connection = store._connection
            if connection is None:
                raise StorageError(f"the store {store.path} is closed")
            db = _Executor(connection)
            unit = self._wrap(db)
            try:
                if self._read_only:
                    db.run("PRAGMA query_only = ON")
                    db.run("BEGIN DEFERRED")
                else:
                    db.run("BEGIN IMMEDIATE")
            except StorageError as exc:
                raise StorageError(f"{store.path}: cannot begin a unit of work: {exc}") from exc
        except BaseException:
            if self._read_only and store._connection is not None:
                with suppress(sqlite3.Error):
                    store._connection.execute("PRAGMA query_only = OFF")
            store._lock.release()
            raise
        store._owner = threading.get_ident()
        self._db = db
        return unit

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        store, db = self._store, self._db
        assert db is not None
        assert db.connection is not None
        connection = db.connection
        db.finish()
        try:
            if kind is not None:
                with suppress(sqlite3.Error):  # the error that got us here matters more
                    connection.rollback()
                return
            try:
                connection.commit()
            except sqlite3.Error as exc:
                with suppress(sqlite3.Error):
                    connection.rollback()
                raise StorageError(f"{store.path}: commit failed: {exc}") from exc
        finally:
            if self._read_only:
                with suppress(sqlite3.Error):
                    connection.execute("PRAGMA query_only = OFF")
            store._owner = None
            store._lock.release()


if TYPE_CHECKING:
    from regflow.ports.store import Store

    def _check(store: SQLiteStore) -> Store:
        return store
