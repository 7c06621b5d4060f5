"""Tables of the inbox: every message read from the secretariat's mailbox, kept raw (as received,
except that its personal links are redacted before it is stored: ``mail.redact.redact_received``).

A message is stored (raw bytes, SHA-256, Message-ID) in its own committed transaction *before*
anything is done about it; processing then gives it a reason and a status in one transaction
with whatever it causes (an answer recorded, an invitation queued), so a reader killed at any
point finds unprocessed messages still ``new`` and processed ones finished.

status: new → recorded | review | done | ignored (review → recorded | ignored by the secretariat).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hoering.db.base import Base
from hoering.db.types import UTCDateTime


class InboxMessage(Base):
    __tablename__ = "inbox_message"
    __table_args__ = (Index("ix_inbox_message_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(250), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(20))  # imap | import
    mailbox_uid: Mapped[str | None] = mapped_column(String(40))
    from_addr: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(400), default="")
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="new")
    reason: Mapped[str | None] = mapped_column(String(30))
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"), index=True)
    kommune_id: Mapped[int | None] = mapped_column(ForeignKey("kommune.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"))
    option: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)  # why it is in review, or why it was ignored
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UndeliverableContact(Base):
    """A contact whose address bounced permanently (until the registry gives a new address)."""

    __tablename__ = "undeliverable_contact"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    address: Mapped[str] = mapped_column(String(254))
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    inbox_message_id: Mapped[int] = mapped_column(ForeignKey("inbox_message.id"))
    status: Mapped[str] = mapped_column(Text)
