"""The append-only audit log, chained so that an edit, a deletion or a forged row shows.

Triggers refuse UPDATE and DELETE; that stops the application, not someone with ``sqlite3`` or
``psql``. So every entry is also sealed into a hash chain when its transaction commits:

    content_digest = SHA-256(canonical JSON of {"actor": actor, "details": details})
    entry_hash     = HMAC-SHA256(key, canonical JSON of
                       [seq, prev_hash, at, action, hearing_id, entity, entity_id, content_digest])

``seq`` counts 1, 2, 3 … in commit order (ids come from a sequence and may commit out of order);
``prev_hash`` is the previous entry's ``entry_hash`` (the first one follows 64 zeros). The key is
derived from the installation's secret (``HOERING_SECRET_KEY`` or ``home/secret.key``), so a
copy of the database alone cannot re-seal an edited chain. ``audit_head`` (one row) holds the
last ``seq`` and hash under a MAC of its own, so deleting the newest entries shows too.

Sealing happens in a ``before_commit`` hook, after every other lock the transaction took: the
head row is the last lock taken, so sealing never deadlocks with the services' row locks
(it does serialise committing writers on PostgreSQL for the moment of the commit).

**Rows outside the log.** An entry also carries the *seals* of the rows its transaction wrote in
the tables the notat, the results and access rights are built from (``seals``, ``{table: {id:
digest}}``, see ``db.seals``), as part of its hash. The newest seal of a row is what it must hold.

**Personal data and erasure (GDPR).** The chain covers ``actor`` and ``details`` only through
``content_digest``, stored in its own column. Erasing a person may therefore rewrite ``actor`` (or
personal keys of ``details``) to a pseudonym without breaking the chain: the erasure's own entry
re-seals each row it rewrote (``audit_log`` rows included) as it left it, so ``hoering audit
verify`` expects the pseudonymised content from then on, and nothing is exempt from the check.
Details should name people by id, not by name, where they can.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, bindparam, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from hoering.db import seals as row_seals
from hoering.db.base import Base
from hoering.db.types import UTCDateTime

GENESIS = "0" * 64
PENDING = "hoering_audit_pending"
KEY = "hoering_audit_key"


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    details: Mapped[dict[str, Any]]
    seq: Mapped[int | None] = mapped_column(index=True, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    content_digest: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    seals: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class AuditHead(Base):
    """The chain's newest ``seq`` and ``entry_hash`` (one row, id 1), with ``mac`` over both."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    entry_hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode()


def content_digest(actor: str, details: dict[str, Any]) -> str:
    return hashlib.sha256(canonical({"actor": actor, "details": details})).hexdigest()


def entry_hash(key: bytes, entry: AuditEntry, *, seq: int, prev_hash: str, digest: str) -> str:
    payload = [seq, prev_hash, entry.at.astimezone(UTC).isoformat(), entry.action, entry.hearing_id, entry.entity,
               entry.entity_id, digest]
    if entry.seals is not None:  # entries from before rows were sealed have none
        payload.append(entry.seals)
    return hmac.new(key, canonical(payload), hashlib.sha256).hexdigest()


def head_mac(key: bytes, seq: int, last_hash: str) -> str:
    return hmac.new(key, f"audit-head:{seq}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def stage(session: Session, entry: AuditEntry) -> None:
    """Queue ``entry``; it is sealed into the chain and inserted when ``session`` commits."""
    session.info.setdefault(PENDING, []).append(entry)


def set_chain_key(session: Session, key: Callable[[], bytes] | None) -> None:
    session.info[KEY] = key


# The chain's statements, built once. Sealing locks the head, then appends the entries and moves
# the head: on PostgreSQL in one statement (the head's update as a data-modifying CTE of the
# entries' insert), so a commit holds the head's lock for two round trips, not three; SQLite runs
# the same two statements one after the other (no data-modifying CTEs), under its write lock.
# They are Core statements on the tables: no ORM compiling or session syncing at each commit.
_head_table, _log_table = Base.metadata.tables["audit_head"], Base.metadata.tables["audit_log"]
_HEAD = select(_head_table.c.seq, _head_table.c.entry_hash).where(_head_table.c.id == 1).with_for_update()
_MOVE_HEAD = (update(_head_table).where(_head_table.c.id == 1)
              .values(seq=bindparam("head_seq"), entry_hash=bindparam("head_hash"), mac=bindparam("head_mac")))
_COLUMNS = ("at", "actor", "action", "hearing_id", "entity", "entity_id", "details", "seq", "prev_hash",
            "content_digest", "entry_hash", "seals")
_APPEND = insert(_log_table).values({name: bindparam(name) for name in _COLUMNS})
_APPEND_MOVING_HEAD = _APPEND.add_cte(_MOVE_HEAD.cte("moved_head"))


@event.listens_for(Session, "after_flush")
def _note_sealed_rows(session: Session, _context: object) -> None:
    row_seals.note_flushed(session)


@event.listens_for(Session, "before_commit")
def _seal(session: Session) -> None:
    session.flush()  # every other row first: the head's lock is the last one taken (a Core select does not autoflush)
    if PENDING not in session.info and not row_seals.pending(session):
        return
    entries: list[AuditEntry] = session.info.pop(PENDING, [])
    key_source = session.info.get(KEY)
    if key_source is None:
        raise RuntimeError("audit entries written outside a Database transaction: no chain key")
    key = key_source()
    conn = session.connection()  # Core statements on the tables: straight on the connection
    sealed = row_seals.take(session, conn)
    if sealed:
        if not entries:  # rows changed without an entry of their own
            entries.append(AuditEntry(at=datetime.now(UTC), actor="hoering", action="rows.sealed", entity="audit",
                                      entity_id=None, hearing_id=None, details={}))
        entries[-1].seals = {**(entries[-1].seals or {}), **sealed}
    head = conn.execute(_HEAD).first()
    if head is None:
        raise RuntimeError("audit_head is missing: run the migrations (hoering init)")
    seq, last = head.seq, head.entry_hash
    rows = []
    for entry in entries:
        seq += 1
        digest = content_digest(entry.actor, entry.details)
        entry.seq, entry.prev_hash, entry.content_digest = seq, last, digest
        entry.entry_hash = last = entry_hash(key, entry, seq=seq, prev_hash=entry.prev_hash, digest=digest)
        rows.append({name: getattr(entry, name) for name in _COLUMNS})
    moved = {"head_seq": seq, "head_hash": last, "head_mac": head_mac(key, seq, last)}
    if len(rows) == 1 and conn.dialect.name == "postgresql":
        conn.execute(_APPEND_MOVING_HEAD, {**rows[0], **moved})
    else:  # SQLite, or several entries (one insert of them all, then the head)
        conn.execute(_APPEND, rows)
        conn.execute(_MOVE_HEAD, moved)


