"""The PostgreSQL store: one database shared by several worker processes.

Connections come from a :class:`psycopg_pool.ConnectionPool`; each unit of
work is one transaction on one connection. :meth:`CaseIndex.due` and
:meth:`Outbox.claim` lock the rows they return with ``FOR UPDATE SKIP
LOCKED``, so workers running :meth:`~regflow.service.Service.tick` and
:meth:`~regflow.service.Service.dispatch` at the same time share the work
instead of doing it twice; a claim's lease is written in the same transaction.
A case's expected-version check cannot race: the events' primary key
``(case_id, seq)`` turns a concurrent append into a
:class:`~regflow.errors.ConcurrencyConflict`.

Tables live in the connection's ``search_path`` (``options=-csearch_path=...``
in the DSN gives each deployment or test its own schema). Needs the
``postgres`` extra (psycopg 3 with its pool).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

from regflow.adapters._sql import POSTGRES, DuplicateKey, Row, SqlUnit, migrate
from regflow.errors import StorageError
from regflow.ports.store import Snapshot, UnitOfWork

__all__ = ["PostgresStore"]

_MIGRATION_LOCK = 0x7265_6766_6C6F_77  # "regflow": one process migrates at a time

_Connection = psycopg.Connection[TupleRow]


def _error(exc: psycopg.Error) -> StorageError:
    if isinstance(exc, psycopg.errors.UniqueViolation):
        return DuplicateKey(f"PostgreSQL: {exc}")
    return StorageError(f"PostgreSQL: {exc}")


@functools.lru_cache(maxsize=256)
def _query(sql: str) -> str:
    """The shared SQL (``?`` placeholders, no ``%``) in psycopg's ``%s`` style."""
    assert "%" not in sql, sql
    return sql.replace("?", "%s")


class _Executor:
    """Runs statements on a pooled connection while its unit of work lasts."""

    def __init__(self, connection: _Connection) -> None:
        self._connection: _Connection | None = connection

    def finish(self) -> None:
        self._connection = None

    def _live(self) -> _Connection:
        if self._connection is None:
            raise StorageError("the unit of work has ended; open a new one")
        return self._connection

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        try:
            with self._live().cursor() as cursor:
                cursor.execute(_query(sql), params)
                return cursor.fetchall()
        except psycopg.Error as exc:
            raise _error(exc) from exc

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        try:
            with self._live().cursor() as cursor:
                cursor.execute(_query(sql), params)
                return cursor.rowcount
        except psycopg.Error as exc:
            raise _error(exc) from exc

    def run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        if not rows:
            return 0
        try:
            with self._live().cursor() as cursor:
                cursor.executemany(_query(sql), rows)
                return cursor.rowcount
        except psycopg.Error as exc:
            raise _error(exc) from exc


class PostgresStore:
    """A :class:`~regflow.ports.Store` in a PostgreSQL database, for several workers.

    Opening waits for the pool's first connections and applies the schema
    migrations (recorded in ``schema_version``; one process at a time, under
    an advisory lock). Close it with :meth:`close`, or use it as a context
    manager.

    Args:
        dsn: a libpq connection string or URI.
        min_size, max_size: the pool's bounds, in connections.
        timeout: seconds to wait for the database at opening, and for a free
            connection at each unit of work.

    Raises:
        StorageError: the database cannot be reached, or its schema was made
            by a newer regflow.
    """

    def __init__(
        self, dsn: str, *, min_size: int = 1, max_size: int = 8, timeout: float = 10.0
    ) -> None:
        self._timeout = timeout
        self._pool: ConnectionPool[_Connection] = ConnectionPool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True},  # transactions are explicit: conn.transaction()
            open=False,
            name="regflow",
        )
        try:
            self._pool.open(wait=True, timeout=timeout)
            with self._pool.connection(timeout=timeout) as connection, connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                migrate(_Executor(connection), POSTGRES)
        except psycopg.Error as exc:  # PoolTimeout is one
            self._pool.close()
            raise StorageError(f"cannot open the PostgreSQL store: {exc}") from exc
        except BaseException:
            self._pool.close()
            raise

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        """A transaction on one pooled connection: committed when the block ends,
        rolled back if an exception escapes it.

        Raises:
            StorageError: no connection within ``timeout``, the database failed,
                or the store is closed.
        """
        return self._transaction(read_only=False)

    def snapshot(self) -> AbstractContextManager[Snapshot]:
        """A ``REPEATABLE READ READ ONLY`` transaction on one pooled connection: one
        consistent state, no row locks, and a write through it is refused.

        Raises:
            StorageError: no connection within ``timeout``, the database failed,
                or the store is closed.
        """
        return self._transaction(read_only=True)

    @contextmanager
    def _transaction(self, *, read_only: bool) -> Iterator[SqlUnit]:
        if self._pool.closed:
            raise StorageError("the PostgreSQL store is closed")
        try:
            with (
                self._pool.connection(timeout=self._timeout) as connection,
                connection.transaction(),
            ):
                if read_only:
                    connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                db = _Executor(connection)
                try:
                    unit = SqlUnit(db, POSTGRES)
                    yield unit
                    if not read_only:
                        unit.seal()  # the chain, last: see SqlUnit
                finally:
                    db.finish()
        except psycopg.Error as exc:
            raise _error(exc) from exc

    def close(self) -> None:
        """Close the pool and its connections; idempotent."""
        self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


if TYPE_CHECKING:
    from regflow.ports.store import Store

    def _check(store: PostgresStore) -> Store:
        return store
