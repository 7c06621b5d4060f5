"""Recording a kommune's answer: by the secretariat (manual) or through a personal link (web)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.models import Answer, AnswerToken, Hearing, HearingRecipient, Kommune, Person
from hoering.errors import HearingClosedError, NotFoundError, RuleViolation
from hoering.mail import notices
from hoering.runtime import Runtime
from hoering.services.hearings import SECRETARIAT
from hoering.services.lookups import get_hearing
from hoering.services.registry import find_kommune
from hoering.services.tallying import definition_of
from hoering.tokens import looks_like_token, token_hash

MAX_COMMENT = 5000
MAX_TEXT = 20000


@dataclass(frozen=True)
class Recorded:
    answer_id: int
    hearing_id: int
    kommune_code: int
    version: int
    option: str | None
    late: bool


def record_answer(
    rt: Runtime,
    hearing_id: int,
    *,
    kommune: str | int,
    option: str | None,
    text: str | None = None,
    comment: str | None = None,
    channel: str = "manual",
    answered_by: str = SECRETARIAT,
) -> Recorded:
    """An answer the secretariat received by phone, letter or mail (channel ``manual``)."""
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        party = find_kommune(s, kommune)
        recipient = s.scalar(select(HearingRecipient).where(
            HearingRecipient.hearing_id == hearing.id, HearingRecipient.kommune_id == party.id))
        if recipient is None:
            raise NotFoundError(f"{party.display_name} is not asked in hearing {hearing_id}")
        return _store(rt, s, hearing, recipient, party, option=option, text=text, comment=comment,
                      channel=channel, person=None, answered_by=answered_by)


def find_token(s: Session, token: str) -> AnswerToken | None:
    """The live token row for ``token``, or None (unknown, malformed or revoked look the same)."""
    if not looks_like_token(token):
        return None
    digest = token_hash(token)
    row = s.scalar(select(AnswerToken).where(AnswerToken.token_hash == digest))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row


def record_answer_by_token(
    rt: Runtime, token: str, *, option: str | None, text: str | None = None,
    comment: str | None = None, channel: str = "web",
) -> Recorded:
    """An answer given through a contact's personal link; it answers for that contact's kommune."""
    with rt.db.transaction() as s:
        row = find_token(s, token)
        if row is None:
            raise NotFoundError("unknown answer link")
        recipient = row.recipient
        hearing = get_hearing(s, recipient.hearing_id, lock=True)
        party = recipient.kommune
        return _store(rt, s, hearing, recipient, party, option=option, text=text, comment=comment,
                      channel=channel, person=row.person, answered_by=row.person.name)


def _store(
    rt: Runtime, s: Session, hearing: Hearing, recipient: HearingRecipient, party: Kommune, *,
    option: str | None, text: str | None, comment: str | None, channel: str,
    person: Person | None, answered_by: str,
) -> Recorded:
    now = rt.now()
    if hearing.status != "open":
        raise HearingClosedError(f"hearing {hearing.id} is closed and takes no more answers")
    definition = definition_of(hearing)
    comment = (comment or "").strip() or None
    text = (text or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise RuleViolation(f"the comment is longer than {MAX_COMMENT} characters")
    if definition.kind == "submission":
        if option:
            raise RuleViolation("a submission hearing is answered with text, not an option")
        if not text:
            raise RuleViolation("a submission needs a text")
        if len(text) > MAX_TEXT:
            raise RuleViolation(f"the text is longer than {MAX_TEXT} characters")
    else:
        keys = [o.key for o in definition.answer_options]
        if option not in keys:
            raise NotFoundError(f"no option {option!r} in hearing {hearing.id}; options: {', '.join(keys)}")
    version = (s.scalar(select(func.max(Answer.version)).where(Answer.recipient_id == recipient.id)) or 0) + 1
    late = now > hearing.deadline
    answer = Answer(hearing_id=hearing.id, recipient_id=recipient.id, version=version, option=option,
                    text=text, comment=comment, channel=channel, answered_by=answered_by,
                    answered_by_person_id=person.id if person else None, received_at=now, late=late)
    s.add(answer)
    s.flush()
    audit.record(s, at=now, actor=answered_by, action="answer.recorded", entity="answer",
                 entity_id=answer.id, hearing_id=hearing.id, kommune=party.code, version=version,
                 option=option, channel=channel, late=late)
    notices.queue_receipt(rt, s, hearing, answer, party)
    return Recorded(answer.id, hearing.id, party.code, version, option, late)
