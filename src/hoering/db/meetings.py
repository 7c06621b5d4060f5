"""Tables of the governance cycle: meetings, their attendance, agenda items with indstillinger
and bilag, follow-ups, every routing move, and the cycle steps done."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.db.base import Base
from hoering.db.documents import Document
from hoering.db.hearings import Hearing
from hoering.db.registry import Body, Person
from hoering.db.results import HearingResultRow
from hoering.db.types import UTCDateTime


class Meeting(Base):
    """A meeting of a body. ``cycle`` holds the step offsets (days) for this meeting."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("body_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300))
    sagsnr: Mapped[str | None] = mapped_column(String(100))
    cycle: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    agenda_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_approved_by: Mapped[str | None] = mapped_column(String(200))
    minutes_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised each time the meeting is moved or cancelled: the SEQUENCE of its ICS invitation.
    ics_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    change_reason: Mapped[str | None] = mapped_column(Text)

    body: Mapped[Body] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attendance.position")
    items: Mapped[list[Item]] = relationship(back_populates="meeting", order_by="Item.number",
                                             foreign_keys="Item.meeting_id")


class Attendance(Base):
    """A participant (deltager) or an apology (afbud)."""

    __tablename__ = "meeting_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))  # deltager | afbud
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")


class Item(Base):
    """An agenda item (sag). ``state`` is one of domain.routing's states; ``decided_by`` the
    body that decided it; ``delegated_to`` the body its decision gave competence to."""

    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    raised_by: Mapped[str] = mapped_column(String(200))
    resume: Mapped[str | None] = mapped_column(Text)
    sagsbeskrivelse: Mapped[dict[str, Any]]
    links: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")  # [{title, url}]: not bilag
    for_kkr: Mapped[bool] = mapped_column(default=False)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    number: Mapped[int | None]
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"))
    origin_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    under_delegation_of: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    kkr_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    outcome: Mapped[str | None] = mapped_column(String(40))
    beslutning: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delegated_to: Mapped[str | None] = mapped_column(String(40))
    returned_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting | None] = relationship(back_populates="items", foreign_keys=[meeting_id])
    hearing: Mapped[Hearing | None] = relationship()
    indstillinger: Mapped[list[Indstilling]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Indstilling.position")
    bilag: Mapped[list[Bilag]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Bilag.position")
    followups: Mapped[list[Followup]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Followup.id",
        foreign_keys="Followup.item_id")


class Indstilling(Base):
    __tablename__ = "indstilling"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    item: Mapped[Item] = relationship(back_populates="indstillinger")


class Bilag(Base):
    """An item's attachment: a stored document when it is a file, just a title when a link.
    The bytes, size, type and SHA-256 are the document's (one store for every file)."""

    __tablename__ = "bilag"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str | None] = mapped_column(String(300))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))

    item: Mapped[Item] = relationship(back_populates="bilag")
    document: Mapped[Document | None] = relationship(lazy="joined")

    @property
    def sha256(self) -> str | None:
        return self.document.sha256 if self.document else None

    @property
    def size(self) -> int | None:
        return self.document.size if self.document else None

    @property
    def mime_type(self) -> str | None:
        return self.document.mime_type if self.document else None

    @property
    def content(self) -> bytes | None:
        return self.document.content if self.document else None


class Followup(Base):
    """An opfølgning created by a decision: what, who, by when (a date or the next meeting).
    ``who`` is the owner's name as shown; the owner itself is a person or a body of the registry."""

    __tablename__ = "followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None]
    due_next_meeting: Mapped[bool] = mapped_column(default=False)
    delegated_to: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_note: Mapped[str | None] = mapped_column(Text)
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    owner_body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Answered by a hearing opened from it; when that closes, its stored result is attached.
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"))
    result_id: Mapped[int | None] = mapped_column(ForeignKey("hearing_result.id"))
    # The item that brought the result to the body that decides (FU, or DAS as orientation).
    result_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))

    item: Mapped[Item] = relationship(back_populates="followups", foreign_keys=[item_id])
    hearing: Mapped[Hearing | None] = relationship()
    result: Mapped[HearingResultRow | None] = relationship()
    result_item: Mapped[Item | None] = relationship(foreign_keys=[result_item_id])
    owner_person: Mapped[Person | None] = relationship()
    owner_body: Mapped[Body | None] = relationship()


class ItemMove(Base):
    """One routing move of an item (also in the audit log)."""

    __tablename__ = "item_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    from_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    to_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    note: Mapped[str | None] = mapped_column(Text)
    from_number: Mapped[int | None]  # the item's Punkt number at the meeting it left (a postponement)


class MeetingCorrection(Base):
    """A change to attendance or a decision after the chair approved the minutes: kept and shown."""

    __tablename__ = "meeting_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class CycleStep(Base):
    """A cycle step done for a meeting (``agenda``, ``minutes`` ...): done once, never again."""

    __tablename__ = "meeting_step"
    __table_args__ = (UniqueConstraint("meeting_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    step: Mapped[str] = mapped_column(String(40))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    queued: Mapped[int] = mapped_column(default=0)
