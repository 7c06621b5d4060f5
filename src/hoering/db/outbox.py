"""The outbox: every e-mail, written in the transaction of the change that caused it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, ForeignKey, Index, Integer, Row, String, Table, Text, bindparam, case, select, update
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.dml import ReturningUpdate, Update

from hoering.db.base import Base
from hoering.db.types import UTCDateTime


class OutboxMessage(Base):
    """A queued e-mail. ``key`` makes queuing idempotent (``hearing:42:invitation:851:7``);
    ``message_id`` is derived from it, so a re-send carries the same Message-ID.
    ``raw`` is the complete RFC 5322 message as sent. ``sent_copy`` is ``raw`` with its answer
    links redacted (``mail.redact``), made once when the row is queued: marking the row ``sent``
    moves it into ``raw`` and clears it, so the sender does no MIME work per message (issue 17).
    Rows queued before it existed have none; the sender redacts those itself.

    status: pending → sending → sent | failed (and sending → pending when a claim expires).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"), index=True)
    kommune_id: Mapped[int | None] = mapped_column(ForeignKey("kommune.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(400))
    raw: Mapped[str] = mapped_column(Text)
    sent_copy: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    smtp_reply: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)


# -- the sender's two hot statements -------------------------------------------------------------
# Core, built once and reused (SQLAlchemy then compiles each once and skips the cache key too):
# a sender runs them thousands of times a minute, on one connection it holds (``db.write``).


def claim_due(conn: Connection, *, worker: str, now: datetime, limit: int,
              skip_locked: bool) -> Sequence[Row[Any]]:
    """Claim up to ``limit`` due rows (``pending`` → ``sending``) in one ``UPDATE … RETURNING``:
    (id, to_addr, raw, attempts, whether it has no ``sent_copy``)."""
    return conn.execute(_claim(skip_locked), {"worker": worker, "now": now, "limit": limit}).all()


def mark_sent(conn: Connection, *, worker: str, now: datetime, rows: Sequence[tuple[int, str, str | None]]) -> None:
    """Mark rows ``sent`` (id, SMTP reply, stored copy or None) that ``worker`` claimed and that
    are still ``sending`` (so a mark tried twice changes nothing the second time). The stored
    copy becomes the redacted ``sent_copy`` made at queue time; a row queued before it existed
    is given its copy. One statement per batch, not one per row: a mark's CPU is most of what
    the sender spends on a message beyond sending it (issue 17)."""
    made = [(i, reply) for i, reply, stored in rows if stored is None]
    for start in range(0, len(made), _MARK_AT_ONCE):
        chunk = made[start:start + _MARK_AT_ONCE]
        params: dict[str, object] = {"worker": worker, "now": now}
        for n, (i, reply) in enumerate(chunk):
            params[f"id{n}"], params[f"reply{n}"] = i, reply
        conn.execute(_mark_sent(len(chunk)), params)
    given = [{"row_id": i, "reply": reply, "stored": stored, "worker": worker, "now": now}
             for i, reply, stored in rows if stored is not None]
    if given:
        conn.execute(_mark_sent_with_copy(), given)


_MARK_AT_ONCE = 32


@cache
def _claim(skip_locked: bool) -> ReturningUpdate[Any]:
    t = cast(Table, OutboxMessage.__table__)
    due = (select(t.c.id).where(t.c.status == "pending", t.c.next_attempt_at <= bindparam("now"))
           .order_by(t.c.id).limit(bindparam("limit")))
    if skip_locked:
        due = due.with_for_update(skip_locked=True)
    return (update(t).where(t.c.id.in_(due.scalar_subquery()))
            .values(status="sending", claimed_by=bindparam("worker"), claimed_at=bindparam("now"))
            .returning(t.c.id, t.c.to_addr, t.c.raw, t.c.attempts, t.c.sent_copy.is_(None)))


@cache
def _mark_sent(n: int) -> Update:
    """``n`` rows with a ``sent_copy`` (a statement for each batch size, each compiled once)."""
    t = cast(Table, OutboxMessage.__table__)
    ids = [bindparam(f"id{k}", type_=Integer) for k in range(n)]
    replies = case(*((t.c.id == ids[k], bindparam(f"reply{k}", type_=Text)) for k in range(n)))
    return (update(t).where(t.c.id.in_(ids), t.c.claimed_by == bindparam("worker"), t.c.status == "sending")
            .values(status="sent", last_error=None, sent_copy=None, sent_at=bindparam("now"), attempts=t.c.attempts + 1,
                    raw=t.c.sent_copy, smtp_reply=replies))


@cache
def _mark_sent_with_copy() -> Update:
    t = cast(Table, OutboxMessage.__table__)
    return (update(t)
            .where(t.c.id == bindparam("row_id"), t.c.claimed_by == bindparam("worker"), t.c.status == "sending")
            .values(status="sent", last_error=None, sent_copy=None, sent_at=bindparam("now"), attempts=t.c.attempts + 1,
                    raw=bindparam("stored", type_=Text), smtp_reply=bindparam("reply")))
