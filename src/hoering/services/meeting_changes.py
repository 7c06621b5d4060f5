"""Moving and cancelling a planned meeting.

Everyone who got the meeting's invitation (the agenda mail with its ICS) gets the change in a
short Danish mail with an updated ICS: the same UID, SEQUENCE raised, ``METHOD:REQUEST`` for a
move and ``METHOD:CANCEL`` for a cancellation, so calendar programs update or remove the event
they already hold. The cycle's due steps are computed from the meeting's date, so they follow a
move by themselves; a cancelled meeting has no due steps, and the items on its agenda go back to
FU's list. Both happen in one transaction with their mails (the outbox), keyed by the new
sequence, so a change run twice mails nothing twice.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.danish import format_datetime
from hoering.db.lookup import get_meeting
from hoering.db.models import Meeting
from hoering.domain import routing
from hoering.domain.calendar import COPENHAGEN
from hoering.domain.meetings import STANDARD_KINDS, local_datetime
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.moves import apply_move, item_facts
from hoering.services.outgoing import meetings as mails
from hoering.services.standard_items import refresh as refresh_standard_items


def move_meeting(rt: Runtime, meeting_id: int, *, day: dt.date, start: dt.time | None = None,
                 end: dt.time | None = None, place: str | None = None, reason: str,
                 actor: str = SECRETARIAT) -> int:
    """Give the meeting a new date (and time or place); returns the number of mails queued."""
    now = rt.now()
    with rt.db.transaction() as s:
        meeting = _changeable(s, meeting_id, now, reason)
        old_start, old_place = meeting.starts_at, meeting.place
        start = start or old_start.astimezone(COPENHAGEN).time()
        end = end or meeting.ends_at.astimezone(COPENHAGEN).time()
        starts_at, ends_at = local_datetime(day, start), local_datetime(day, end)
        if ends_at <= starts_at:
            raise RuleViolation(f"møde {meeting_id}: sluttidspunktet skal ligge efter starttidspunktet")
        if starts_at <= now:
            raise RuleViolation(f"møde {meeting_id}: det nye tidspunkt ({format_datetime(starts_at)}) er passeret")
        clash = s.scalar(select(Meeting.id).where(Meeting.body_id == meeting.body_id, Meeting.id != meeting.id,
                                                  Meeting.starts_at == starts_at))
        if clash is not None:
            raise RuleViolation(f"møde {meeting_id}: {meeting.body.name} har allerede møde {clash} "
                                f"{format_datetime(starts_at)}")
        if (starts_at, ends_at, place or old_place) == (meeting.starts_at, meeting.ends_at, old_place):
            raise RuleViolation(f"møde {meeting_id}: tid og sted er de samme som før; intet at flytte")
        invited = mails.invitees(s, meeting)
        meeting.starts_at, meeting.ends_at = starts_at, ends_at
        meeting.place = place or old_place
        meeting.change_reason = reason.strip()
        if invited:
            meeting.ics_sequence += 1
        s.flush()
        audit.record(s, at=now, actor=actor, action="meeting.moved", entity="meeting", entity_id=meeting.id,
                     from_starts_at=old_start.isoformat(), to_starts_at=starts_at.isoformat(),
                     place=meeting.place, reason=meeting.change_reason, sequence=meeting.ics_sequence)
        refresh_standard_items(s, meeting.body_id)
        changes = _what_changed(old_start, starts_at, old_place, meeting.place)
        return mails.queue_meeting_change(rt, s, meeting, invited, changes=changes, cancelled=False)


def cancel_meeting(rt: Runtime, meeting_id: int, *, reason: str, actor: str = SECRETARIAT) -> int:
    """Cancel the meeting: the invitees get a cancellation (every member of the body when no agenda
    went out yet: the meeting stands in their calendars from the plan), its case items go back to FU's list."""
    now = rt.now()
    with rt.db.transaction() as s:
        meeting = _changeable(s, meeting_id, now, reason)
        invited = mails.invitees(s, meeting) or mails.members(meeting.body)
        meeting.cancelled_at, meeting.change_reason = now, reason.strip()
        meeting.ics_sequence += 1
        returned = []
        for item in list(meeting.items):
            if item.state != routing.PAA_DAGSORDEN or item.kind in STANDARD_KINDS:
                continue
            apply_move(s, rt, item, routing.meeting_cancelled(item_facts(s, item)), actor=actor,
                       note=f"møde {meeting.id} aflyst: {meeting.change_reason}")
            item.meeting_id, item.number = None, None
            returned.append(item.id)
        s.flush()
        audit.record(s, at=now, actor=actor, action="meeting.cancelled", entity="meeting", entity_id=meeting.id,
                     reason=meeting.change_reason, sequence=meeting.ics_sequence, items_to_fu=returned)
        refresh_standard_items(s, meeting.body_id)
        return mails.queue_meeting_change(rt, s, meeting, invited, changes=[], cancelled=True)


def _changeable(s: Session, meeting_id: int, now: datetime, reason: str) -> Meeting:
    meeting = get_meeting(s, meeting_id, lock=True)
    if not reason.strip():
        raise RuleViolation(f"møde {meeting_id}: angiv en begrundelse (--reason)")
    if meeting.cancelled_at is not None:
        raise RuleViolation(f"møde {meeting_id} er aflyst ({format_datetime(meeting.cancelled_at)})")
    if meeting.starts_at <= now:
        raise RuleViolation(f"møde {meeting_id} er begyndt eller holdt ({format_datetime(meeting.starts_at)})")
    return meeting



def _what_changed(old_start: datetime, new_start: datetime, old_place: str, new_place: str) -> list[str]:
    changes = []
    if old_start != new_start:
        changes.append(f"Tidspunktet er flyttet fra {format_datetime(old_start)} til {format_datetime(new_start)}.")
    if old_place != new_place:
        changes.append(f"Mødestedet er ændret fra {old_place} til {new_place}.")
    return changes
