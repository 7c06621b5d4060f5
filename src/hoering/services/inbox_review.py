"""The secretariat's side of the inbox: the review queue, recording or ignoring a reviewed
message, and the list of everything received (typed read models, built in one transaction)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.db.lookup import get_or_not_found
from hoering.db.models import Hearing, InboxMessage, Kommune, Person
from hoering.domain.labels import INBOX_STATUS, label
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.answers import MAX_COMMENT, record_answer_in
from hoering.services.registry import find_kommune


@dataclass(frozen=True)
class InboxEntry:
    id: int
    received_at: datetime
    sender: str
    subject: str
    status: str
    reason: str | None
    note: str | None
    hearing_id: int | None
    hearing_title: str | None
    kommune: str | None
    option: str | None
    answer_id: int | None
    return_date: str | None
    text: str | None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return data


def _entry(s: Session, row: InboxMessage) -> InboxEntry:
    hearing = s.get(Hearing, row.hearing_id) if row.hearing_id else None
    kommune = s.get(Kommune, row.kommune_id) if row.kommune_id else None
    return InboxEntry(row.id, row.received_at, row.from_addr, row.subject, row.status, row.reason, row.note,
                      row.hearing_id, hearing.title if hearing else None,
                      kommune.display_name if kommune else None, row.option, row.answer_id,
                      row.detail.get("return_date"), row.detail.get("text"))


def list_messages(rt: Runtime, *, status: str | None = None, limit: int = 200,
                  hearing_id: int | None = None) -> list[InboxEntry]:
    with rt.db.read() as s:
        query = select(InboxMessage).order_by(InboxMessage.id.desc()).limit(limit)
        if status:
            query = query.where(InboxMessage.status == status)
        if hearing_id is not None:
            query = query.where(InboxMessage.hearing_id == hearing_id)
        return [_entry(s, r) for r in s.scalars(query)]


def review_queue(rt: Runtime, *, hearing_id: int | None = None) -> list[InboxEntry]:
    """The messages waiting for review, oldest first (those matched to one hearing, or all)."""
    return sorted(list_messages(rt, status="review", limit=10_000, hearing_id=hearing_id), key=lambda e: e.id)


def _reviewable(s: Session, message_id: int) -> InboxMessage:
    row = get_or_not_found(s, InboxMessage, message_id, lock=True, what="besked i indbakken")
    if row.status != "review":
        raise RuleViolation(f"besked {message_id} i indbakken venter ikke på gennemsyn (den er "
                            f"{label(INBOX_STATUS, row.status)})")
    return row


def record_reviewed(rt: Runtime, message_id: int, *, option: str | None, comment: str | None = None,
                    text: str | None = None, hearing_id: int | None = None, kommune: str | None = None,
                    actor: str = SECRETARIAT) -> int:
    """Record a reviewed reply as the kommune's answer (channel ``mail``); the answer's id."""
    with rt.db.transaction() as s:
        row = _reviewable(s, message_id)
        hearing = hearing_id or row.hearing_id
        party = find_kommune(s, kommune).id if kommune else row.kommune_id
        if hearing is None or party is None:
            raise RuleViolation(f"besked {message_id} i indbakken er ikke knyttet til en høring og en kommune; "
                                "angiv --hearing og --kommune")
        sender = s.get(Person, row.person_id) if row.person_id else None
        person = sender if sender is not None and sender.kommune_id == party else None
        if comment is None and option is not None:
            comment = (row.detail.get("text") or "")[:MAX_COMMENT] or None
        if text is None and option is None:
            text = row.detail.get("text")
        recorded = record_answer_in(rt, s, hearing_id=hearing, kommune_id=party, option=option, text=text,
                                    comment=comment, channel="mail", person_id=person.id if person else None,
                                    answered_by=person.name if person else row.from_addr or actor)
        row.status, row.answer_id, row.option = "recorded", recorded.answer_id, option
        row.hearing_id, row.kommune_id = hearing, party
        audit.record(s, at=rt.now(), actor=actor, action="inbox.recorded_after_review", entity="inbox_message",
                     entity_id=row.id, hearing_id=hearing, answer_id=recorded.answer_id, option=option)
        return recorded.answer_id


def ignore_message(rt: Runtime, message_id: int, *, reason: str, actor: str = SECRETARIAT) -> None:
    reason = reason.strip()
    if not reason:
        raise RuleViolation("angiv en begrundelse (--reason)")
    with rt.db.transaction() as s:
        row = _reviewable(s, message_id)
        row.status, row.note = "ignored", reason
        audit.record(s, at=rt.now(), actor=actor, action="inbox.ignored", entity="inbox_message",
                     entity_id=row.id, hearing_id=row.hearing_id, reason=reason)
