"""The outbox: every e-mail, written in the transaction of the change that caused it.

A queued mail is three rows, because the sender changes one of them twice for every message and
must not drag the message along: ``outbox`` holds what the sender changes (state,
attempts, times) and what finds the row (key, Message-ID, recipient) and stays small;
``outbox_unsent`` holds the message to send until it is sent, with a placeholder where each
personal link's token goes and the labels the sender derives the tokens from (``mail.links``);
``outbox_copy`` holds the stored copy, the message with its answer links redacted
(``mail.redact``), made once when the row is queued and never rewritten by the sender.

The rule, in one place: the stored copy (:attr:`OutboxMessage.copy`) is the record, what the
journal exports, retention trims and the secretariat sees; the unsent message
(:attr:`OutboxMessage.unsent`) exists only to be sent (a draft's holds the note it will be
rendered from, see ``mail.outbox.reserve_message``) and is deleted in the statement that marks
the row ``sent``. Neither holds a working personal link: a copy of the database gives none.

So the rows not yet sent (draft, pending, sending, failed) are exactly those with an unsent
message, and queries for them find them through ``outbox_unsent`` (:func:`not_sent`), not through
an index on ``status``: such an index made each of the sender's two status changes per message
update every index of the row, and on PostgreSQL ruled out heap-only (HOT) updates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Delete,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Table,
    Text,
    bindparam,
    case,
    delete,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.dml import ReturningUpdate

from hoering.db.base import Base
from hoering.db.types import UTCDateTime

if TYPE_CHECKING:
    from hoering.db.session import Database


class OutboxMessage(Base):
    """A queued e-mail. ``key`` makes queuing idempotent (``hearing:42:invitation:851:7``);
    ``message_id`` is derived from it, so a re-send carries the same Message-ID.

    status: draft → pending → sending → sent | failed (and sending → pending when a claim expires).
    """

    __tablename__ = "outbox"
    # the outbox page's newest sent mail, of all hearings and of one (migrations 0021, 0022)
    __table_args__ = (Index("ix_outbox_sent", "status", "sent_at", "id"),
                      Index("ix_outbox_hearing_sent", "hearing_id", "status", "sent_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"), index=True)
    kommune_id: Mapped[int | None] = mapped_column(ForeignKey("kommune.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    smtp_reply: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)

    #: the message to send (personal links as placeholders); None once sent
    unsent: Mapped[OutboxUnsent | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    #: the stored copy, answer links redacted; None only for a draft not yet rendered
    copy: Mapped[OutboxCopy | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class OutboxUnsent(Base):
    """The message as it goes out (a draft's: the JSON note it is rendered from), until it is sent,
    except for its personal links' tokens: ``links`` maps each placeholder in ``raw`` to the label
    the sender derives its token from (``mail.links``)."""

    __tablename__ = "outbox_unsent"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    raw: Mapped[str] = mapped_column(Text)
    links: Mapped[dict[str, Any] | None] = mapped_column(default=None)


class OutboxCopy(Base):
    """The stored copy of a message: as sent, with its answer links redacted."""

    __tablename__ = "outbox_copy"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    raw: Mapped[str] = mapped_column(Text)


def not_sent() -> ColumnElement[bool]:
    """The rows not sent yet (draft, pending, sending, failed): those with an unsent message. A
    query for any of these states adds it: the database then looks only at those rows."""
    return OutboxMessage.id.in_(select(OutboxUnsent.outbox_id))


_READY = "hoering_mail_ready"


def watch_ready(db: Database, wake: Callable[[], None]) -> Callable[[], None]:
    """Call ``wake`` after each commit of ``db``'s units of work that made mail ready to send:
    a message queued (``pending``), a reserved draft filled (its stored copy added), a failed
    one put back in the queue. A draft alone does not wake: it is filled moments later (the
    receipt, after the answer page's redirect), and that commit wakes. Returns the function
    that stops watching. ``wake`` runs in the committing thread."""

    def flushed(session: Session, _context: object) -> None:
        if session.info.get(_READY):
            return
        if any(isinstance(o, OutboxCopy) or (isinstance(o, OutboxMessage) and o.status == "pending")
               for o in session.new) or any(
                isinstance(o, OutboxMessage) and o.status == "pending" for o in session.dirty):
            session.info[_READY] = True

    def committed(session: Session) -> None:
        if session.info.pop(_READY, False):
            wake()

    def rolled_back(session: Session) -> None:
        session.info.pop(_READY, None)

    stops = [db.listen("after_flush", flushed), db.listen("after_commit", committed),
             db.listen("after_rollback", rolled_back)]

    def stop() -> None:
        for each in stops:
            each()

    return stop


# -- the sender's two hot statements -------------------------------------------------------------
# Core, built once and reused (SQLAlchemy then compiles each once and skips the cache key too):
# a sender runs them thousands of times a minute, on one connection it holds (``db.write``).
# On PostgreSQL each is one statement (the claim an UPDATE … FROM, the mark a data-modifying
# WITH), atomic on an autocommitting connection; SQLite, whose RETURNING sees only the updated
# table and which has no such WITH, runs two in the caller's transaction.


Claim = tuple[int, str, int, str, dict[str, str] | None]


def claim_due(conn: Connection, *, worker: str, now: datetime, limit: int) -> list[Claim]:
    """Claim up to ``limit`` due rows (``pending`` → ``sending``): (id, to_addr, attempts, the
    message to send, its links) of each, by id."""
    params = {"worker": worker, "now": now, "limit": limit}
    if _postgres(conn):
        rows = conn.execute(_claim_postgres(), params).tuples().all()
        return sorted(rows, key=lambda r: r[0])
    claimed = conn.execute(_claim_sqlite(), params).all()
    if not claimed:
        return []
    messages = {i: (raw, links) for i, raw, links in conn.execute(_unsent_of(), {"ids": [i for i, _, _ in claimed]})}
    return sorted((i, to, attempts, *messages[i]) for i, to, attempts in claimed)


def mark_sent(conn: Connection, *, worker: str, now: datetime, rows: Sequence[tuple[int, str]]) -> None:
    """Mark rows ``sent`` (id, SMTP reply) that ``worker`` claimed and that are still ``sending``
    (so a mark tried twice changes nothing the second time), and delete their unsent message.
    One statement per batch (two on SQLite), not one per row: a mark's CPU is most of what the
    sender spends on a message beyond sending it."""
    postgres = _postgres(conn)
    for start in range(0, len(rows), _MARK_AT_ONCE):
        chunk = rows[start:start + _MARK_AT_ONCE]
        params: dict[str, object] = {"worker": worker, "now": now}
        for n, (i, reply) in enumerate(chunk):
            params[f"id{n}"], params[f"reply{n}"] = i, reply
        if postgres:
            conn.execute(_mark_and_forget(len(chunk)), params)
            continue
        marked = conn.execute(_mark(len(chunk)), params).scalars().all()
        if marked:
            conn.execute(_forget(), {"ids": list(marked)})


_MARK_AT_ONCE = 32


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _tables() -> tuple[Table, Table]:
    return cast(Table, OutboxMessage.__table__), cast(Table, OutboxUnsent.__table__)


# The due rows are found through outbox_unsent (the rows not sent), in id order, each planner led
# there in its own way. SQLite: by ``IN``, else it scans outbox. PostgreSQL: by ordering on
# outbox_unsent's key and joining on ``outbox_id + 0``; with a plain ``=`` it may serve the order
# from outbox's key instead, walking past every sent row first (they have the lowest ids).
_CLAIMED = {"status": "sending", "claimed_by": bindparam("worker"), "claimed_at": bindparam("now")}


@cache
def _claim_postgres() -> ReturningUpdate[Any]:
    t, u = _tables()
    due = (select(t.c.id).join(u, t.c.id == u.c.outbox_id + literal_column("0"))
           .where(t.c.status == "pending", t.c.next_attempt_at <= bindparam("now"))
           .order_by(u.c.outbox_id).limit(bindparam("limit")).with_for_update(of=t, skip_locked=True))
    return (update(t).where(t.c.id.in_(due.scalar_subquery()), u.c.outbox_id == t.c.id).values(**_CLAIMED)
            .returning(t.c.id, t.c.to_addr, t.c.attempts, u.c.raw, u.c.links))


@cache
def _claim_sqlite() -> ReturningUpdate[Any]:
    t, _ = _tables()
    due = (select(t.c.id).where(not_sent(), t.c.status == "pending", t.c.next_attempt_at <= bindparam("now"))
           .order_by(t.c.id).limit(bindparam("limit")))
    return (update(t).where(t.c.id.in_(due.scalar_subquery())).values(**_CLAIMED)
            .returning(t.c.id, t.c.to_addr, t.c.attempts))


@cache
def _unsent_of() -> Select[Any]:
    _, u = _tables()
    return select(u.c.outbox_id, u.c.raw, u.c.links).where(u.c.outbox_id.in_(bindparam("ids", expanding=True)))


@cache
def _mark(n: int) -> ReturningUpdate[Any]:
    """``n`` rows (a statement for each batch size, each compiled once)."""
    t, _ = _tables()
    ids = [bindparam(f"id{k}", type_=Integer) for k in range(n)]
    replies = case(*((t.c.id == ids[k], bindparam(f"reply{k}", type_=Text)) for k in range(n)))
    return (update(t).where(t.c.id.in_(ids), t.c.claimed_by == bindparam("worker"), t.c.status == "sending")
            .values(status="sent", last_error=None, sent_at=bindparam("now"), attempts=t.c.attempts + 1,
                    smtp_reply=replies)
            .returning(t.c.id))


@cache
def _mark_and_forget(n: int) -> Delete:
    _, u = _tables()
    marked = _mark(n).cte("marked")
    return delete(u).where(u.c.outbox_id.in_(select(marked.c.id)))


@cache
def _forget() -> Delete:
    _, u = _tables()
    return delete(u).where(u.c.outbox_id.in_(bindparam("ids", expanding=True)))
