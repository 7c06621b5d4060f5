"""Engines, sessions and the unit of work.

A :class:`Database` owns one engine. ``db.transaction()`` is the unit of work: it yields a
session, commits when the block ends, and rolls back when it raises. On SQLite a writing
transaction starts with ``BEGIN IMMEDIATE`` (one writer at a time, no lock-upgrade deadlocks) in
WAL mode, and ``db.read()`` starts a plain ``BEGIN`` so readers never wait for the write lock; on
PostgreSQL the services lock the rows they change (``with_for_update``).

SQLite lets one writer in at a time and makes the others wait in its busy handler, which sleeps
in growing steps (up to 100 ms) and wakes late; under a burst of answers that sleep was most of
the POST's p99. The writers of one process therefore queue on a Python lock before
``BEGIN IMMEDIATE`` and are woken the moment the previous one commits; the busy handler is left
for writers in other processes (a second web worker, the sender, the CLI).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

READ_ONLY = "hoering_read_only"


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_file(Path(parsed.database))
            # a connection per worker thread stays open (each new one costs a connect and three
            # PRAGMAs): anyio runs sync endpoints in up to 40 threads
            kwargs.setdefault("pool_size", 20)
            kwargs.setdefault("max_overflow", 40)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _sqlite_transactions(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    _reads_only_read(engine)
    return engine


def _reads_only_read(engine: Engine) -> None:
    """A PostgreSQL read runs in autocommit (``Database.read``), so a write slipped into one would
    be committed at once instead of rolled back: refuse it before it reaches the server."""

    @event.listens_for(engine, "before_cursor_execute")
    def _check(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY, False) and statement.lstrip()[:6].upper() != "SELECT":
            raise RuntimeError(f"a read-only unit of work may only read: {statement.split(None, 1)[0]}")


def private_file(path: Path) -> None:
    """Create ``path``'s folder (0700) and the file itself (0600) when missing: the database holds
    answers and personal data, so other local users get no access. SQLite gives its -wal and
    -shm files the database file's mode. Existing files and folders are left as they are."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """One database: its engine and a session factory."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL reads run in autocommit: at READ COMMITTED each statement of a transaction
        # sees its own snapshot anyway, so BEGIN and ROLLBACK only cost two round trips per read
        # (a third of the answer page's). SQLite reads keep their BEGIN: in WAL mode
        # it gives the whole read one snapshot.
        readers = self.engine.execution_options(**{READ_ONLY: True})
        if self.engine.dialect.name == "postgresql":
            readers = readers.execution_options(isolation_level="AUTOCOMMIT")
        self._read_engine = readers
        self._readers = sessionmaker(readers, expire_on_commit=False)
        #: the audit chain's key (set by ``bootstrap()``: it is derived from the secret)
        self.audit_key: Callable[[], bytes] | None = None
        #: SQLite: this process's writers take turns here (re-entrant: a transaction opened
        #: inside another one in the same thread must not wait for itself)
        self._writer = threading.RLock() if self.engine.dialect.name == "sqlite" else None

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self, *, on: Connection | None = None) -> Iterator[Session]:
        """The unit of work: commit at the end of the block, roll back on error. ``on``: a
        connection the caller holds (``db.held``), instead of one from the pool."""
        if self._writer is None:
            yield from self._unit_of_work(on)
            return
        with self._writer:
            yield from self._unit_of_work(on)

    def _unit_of_work(self, on: Connection | None) -> Iterator[Session]:
        # imported here, for writers only: a reading command needs neither the audit tables nor
        # the sealing hook (start-up speed); whoever stages an entry has imported the module
        from hoering.db.audit import set_chain_key

        session = self._sessions() if on is None else self._sessions(bind=on)
        set_chain_key(session, self.audit_key)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def write(self, conn: Connection) -> Iterator[Connection]:
        """A short write transaction on a connection the caller holds (``engine.connect()``) for
        many of them, without the ORM: the outbox sender's claims and marks, thousands a minute,
        each of which would otherwise pay a session, a pool checkout and (PostgreSQL) a pre-ping.
        On SQLite it queues with this process's other writers like :meth:`transaction`."""
        with self._writer or nullcontext(), conn.begin():
            yield conn

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: nothing is committed; on SQLite it takes no write lock."""
        session = self._readers()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def read_rows(self) -> Connection:
        """:meth:`read` for Core statements only: a connection (``with db.read_rows() as c``),
        without an ORM session to build, roll back and close (that bookkeeping was half
        the cost of a one-statement read, 0.13 against 0.07 ms of CPU on SQLite). Same snapshot
        and read-only guarantees, in autocommit on PostgreSQL; ``Session(bind=conn)`` joins it
        where a reader needs the ORM after all, and ``db.held`` holds one between reads."""
        return self._read_engine.connect()

    def listen(self, name: str, fn: Callable[..., Any]) -> Callable[[], None]:
        """Listen to a session event (``after_flush``, ``after_commit`` …) of this database's
        writing units of work; returns the function that stops listening."""
        event.listen(self._sessions, name, fn)
        return lambda: event.remove(self._sessions, name, fn)

    def dispose(self) -> None:
        self.engine.dispose()
