"""Retention of personal data: what ``privacy_watch`` does every day (settings ``HOERING_RETENTION_*``).

- **Contacts no longer in the registry** (``active`` false): erased (``erase_person``) once the
  last record about them (an answer, a mail to them, a hearing they were asked in) is older
  than ``retention_contact_days``; never while a hearing that asked them is still open.
- **Answers' personal fields**: who answered (``answered_by``, ``answered_by_person_id``) is
  pseudonymised ``retention_answer_personal_days`` after the hearing closed; the answer itself
  (option, text, comment) stays, it is the hearing's record and the tally's source.
- **Stored mails**: a sent outbox row, and a received inbox message, keep only their headers
  ``retention_mail_days`` after sending/receipt; the journal export taken before then is the
  record in the ESDH system.
- **Files kommuner answered with**: ``retention_file_days`` after the hearing closed, each becomes
  a tombstone (what it was, and that its retention ran out); the journal export holds the file.
  A document also used as a bilag (the secretariat's own) is kept.

Each run is audited (``privacy.erased`` naming the answers changed, and re-sealing them as
pseudonymised, so ``hoering audit verify`` checks them as they now read). Running it twice
changes nothing the second time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import func, select, update

from hoering import audit
from hoering.danish import format_date
from hoering.db.documents import AnswerFile, Document, HearingBilag
from hoering.db.hearings import Answer, AnswerToken, Hearing, HearingRecipient
from hoering.db.inbox import InboxMessage
from hoering.db.meetings import Bilag
from hoering.db.outbox import OutboxCopy, OutboxMessage
from hoering.db.registry import Person
from hoering.runtime import Runtime
from hoering.services.audit_verify import resealing
from hoering.services.personal_copies import TOMBSTONE_TYPE, is_tombstone, tombstone
from hoering.services.privacy import erase_person

STUB_MARK = "X-Hoering-Retention"
KEPT_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References")
ERASED_BY = "[fjernet efter opbevaringsperioden]"


@dataclass
class RetentionReport:
    contacts_erased: list[str] = field(default_factory=list)  # pseudonyms
    answers_pseudonymised: int = 0
    mails_trimmed: int = 0
    files_expired: int = 0


def apply_retention(rt: Runtime) -> RetentionReport:
    report = RetentionReport()
    now, settings = rt.now(), rt.settings
    if settings.retention_contact_days:
        for email in contacts_due(rt, now - timedelta(days=settings.retention_contact_days)):
            report.contacts_erased.append(erase_person(rt, email, actor="privacy_watch").pseudonym)
    if settings.retention_answer_personal_days:
        report.answers_pseudonymised = pseudonymise_answers(
            rt, now - timedelta(days=settings.retention_answer_personal_days))
    if settings.retention_mail_days:
        report.mails_trimmed = trim_mails(rt, now - timedelta(days=settings.retention_mail_days))
    if settings.retention_file_days:
        report.files_expired = expire_files(rt, now - timedelta(days=settings.retention_file_days))
    return report


def contacts_due(rt: Runtime, cutoff: datetime) -> list[str]:
    """Inactive contacts whose last record is older than ``cutoff`` and who are in no open hearing."""
    due = []
    with rt.db.read() as s:
        for person in s.scalars(select(Person).where(Person.active.is_(False),
                                                     ~Person.email.like("%@pseudonym.invalid"))):
            open_hearings = s.scalar(select(func.count()).select_from(AnswerToken)
                                     .join(HearingRecipient, AnswerToken.recipient_id == HearingRecipient.id)
                                     .join(Hearing, HearingRecipient.hearing_id == Hearing.id)
                                     .where(AnswerToken.person_id == person.id, Hearing.status == "open"))
            if open_hearings:
                continue
            last = max((t for t in (
                s.scalar(select(func.max(Answer.received_at)).where(Answer.answered_by_person_id == person.id)),
                s.scalar(select(func.max(OutboxMessage.created_at)).where(OutboxMessage.person_id == person.id)),
                s.scalar(select(func.max(Hearing.closed_at)).join(HearingRecipient).join(
                    AnswerToken, AnswerToken.recipient_id == HearingRecipient.id)
                    .where(AnswerToken.person_id == person.id)),
            ) if t is not None), default=None)
            if last is None or last < cutoff:
                due.append(person.email)
    return due


def pseudonymise_answers(rt: Runtime, cutoff: datetime) -> int:
    with rt.db.transaction() as s:
        ids = list(s.scalars(select(Answer.id).join(Hearing, Answer.hearing_id == Hearing.id).where(
            Hearing.status == "closed", Hearing.closed_at < cutoff, Answer.answered_by != ERASED_BY)))
        if not ids:
            return 0
        reseal = resealing(s, "answer", ids)  # re-sealed as pseudonymised, if they held until now
        s.execute(update(Answer).where(Answer.id.in_(ids)).values(answered_by=ERASED_BY, answered_by_person_id=None))
        reseal()
        audit.record(s, at=rt.now(), actor="privacy_watch", action="privacy.erased", entity="answer",
                     entity_id=None, reason="retention_answer_personal_days", audit=[], answer=sorted(ids))
        return len(ids)


def trim_mails(rt: Runtime, cutoff: datetime) -> int:
    trimmed = 0
    with rt.db.transaction() as s:
        for copy in s.scalars(select(OutboxCopy).join(OutboxMessage, OutboxMessage.id == OutboxCopy.outbox_id)
                              .where(OutboxMessage.status == "sent", OutboxMessage.sent_at < cutoff)):
            if STUB_MARK not in copy.raw[:4000]:
                copy.raw = _stub(copy.raw.encode(), cutoff).decode()
                trimmed += 1
        for msg in s.scalars(select(InboxMessage).where(InboxMessage.received_at < cutoff)):
            if STUB_MARK.encode() not in bytes(msg.raw)[:4000]:
                msg.raw = _stub(bytes(msg.raw), cutoff)
                trimmed += 1
        if trimmed:
            audit.record(s, at=rt.now(), actor="privacy_watch", action="privacy.mails_trimmed", entity="mail",
                         entity_id=None, count=trimmed, before=cutoff.isoformat())
    return trimmed


def expire_files(rt: Runtime, cutoff: datetime) -> int:
    """Answer files of hearings closed before ``cutoff`` replaced by tombstones (not bilag)."""
    now = rt.now()
    with rt.db.transaction() as s:
        used_as_bilag = select(HearingBilag.document_id).union(
            select(Bilag.document_id).where(Bilag.document_id.is_not(None)))
        due = s.scalars(select(Document).join(AnswerFile, AnswerFile.document_id == Document.id)
                        .join(Answer, Answer.id == AnswerFile.answer_id).join(Hearing, Hearing.id == Answer.hearing_id)
                        .where(Hearing.status == "closed", Hearing.closed_at < cutoff,
                               Document.id.not_in(used_as_bilag), Document.kind != TOMBSTONE_TYPE.key)
                        .distinct())
        expired = []
        for doc in due:
            if is_tombstone(doc.content):
                continue
            doc.content = tombstone(
                filename=doc.filename, kind=doc.kind, size=doc.size, stored_at=doc.stored_at, pseudonym=None,
                now=now, reference=f"dokument nr. {doc.id}",
                why=f"opbevaringsperioden for filer, som kommunerne svarede med ({rt.settings.retention_file_days} "
                    f"dage efter høringens afslutning), udløb før {format_date(now)}; det journaliserede "
                    "eksemplar er i ESDH-systemet.")
            doc.sha256 = hashlib.sha256(doc.content).hexdigest()
            doc.size, doc.kind, doc.mime_type = len(doc.content), TOMBSTONE_TYPE.key, TOMBSTONE_TYPE.mime_type
            expired.append(doc.id)
        if expired:
            audit.record(s, at=now, actor="privacy_watch", action="privacy.files_expired", entity="document",
                         entity_id=None, documents=expired, before=cutoff.isoformat())
    return len(expired)


def _stub(raw: bytes, cutoff: datetime) -> bytes:
    original = message_from_bytes(raw, policy=policy.default)
    stub = EmailMessage(policy=policy.SMTP)
    for name in KEPT_HEADERS:
        if original.get(name) is not None:
            stub[name] = str(original[name])
    stub[STUB_MARK] = f"body removed (sent or received before {cutoff:%Y-%m-%d})"
    stub.set_content("Indholdet er slettet efter opbevaringsperioden. Det journaliserede eksemplar findes i "
                     "ESDH-systemet.\n")
    return stub.as_bytes()
