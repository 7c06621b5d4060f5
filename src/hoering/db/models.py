"""Every table, imported in one place so the metadata (and Alembic) sees them all."""

from hoering.db.audit import AuditEntry, AuditHead
from hoering.db.base import Base
from hoering.db.documents import AnswerFile, Document, HearingBilag, HearingResponse
from hoering.db.hearings import Answer, AnswerToken, Hearing, HearingRecipient
from hoering.db.heartbeat import Heartbeat
from hoering.db.inbox import InboxMessage, UndeliverableContact
from hoering.db.meetings import (
    Attendance,
    Bilag,
    CycleStep,
    Followup,
    Indstilling,
    Item,
    ItemMove,
    Meeting,
    MeetingCorrection,
)
from hoering.db.outbox import OutboxCopy, OutboxMessage, OutboxUnsent
from hoering.db.rate_counter import RateCounter
from hoering.db.registry import Body, BodyMember, Kommune, Person
from hoering.db.results import HearingResultRow
from hoering.db.users import ConsoleUser, HearingDraft, RecoveryCode
from hoering.db.web_sessions import WebSession

__all__ = [
    "Answer",
    "AnswerFile",
    "AnswerToken",
    "Attendance",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Bilag",
    "Body",
    "BodyMember",
    "ConsoleUser",
    "CycleStep",
    "Document",
    "Followup",
    "Hearing",
    "HearingBilag",
    "HearingDraft",
    "HearingRecipient",
    "HearingResponse",
    "HearingResultRow",
    "Heartbeat",
    "InboxMessage",
    "Indstilling",
    "Item",
    "ItemMove",
    "Kommune",
    "Meeting",
    "MeetingCorrection",
    "OutboxCopy",
    "OutboxMessage",
    "OutboxUnsent",
    "Person",
    "RateCounter",
    "RecoveryCode",
    "UndeliverableContact",
    "WebSession",
]
