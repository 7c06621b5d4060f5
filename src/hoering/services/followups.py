"""Follow-ups (opfølgning): listing, closing, and the ones due on a given agenda."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.danish import format_date
from hoering.db.models import Followup, Item, Meeting
from hoering.domain.calendar import COPENHAGEN
from hoering.errors import NotFoundError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.meetings import SECRETARIAT


def describe(f: Followup) -> dict[str, Any]:
    item = f.item
    meeting = item.meeting
    return {"id": f.id, "item": item.id, "item_title": item.title, "what": f.what, "who": f.who,
            "due": f.due_date.isoformat() if f.due_date else "naeste_moede",
            "due_da": format_date(f.due_date) if f.due_date else "næste møde",
            "delegated_to": f.delegated_to, "status": f.status,
            "decided_by": item.decided_by, "meeting": meeting.id if meeting else None,
            "meeting_date_da": format_date(meeting.starts_at) if meeting else None,
            "closed_note": f.closed_note}


def list_followups(rt: Runtime, *, open_only: bool = False) -> list[dict[str, Any]]:
    with rt.db.transaction() as s:
        query = select(Followup).order_by(Followup.id)
        if open_only:
            query = query.where(Followup.status == "open")
        return [describe(f) for f in s.scalars(query)]


def close_followup(rt: Runtime, followup_id: int, *, note: str, actor: str = SECRETARIAT) -> None:
    with rt.db.transaction() as s:
        f = s.scalar(select(Followup).where(Followup.id == followup_id).with_for_update())
        if f is None:
            raise NotFoundError(f"no follow-up {followup_id}")
        if f.status == "closed":
            raise RuleViolation(f"follow-up {followup_id} is closed already")
        if not note.strip():
            raise RuleViolation(f"follow-up {followup_id}: say how it was done (a note is required)")
        f.status, f.closed_at, f.closed_note = "closed", rt.now(), note.strip()
        audit.record(s, at=rt.now(), actor=actor, action="followup.closed", entity="followup",
                     entity_id=f.id, note=note)


def followups_due_for(s: Session, meeting: Meeting) -> list[Followup]:
    """Open follow-ups from earlier decisions of this body (or its FU), due by this meeting:
    those due "næste møde" and those with a date on or before the meeting's day."""
    bodies = {meeting.body.key}
    if meeting.body.delegates_to:
        bodies.add(meeting.body.delegates_to)
    day = meeting.starts_at.astimezone(COPENHAGEN).date()
    rows = s.scalars(select(Followup).join(Item).where(
        Followup.status == "open", Item.decided_by.in_(bodies),
        Followup.created_at < meeting.starts_at).order_by(Followup.id))
    return [f for f in rows if f.due_next_meeting or (f.due_date is not None and f.due_date <= day)]
