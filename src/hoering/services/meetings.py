"""Planning meetings, recording who came, approving minutes; finding a body's next meeting."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.danish import format_datetime
from hoering.db.models import Attendance, Body, Meeting
from hoering.definitions import load_file
from hoering.domain.meetings import MeetingPlan, default_cycle, local_datetime
from hoering.domain.routing import MeetingFacts
from hoering.errors import NotFoundError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.registry import find_body

SECRETARIAT = "sekretariatet"


def read_plan_file(path: Path) -> MeetingPlan:
    return load_file(MeetingPlan, path)


def plan_meetings(rt: Runtime, plan: MeetingPlan, *, actor: str = SECRETARIAT) -> list[int]:
    """Create the plan's meetings (a meeting already planned at that time is kept as it is)."""
    now = rt.now()
    with rt.db.transaction() as s:
        body = find_body(s, plan.body)
        cycle = (plan.cycle or default_cycle(body.key)).model_dump()
        ids = []
        for m in plan.expand():
            starts_at = local_datetime(m.date, m.start)
            existing = s.scalar(select(Meeting).where(Meeting.body_id == body.id,
                                                      Meeting.starts_at == starts_at))
            if existing is not None:
                ids.append(existing.id)
                continue
            meeting = Meeting(body_id=body.id, starts_at=starts_at, ends_at=local_datetime(m.date, m.end),
                              place=m.place, sagsnr=m.sagsnr, cycle=cycle, created_at=now)
            s.add(meeting)
            s.flush()
            _set_attendance(meeting, m.deltagere, m.afbud)
            audit.record(s, at=now, actor=actor, action="meeting.planned", entity="meeting",
                         entity_id=meeting.id, body=body.key, starts_at=starts_at.isoformat())
            ids.append(meeting.id)
        return ids


def record_attendance(rt: Runtime, meeting_id: int, *, deltagere: list[str], afbud: list[str],
                      actor: str = SECRETARIAT) -> None:
    """Replace the lists of participants and apologies."""
    with rt.db.transaction() as s:
        meeting = get_meeting(s, meeting_id)
        meeting.attendance.clear()
        s.flush()
        _set_attendance(meeting, deltagere, afbud)
        audit.record(s, at=rt.now(), actor=actor, action="meeting.attendance", entity="meeting",
                     entity_id=meeting.id, deltagere=len(deltagere), afbud=len(afbud))


def _set_attendance(meeting: Meeting, deltagere: list[str], afbud: list[str]) -> None:
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


def get_meeting(s: Session, meeting_id: int, *, lock: bool = False) -> Meeting:
    query = select(Meeting).where(Meeting.id == meeting_id)
    if lock:
        query = query.with_for_update()
    meeting = s.scalar(query)
    if meeting is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    return meeting


def next_meeting(s: Session, body_key: str, *, after: datetime, open_agenda: bool = True) -> Meeting | None:
    """The body's first meeting starting after ``after`` (whose agenda is not sent yet)."""
    query = (select(Meeting).join(Body).where(Body.key == body_key, Meeting.starts_at > after)
             .order_by(Meeting.starts_at))
    if open_agenda:
        query = query.where(Meeting.agenda_sent_at.is_(None))
    return s.scalars(query).first()


def facts(meeting: Meeting | None) -> MeetingFacts | None:
    if meeting is None:
        return None
    return MeetingFacts(id=meeting.id, body=meeting.body.key, starts_at=meeting.starts_at,
                        agenda_sent=meeting.agenda_sent_at is not None)


def list_meetings(rt: Runtime, *, body: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    with rt.db.transaction() as s:
        query = select(Meeting).join(Body).order_by(Meeting.starts_at)
        if body:
            query = query.where(Body.key == find_body(s, body).key)
        rows = []
        for m in s.scalars(query):
            if year and m.starts_at.year != year:
                continue
            rows.append({"id": m.id, "body": m.body.key, "starts_at": m.starts_at.isoformat(),
                         "when": format_datetime(m.starts_at), "place": m.place,
                         "items": len(m.items), "agenda_sent": m.agenda_sent_at is not None,
                         "minutes_approved": m.minutes_approved_at is not None,
                         "minutes_sent": m.minutes_sent_at is not None})
        return rows


def meeting_items(rt: Runtime, meeting_id: int) -> dict[str, Any]:
    """A meeting and its items in agenda order: id, number, title, kind, state, outcome."""
    from hoering.services.documents import ordered_items

    with rt.db.transaction() as s:
        m = get_meeting(s, meeting_id)
        return {"id": m.id, "body": m.body.key, "when": format_datetime(m.starts_at), "place": m.place,
                "items": [{"id": i.id, "number": n, "title": i.title, "kind": i.kind, "state": i.state,
                           "outcome": i.outcome} for n, i in enumerate(ordered_items(m), start=1)]}
