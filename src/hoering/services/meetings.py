"""Planning meetings, recording who came, approving minutes; finding a body's next meeting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.danish import format_datetime
from hoering.db.lookup import get_meeting
from hoering.db.models import Attendance, Body, Item, Meeting, MeetingCorrection
from hoering.domain.meetings import agenda_order
from hoering.domain.routing import MeetingFacts
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.registry import find_body


def record_attendance(rt: Runtime, meeting_id: int, *, deltagere: list[str], afbud: list[str],
                      correction: str | None = None, actor: str = SECRETARIAT) -> None:
    """Replace the lists of participants and apologies. Once the chair has approved the minutes
    this is a correction: refused without its reason, and then kept and shown in the minutes."""
    with rt.db.transaction() as s:
        meeting = get_meeting(s, meeting_id, lock=True)
        if meeting.minutes_approved_at is not None:
            record_correction(s, rt, meeting, what=f"Deltagere og afbud rettet: {len(deltagere)} deltagere, "
                              f"{len(afbud)} afbud", reason=correction, actor=actor)
        meeting.attendance.clear()
        s.flush()
        set_attendance(meeting, deltagere, afbud)
        audit.record(s, at=rt.now(), actor=actor, action="meeting.attendance", entity="meeting",
                     entity_id=meeting.id, deltagere=len(deltagere), afbud=len(afbud))


def record_correction(s: Session, rt: Runtime, meeting: Meeting, *, what: str, reason: str | None,
                      actor: str) -> None:
    """A change after approval: only with a reason, kept in ``meeting_correction`` and audited."""
    if not (reason or "").strip():
        raise RuleViolation(f"møde {meeting.id}: referatet er godkendt "
                            f"({format_datetime(meeting.minutes_approved_at or rt.now())}); "
                            "en ændring er en rettelse og kræver en begrundelse (--correction)")
    assert reason is not None
    s.add(MeetingCorrection(meeting_id=meeting.id, at=rt.now(), actor=actor, what=what, reason=reason.strip()))
    audit.record(s, at=rt.now(), actor=actor, action="meeting.corrected", entity="meeting", entity_id=meeting.id,
                 what=what, reason=reason.strip())


def set_attendance(meeting: Meeting, deltagere: list[str], afbud: list[str]) -> None:
    rows = [*((n, "deltager") for n in deltagere), *((n, "afbud") for n in afbud)]
    for i, (name, status) in enumerate(rows, start=1):
        meeting.attendance.append(Attendance(position=i, name=name, status=status))


def approve_minutes(rt: Runtime, meeting_id: int, *, by: str) -> None:
    """The chair approves the minutes; the cycle then sends them to all."""
    now = rt.now()
    with rt.db.transaction() as s:
        meeting = get_meeting(s, meeting_id, lock=True)
        if meeting.minutes_approved_at is not None:
            raise RuleViolation(f"meeting {meeting_id}: the minutes were approved already "
                                f"({format_datetime(meeting.minutes_approved_at)})")
        if now < meeting.ends_at:
            raise RuleViolation(f"meeting {meeting_id}: minutes are approved after the meeting")
        undecided = [i.id for i in meeting.items if i.state != "besluttet"]
        if undecided:
            raise RuleViolation(f"meeting {meeting_id}: items without a beslutning: "
                                f"{', '.join(map(str, undecided))}")
        meeting.minutes_approved_at, meeting.minutes_approved_by = now, by
        audit.record(s, at=now, actor=by, action="meeting.minutes_approved", entity="meeting",
                     entity_id=meeting.id)


def next_meeting(s: Session, body_key: str, *, after: datetime, open_agenda: bool = True) -> Meeting | None:
    """The body's first meeting starting after ``after`` (whose agenda is not sent yet)."""
    query = (select(Meeting).join(Body).where(Body.key == body_key, Meeting.starts_at > after,
                                              Meeting.cancelled_at.is_(None))
             .order_by(Meeting.starts_at))
    if open_agenda:
        query = query.where(Meeting.agenda_sent_at.is_(None))
    return s.scalars(query).first()


def facts(meeting: Meeting | None) -> MeetingFacts | None:
    if meeting is None:
        return None
    return MeetingFacts(id=meeting.id, body=meeting.body.key, starts_at=meeting.starts_at,
                        agenda_sent=meeting.agenda_sent_at is not None)


def list_meetings(rt: Runtime, *, body: str | None = None, year: int | None = None,
                  latest: int | None = None) -> list[dict[str, Any]]:
    """The meetings (of ``body``, in ``year``) in time order; only the ``latest`` ones if given."""
    with rt.db.transaction() as s:
        # one statement however many meetings: the body's key joined, the items counted per meeting
        items = select(func.count(Item.id)).where(Item.meeting_id == Meeting.id).correlate(Meeting).scalar_subquery()
        query = select(Meeting, Body.key, items).join(Body)
        if body:
            query = query.where(Body.key == find_body(s, body).key)
        if latest is not None:
            found = list(s.execute(query.order_by(Meeting.starts_at.desc()).limit(latest)).tuples())[::-1]
        else:
            found = list(s.execute(query.order_by(Meeting.starts_at)).tuples())
        rows = []
        for m, key, count in found:
            if year and m.starts_at.year != year:
                continue
            rows.append({"id": m.id, "body": key, "starts_at": m.starts_at.isoformat(),
                         "when": format_datetime(m.starts_at), "place": m.place,
                         "items": count, "agenda_sent": m.agenda_sent_at is not None,
                         "minutes_approved": m.minutes_approved_at is not None,
                         "minutes_sent": m.minutes_sent_at is not None,
                         "cancelled": m.cancelled_at is not None})
        return rows


def meeting_items(rt: Runtime, meeting_id: int) -> dict[str, Any]:
    """A meeting and its items in agenda order: id, number (fixed once the agenda is sent),
    title, kind, state, outcome."""
    with rt.db.transaction() as s:
        m = get_meeting(s, meeting_id)
        sent = m.agenda_sent_at is not None
        return {"id": m.id, "body": m.body.key, "when": format_datetime(m.starts_at), "place": m.place,
                "cancelled": m.cancelled_at is not None,
                "items": [{"id": i.id, "number": i.number if sent else n, "title": i.title, "kind": i.kind,
                           "state": i.state, "outcome": i.outcome}
                          for n, i in enumerate(agenda_order(m.items), start=1)]}
