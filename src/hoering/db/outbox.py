"""The outbox: every e-mail, written in the transaction of the change that caused it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
