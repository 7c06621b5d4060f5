"""Units of work on one connection that a lane holds (the web app's answers), not one from the
pool each time.

Each checkout from the pool costs CPU and, on PostgreSQL, a pre-ping round trip (``SELECT 1``);
a lane that records answers one after the other can keep its connection instead. What
the pre-ping guarded against is then found by the unit's own statements: a connection that died
while held (a database restart) fails its first statement, SQLAlchemy invalidates it, and the
unit runs once more on a fresh connection. That is safe because the unit had not committed: the
server rolls a transaction back when it loses its connection. A commit that fails is never run
again (it may have committed before the connection went).

A read is always safe to run again: it has nothing to commit. The answer page's reads on the
event loop hold one too (``reading=True``), for the same two savings.

One thread at a time may use a :class:`HeldConnection` (the lane's limiter sees to that; the
event loop is one thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hoering.db.session import Database

R = TypeVar("R")


class HeldConnection:
    """A connection of ``db`` held between units of work (opened on first use); ``reading``: one
    for reads only, with :meth:`Database.read_rows`'s guarantees (use :meth:`read`)."""

    def __init__(self, db: Database, *, reading: bool = False) -> None:
        self.db = db
        self._reading = reading
        self._conn: Connection | None = None

    def run(self, work: Callable[[Session], R]) -> R:
        """``work`` in a unit of work on the held connection: committed when it returns, rolled
        back when it raises; run once more on a fresh connection when the connection was lost
        before the commit."""
        lost_in_work = False

        def unit(conn: Connection) -> R:
            nonlocal lost_in_work
            lost_in_work = False
            with self.db.transaction(on=conn) as s:
                try:
                    return work(s)
                except DBAPIError as exc:
                    lost_in_work = exc.connection_invalidated
                    raise

        return self._twice(unit, lambda _exc: lost_in_work)

    def read(self, work: Callable[[Connection], R]) -> R:
        """``work`` reading on the held connection, in one snapshot (SQLite: one read
        transaction); run once more on a fresh connection when the connection was lost."""
        def unit(conn: Connection) -> R:
            with conn.begin():
                return work(conn)

        return self._twice(unit, lambda exc: exc.connection_invalidated)

    def _twice(self, unit: Callable[[Connection], R], again: Callable[[DBAPIError], bool]) -> R:
        """``unit`` on the held connection; once more on a fresh one when it fails and ``again``
        says so. A connection found lost is let go either way."""
        for attempt in (1, 2):
            try:
                return unit(self._connection())
            except DBAPIError as exc:
                if attempt == 2 or not again(exc):
                    raise
            finally:
                if self._conn is not None and self._conn.invalidated:
                    self.close()
        raise AssertionError("unreachable")

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self.db.read_rows() if self._reading else self.db.engine.connect()
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()
