"""Rate-limit counters in the database: a storage for the ``limits`` library.

``limits`` ships storages for memory, Redis, Memcached and MongoDB, none for SQL. The portal
already has a database that every ``hoering web`` process shares and that survives restarts, so
the counters live there: one row per key (``limits`` builds keys like
``LIMITER/svar-guess/10.0.0.7/20/600/seconds``) with its count and the end of its window.
Only the fixed-window strategy is supported (``FixedWindowRateLimiter``): an increment is a
single atomic upsert on SQLite and PostgreSQL alike, and a read is a single select.

Times are wall-clock epoch seconds (``time.time``), not the application clock: a limit is about
how fast requests arrive, even when the app replays 2014 (``hoering --at``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, cast

from limits.storage import Storage
from sqlalchemy import Table, case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError

from hoering.db.rate_counter import RateCounter
from hoering.db.session import Database


class DatabaseStorage(Storage):
    """``limits`` storage over our database (fixed windows only)."""

    STORAGE_SCHEME = None  # made directly with a Database, never from a URI

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time,
                 purge_chance: float = 0.01) -> None:
        super().__init__()
        self.db = db
        self.clock = clock
        self.purge_chance = purge_chance

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = self.clock()
        table = cast(Table, RateCounter.__table__)
        insert: Any = pg_insert if self.db.is_postgres else sqlite_insert
        live = table.c.expires_at > now
        statement = insert(table).values(key=key, count=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": case((live, table.c.count + amount), else_=amount),
                  "expires_at": case((live, table.c.expires_at), else_=now + expiry)},
        ).returning(table.c.count)
        with self.db.transaction() as s:
            count = int(s.execute(statement).scalar_one())
            if random.random() < self.purge_chance:
                s.execute(delete(RateCounter).where(RateCounter.expires_at <= now))
        return count

    def get(self, key: str) -> int:
        with self.db.read() as s:
            count = s.scalar(select(RateCounter.count).where(RateCounter.key == key,
                                                             RateCounter.expires_at > self.clock()))
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        with self.db.read() as s:
            expires = s.scalar(select(RateCounter.expires_at).where(RateCounter.key == key))
        return float(expires) if expires is not None else self.clock()

    def check(self) -> bool:
        try:
            with self.db.read() as s:
                s.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.db.transaction() as s:
            return cast("CursorResult[Any]", s.execute(delete(RateCounter))).rowcount

    def clear(self, key: str) -> None:
        with self.db.transaction() as s:
            s.execute(delete(RateCounter).where(RateCounter.key == key))
