"""Planning a body's meetings for a year from a plan file.

A new meeting gets its standard items at once (see ``standard_items``). Re-planning a year is
idempotent: a meeting already planned at that time is kept, and a planned date within a week of
an existing meeting is taken as that meeting moved, which the plan does not do by itself."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.danish import format_datetime
from hoering.db.models import Meeting
from hoering.definitions import load_file
from hoering.domain.meetings import MeetingPlan, default_cycle, local_datetime
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.meetings import set_attendance
from hoering.services.registry import find_body
from hoering.services.standard_items import add_standard_items
from hoering.services.standard_items import refresh as refresh_standard_items


def read_plan_file(path: Path) -> MeetingPlan:
    return load_file(MeetingPlan, path)


NEIGHBOURING = timedelta(days=7)  # a planned meeting this close to an existing one is that one, moved


def plan_meetings(rt: Runtime, plan: MeetingPlan, *, actor: str = SECRETARIAT) -> list[int]:
    """Create the plan's meetings (a meeting already planned at that time is kept as it is).

    A planned meeting within a week of an existing meeting of the body at another time is the
    same meeting moved: nothing is created, and the error names each difference and the
    ``hoering meeting move`` that makes it (so a re-planned year never holds two meetings)."""
    now = rt.now()
    with rt.db.transaction() as s:
        body = find_body(s, plan.body)
        cycle = (plan.cycle or default_cycle(body.key)).model_dump()
        _refuse_neighbours(s, body.id, plan)
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
            set_attendance(meeting, m.deltagere, m.afbud)
            audit.record(s, at=now, actor=actor, action="meeting.planned", entity="meeting",
                         entity_id=meeting.id, body=body.key, starts_at=starts_at.isoformat())
            add_standard_items(s, rt, meeting, plan.standard_items_for(body.key), actor=actor)
            ids.append(meeting.id)
        refresh_standard_items(s, body.id)
        return ids


def _refuse_neighbours(s: Session, body_id: int, plan: MeetingPlan) -> None:
    existing = list(s.scalars(select(Meeting).where(Meeting.body_id == body_id, Meeting.cancelled_at.is_(None))))
    taken = {m.starts_at for m in existing}
    moves = []
    for m in plan.expand():
        starts_at = local_datetime(m.date, m.start)
        if starts_at in taken:
            continue
        near = [e for e in existing if abs(e.starts_at - starts_at) < NEIGHBOURING]
        moves += [f"møde {e.id} ({format_datetime(e.starts_at)}) står i planen {format_datetime(starts_at)}: "
                  f"hoering meeting move {e.id} --date {m.date.isoformat()} --reason …" for e in near]
    if moves:
        raise RuleViolation("planen flytter allerede planlagte møder; brug 'meeting move': " + "; ".join(moves))
