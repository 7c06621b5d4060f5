"""Tables of mail hearings: the hearing, its recipients, their answer tokens and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.db.base import Base
from hoering.db.registry import Body, Kommune, Person
from hoering.db.types import UTCDateTime


class Hearing(Base):
    """A mail hearing. ``definition`` is the validated hearing file (the source of the options,
    rule, silence, late and allocation settings). The result frozen at close lives in
    ``hearing_result`` (db/results.py), one version per close."""

    __tablename__ = "hearing"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    definition: Mapped[dict[str, Any]]
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    deadline_version: Mapped[int] = mapped_column(default=1)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(String(200))

    body: Mapped[Body] = relationship()
    recipients: Mapped[list[HearingRecipient]] = relationship(
        back_populates="hearing", order_by="HearingRecipient.id"
    )


class HearingRecipient(Base):
    """A kommune (or the region) asked in a hearing."""

    __tablename__ = "hearing_recipient"
    __table_args__ = (UniqueConstraint("hearing_id", "kommune_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"))
    kommune_id: Mapped[int] = mapped_column(ForeignKey("kommune.id"))

    hearing: Mapped[Hearing] = relationship(back_populates="recipients")
    kommune: Mapped[Kommune] = relationship()
    tokens: Mapped[list[AnswerToken]] = relationship(
        back_populates="recipient", order_by="AnswerToken.id"
    )


class AnswerToken(Base):
    """A contact's personal answer link. Only the SHA-256 of the token is stored; the token
    itself is derived again from ``nonce`` and the secret key when a mail needs it."""

    __tablename__ = "answer_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("hearing_recipient.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[HearingRecipient] = relationship(back_populates="tokens")
    person: Mapped[Person] = relationship()


class Answer(Base):
    """One version of a kommune's answer. Versions are never changed; the latest counts."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("recipient_id", "version"),
        Index("ix_answer_hearing_recipient", "hearing_id", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("hearing_recipient.id"))
    version: Mapped[int]
    option: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    answered_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    answered_by: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(default=False)

    recipient: Mapped[HearingRecipient] = relationship()
