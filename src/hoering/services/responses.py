"""The secretariat's responses to the kommuner's answers (for the høringsnotat): one per kommune
that answered, every version kept, the latest stands."""

from __future__ import annotations

from sqlalchemy import func, select

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.db.document_queries import Response, response_of
from hoering.db.documents import HearingResponse
from hoering.db.lookup import get_hearing, get_recipient
from hoering.db.models import Answer
from hoering.domain.responses import check_response, check_summary
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.registry import find_kommune


def respond(rt: Runtime, hearing_id: int, *, kommune: str | int, stance: str, text: str,
            subject: str | None = None, summary: str | None = None, actor: str = SECRETARIAT) -> Response:
    """Record the secretariat's response to a kommune's answer (open or closed hearing): how it is
    met and why, and (for the høringsnotat's per-subject summary) the answer's subject and a short
    summary of its essential points."""
    stance, text = check_response(stance, text)
    subject, summary = check_summary(subject, summary)
    now = rt.now()
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        party = find_kommune(s, kommune)
        recipient = get_recipient(s, hearing, party.id, name=party.display_name)
        if s.scalar(select(func.count()).select_from(Answer).where(Answer.recipient_id == recipient.id)) == 0:
            raise RuleViolation(f"{party.display_name} har ikke svaret i høring {hearing_id}; "
                                "der er intet at bemærke til")
        version = (s.scalar(select(func.max(HearingResponse.version))
                            .where(HearingResponse.recipient_id == recipient.id)) or 0) + 1
        row = HearingResponse(hearing_id=hearing.id, recipient_id=recipient.id, version=version,
                              stance=stance, text=text, subject=subject, summary=summary,
                              responded_at=now, responded_by=actor)
        s.add(row)
        s.flush()
        audit.record(s, at=now, actor=actor, action="hearing.responded", entity="hearing_response",
                     entity_id=row.id, hearing_id=hearing.id, kommune=party.code, stance=stance,
                     version=version)
        return response_of(row, party.code)

