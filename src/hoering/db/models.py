"""Every table, imported in one place so the metadata (and Alembic) sees them all."""

from hoering.db.audit import AuditEntry
from hoering.db.base import Base
from hoering.db.hearings import Answer, AnswerToken, Hearing, HearingRecipient
from hoering.db.meetings import Attendance, Bilag, CycleStep, Followup, Indstilling, Item, ItemMove, Meeting
from hoering.db.outbox import OutboxMessage
from hoering.db.registry import Body, BodyMember, Kommune, Person

__all__ = [
    "Answer",
    "AnswerToken",
    "Attendance",
    "AuditEntry",
    "Base",
    "Bilag",
    "Body",
    "BodyMember",
    "CycleStep",
    "Followup",
    "Hearing",
    "HearingRecipient",
    "Indstilling",
    "Item",
    "ItemMove",
    "Kommune",
    "Meeting",
    "OutboxMessage",
    "Person",
]
