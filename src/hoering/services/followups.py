"""Follow-ups (opfølgning): their owners, due dates and reminders; listing, closing, and the
ones due on a given agenda.

The owner is someone the registry knows: a person (by name or address), a body (by key or
name), a kommune (its director) or the secretariat. "Næste møde" is resolved to the date of the
deciding body's next meeting. The owner is reminded once, ``followup_reminder_days`` working days
before the due date; an open follow-up past its date is marked overdue on the agenda."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, object_session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.danish import format_date
from hoering.db.lookup import get_or_not_found
from hoering.db.models import Body, Followup, Item, Kommune, Meeting, Person
from hoering.domain.calendar import COPENHAGEN, subtract_working_days
from hoering.domain.names import name_keys, normalise
from hoering.errors import RuleViolation
from hoering.runtime import Runtime


def describe(f: Followup, *, on: date | None = None) -> dict[str, Any]:
    """A follow-up as plain data; ``overdue`` is as of the day ``on`` (an agenda's meeting day)."""
    item = f.item
    meeting = item.meeting
    due = due_date(f)
    due_da = format_date(due) if due else "næste møde"
    if f.due_next_meeting:
        due_da = f"næste møde ({format_date(due)})" if due else "næste møde (ikke planlagt)"
    overdue = f.status == "open" and due is not None and on is not None and due < on
    return {"id": f.id, "item": item.id, "item_title": item.title, "what": f.what, "who": f.who,
            "due": f.due_date.isoformat() if f.due_date else "naeste_moede",
            "due_da": due_da + (" – overskredet" if overdue else ""), "overdue": overdue,
            "delegated_to": f.delegated_to, "status": f.status,
            "decided_by": item.decided_by, "meeting": meeting.id if meeting else None,
            "meeting_date_da": format_date(meeting.starts_at) if meeting else None,
            "closed_note": f.closed_note, "hearing": f.hearing_id, "result_item": f.result_item_id}


def resolve_owner(s: Session, who: str, *, secretariat_email: str) -> tuple[str, Person | None, Body | None]:
    """(the owner's name as shown, the person, the body) for a follow-up's "who"; refuses a name
    the registry does not know, saying what it does know."""
    wanted = who.strip().casefold()
    if wanted in ("sekretariatet", "sekretariat"):
        wanted = secretariat_email.casefold()
    person = s.scalar(select(Person).where(Person.active.is_(True), or_(
        func.lower(Person.email) == wanted, func.lower(Person.name) == wanted)))
    if person is not None:
        return person.name, person, None
    body = s.scalar(select(Body).where(or_(func.lower(Body.key) == wanted, func.lower(Body.name) == wanted,
                                            func.lower(Body.long_name) == wanted)))
    if body is not None:
        return body.name, None, body
    for kommune in s.scalars(select(Kommune)):
        if normalise(who) in name_keys(kommune.name, kommune.code):
            director = next((p for p in kommune.contacts if p.role == "direktoer" and p.active), None)
            if director is not None:
                return director.name, director, None
    raise RuleViolation(f"opfølgning: «{who}» findes ikke i registret; angiv en person (navn eller adresse), "
                        "et organ (fx das, fu), en kommune eller sekretariatet")


def due_date(f: Followup) -> date | None:
    """The date it is due: its own, or (næste møde) the deciding body's next meeting's day."""
    if not f.due_next_meeting:
        return f.due_date
    item = f.item
    after = item.meeting.starts_at if item.meeting is not None else item.decided_at
    body = item.decided_by
    s = object_session(f)
    if s is None or after is None or body is None:
        return None
    starts = s.scalar(select(Meeting.starts_at).join(Body).where(
        Body.key == body, Meeting.starts_at > after, Meeting.cancelled_at.is_(None)).order_by(Meeting.starts_at))
    return starts.astimezone(COPENHAGEN).date() if starts is not None else None


def owners(f: Followup) -> list[Person]:
    """Who gets the reminder: the owning person, or the owning body's members."""
    if f.owner_person is not None:
        return [f.owner_person] if f.owner_person.active else []
    if f.owner_body is not None:
        return sorted((m.person for m in f.owner_body.members if m.person.active), key=lambda p: p.id)
    return []


def followups_to_remind(s: Session, today: date, days: int) -> list[tuple[Followup, date]]:
    """Open, not yet reminded follow-ups whose due date is at most ``days`` working days away."""
    found = []
    for f in s.scalars(select(Followup).where(Followup.status == "open", Followup.reminded_at.is_(None))
                       .order_by(Followup.id)):
        due = due_date(f)
        if due is not None and today >= subtract_working_days(due, days):
            found.append((f, due))
    return found


def list_followups(rt: Runtime, *, open_only: bool = False) -> list[dict[str, Any]]:
    with rt.db.transaction() as s:
        query = select(Followup).order_by(Followup.id)
        if open_only:
            query = query.where(Followup.status == "open")
        return [describe(f) for f in s.scalars(query)]


def close_followup(rt: Runtime, followup_id: int, *, note: str, actor: str = SECRETARIAT) -> None:
    with rt.db.transaction() as s:
        f = get_or_not_found(s, Followup, followup_id, lock=True, what="opfølgning")
        if f.status == "closed":
            raise RuleViolation(f"opfølgning {followup_id} er allerede lukket")
        if not note.strip():
            raise RuleViolation(f"opfølgning {followup_id}: skriv, hvordan den er klaret (--note)")
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
    rows = s.scalars(select(Followup).join(Item, Followup.item_id == Item.id).where(
        Followup.status == "open", Item.decided_by.in_(bodies),
        Followup.created_at < meeting.starts_at).order_by(Followup.id))
    return [f for f in rows if f.due_next_meeting or (f.due_date is not None and f.due_date <= day)]


def meeting_day(meeting: Meeting) -> date:
    return meeting.starts_at.astimezone(COPENHAGEN).date()
