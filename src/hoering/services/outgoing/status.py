"""The directors' status mail: one short Danish mail per director, weekly (Monday 08.00 by
default) and some days before each meeting of a body the director sits in.

Each mail is queued in the outbox under ``status:<period>:person:<id>`` — the period is the ISO
week (``2014-W20``) or the meeting (``meeting-7``) — so a re-run in the same period queues
nothing. A director with nothing to report gets no mail unless ``status_send_empty`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering.danish import format_date, local
from hoering.db.lookup import get_or_not_found
from hoering.db.models import BodyMember, Meeting, OutboxMessage, Person
from hoering.domain.calendar import COPENHAGEN
from hoering.errors import NotFoundError
from hoering.mail.links import PersonalLinks, with_tokens
from hoering.mail.outbox import is_queued, queue_message
from hoering.mail.render import Rendered, render
from hoering.runtime import Runtime
from hoering.services.outgoing.common import secretariat
from hoering.views.director_status import StatusItems, status_items

KIND = "status"
DIRECTOR = "direktoer"
WEEKLY_WINDOW = timedelta(days=1)  # a weekly status missed for a whole day waits for next week
FIRST_LOOKBACK = timedelta(days=7)  # "closed since the last status" for a director's first mail


@dataclass(frozen=True)
class StatusReport:
    due: int
    queued: int


def status_key(period: str, person_id: int) -> str:
    return f"status:{period}:person:{person_id}"


def week_period(moment: datetime) -> str:
    year, week, _ = local(moment).isocalendar()
    return f"{year}-W{week:02d}"


def _at_status_time(rt: Runtime, day: Any) -> datetime:
    hour, minute = map(int, rt.settings.status_time.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN)


def weekly_moment(rt: Runtime, now: datetime) -> datetime:
    """This week's status moment (Monday 08.00 Copenhagen by default)."""
    today = local(now).date()
    monday = today - timedelta(days=today.weekday())
    return _at_status_time(rt, monday + timedelta(days=rt.settings.status_weekday))


def meeting_moment(rt: Runtime, meeting: Meeting) -> datetime | None:
    """When the status before ``meeting`` is due (T−7 at 08.00 by default), or None."""
    days = rt.settings.status_days_before_meeting
    if days is None:
        return None
    return _at_status_time(rt, local(meeting.starts_at).date() - timedelta(days=days))


def directors(s: Session) -> list[Person]:
    return list(s.scalars(select(Person).where(Person.role == DIRECTOR, Person.active.is_(True))
                          .order_by(Person.id)))


def last_status_at(s: Session, person_id: int) -> datetime | None:
    return s.scalar(select(func.max(OutboxMessage.created_at))
                    .where(OutboxMessage.kind == KIND, OutboxMessage.person_id == person_id))


def due_status(rt: Runtime) -> list[tuple[int, str]]:
    """(director, period) pairs due now: at most one per director. The weekly status is due on
    the day of its moment; the status before a meeting from its moment until the meeting, unless
    the director has had a status mail since that moment."""
    now = rt.now()
    due: dict[int, str] = {}
    with rt.db.transaction() as s:
        people = directors(s)
        weekly = weekly_moment(rt, now)
        if weekly <= now < weekly + WEEKLY_WINDOW:
            period = week_period(now)
            for person in people:
                if not is_queued(s, status_key(period, person.id)):
                    due[person.id] = period
        by_id = {p.id: p for p in people}
        for meeting in s.scalars(select(Meeting).where(Meeting.starts_at > now).order_by(Meeting.starts_at)):
            moment = meeting_moment(rt, meeting)
            if moment is None or moment > now:
                continue
            members = s.scalars(select(BodyMember.person_id).where(BodyMember.body_id == meeting.body_id))
            for person_id in members:
                if person_id not in by_id or person_id in due:
                    continue
                last = last_status_at(s, person_id)
                if last is None or last < moment:
                    due[person_id] = f"meeting-{meeting.id}"
    return sorted(due.items())


def queue_status(rt: Runtime, person_id: int, period: str) -> bool:
    """Queue one director's status for ``period``; False if queued already or nothing to say."""
    now = rt.now()
    with rt.db.transaction() as s:
        key = status_key(period, person_id)
        if is_queued(s, key):
            return False
        person = get_or_not_found(s, Person, person_id)
        links = PersonalLinks(rt.settings.portal_url)
        rendered = compose(rt, s, person, period=period, now=now, links=links)
        if rendered is None:
            return False
        queue_message(s, settings=rt.settings, key=key, kind=KIND, to=person.email,
                      to_name=person.name, rendered=rendered, now=now, kommune_id=person.kommune_id,
                      person_id=person.id, links=links.labels)
        return True


def queue_due_status(rt: Runtime) -> StatusReport:
    due = due_status(rt)
    return StatusReport(due=len(due), queued=sum(queue_status(rt, p, period) for p, period in due))


def preview_status(rt: Runtime, *, director: str) -> Rendered | None:
    """The status mail ``director`` would get now (this week's), without queuing it."""
    now = rt.now()
    with rt.db.transaction() as s:
        person = s.scalar(select(Person).where(func.lower(Person.email) == director.strip().lower()))
        if person is None:
            known = ", ".join(p.email for p in directors(s)) or "ingen: kør hoering init"
            raise NotFoundError(f"ingen person med e-mailadressen {director!r}; direktørerne er: {known}")
        links = PersonalLinks(rt.settings.portal_url)
        rendered = compose(rt, s, person, period=week_period(now), now=now, links=links)
        if rendered is None:
            return None
        return Rendered(subject=rendered.subject, text=with_tokens(rendered.text, links.labels, rt.secret),
                        html=with_tokens(rendered.html, links.labels, rt.secret))


def compose(rt: Runtime, s: Session, person: Person, *, period: str, now: datetime,
            links: PersonalLinks) -> Rendered | None:
    since = last_status_at(s, person.id) or now - FIRST_LOOKBACK
    items = status_items(rt, s, person, since=since, now=now, answer_link=links.answer)
    if items.empty and not rt.settings.status_send_empty:
        return None
    return render("status", context(rt, s, person, items, period=period, since=since))


def context(rt: Runtime, s: Session, person: Person, items: StatusItems, *, period: str,
            since: datetime) -> dict[str, Any]:
    return {
        "person": {"name": person.name, "email": person.email},
        "kommune": person.kommune.display_name if person.kommune else None,
        "occasion": occasion(s, period),
        "since": since,
        "awaiting": items.awaiting, "closed": items.closed,
        "meetings": items.meetings, "followups": items.followups, "empty": items.empty,
        "secretariat": secretariat(rt, s),
        "portal_url": rt.settings.portal_url,
    }


def occasion(s: Session, period: str) -> str:
    """``uge 20, 2014`` or ``før mødet i FU den 20. maj 2014``."""
    if period.startswith("meeting-"):
        meeting = s.get(Meeting, int(period.removeprefix("meeting-")))
        if meeting is not None:
            return f"før mødet i {meeting.body.name} den {format_date(meeting.starts_at)}"
    year, _, week = period.partition("-W")
    return f"uge {int(week)}, {year}" if week.isdigit() else period
