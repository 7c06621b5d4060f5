"""The director's status, a view the status mail renders: what concerns one director now —
hearings awaiting their kommune's answer, hearings closed since their last status mail, the
coming meetings of the bodies they sit in, and the open follow-ups assigned to them or their
kommune."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hoering.danish import format_time_left, local
from hoering.db.models import (
    Answer,
    AnswerToken,
    BodyMember,
    Followup,
    Hearing,
    HearingRecipient,
    Meeting,
    Person,
)
from hoering.domain.names import name_keys, normalise
from hoering.runtime import Runtime
from hoering.views.result import result_of


@dataclass(frozen=True)
class Awaiting:
    hearing_id: int
    title: str
    body: str
    deadline: datetime
    time_left: str  # "1 dag og 4 timer" or "fristen er overskredet"
    past_deadline: bool
    link: str | None


@dataclass(frozen=True)
class ClosedHearing:
    hearing_id: int
    title: str
    closed_at: datetime
    summary: str
    own_answer: str  # what their kommune answered, or "intet svar"


@dataclass(frozen=True)
class MeetingAhead:
    meeting_id: int
    body: str
    starts_at: datetime
    place: str
    agenda_sent_at: datetime | None
    agenda_url: str | None


@dataclass(frozen=True)
class OpenFollowup:
    followup_id: int
    what: str
    who: str
    item_title: str
    due_date: date | None  # None: by the next meeting
    overdue: bool


@dataclass(frozen=True)
class StatusItems:
    awaiting: tuple[Awaiting, ...] = ()
    closed: tuple[ClosedHearing, ...] = ()
    meetings: tuple[MeetingAhead, ...] = ()
    followups: tuple[OpenFollowup, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.awaiting or self.closed or self.meetings or self.followups)


def status_items(rt: Runtime, s: Session, person: Person, *, since: datetime, now: datetime,
                 answer_link: Callable[[str], str]) -> StatusItems:
    """``answer_link``: a token's nonce -> the link the mail shows (``mail.links``)."""
    return StatusItems(
        awaiting=tuple(awaiting_answer(s, person, now=now, answer_link=answer_link)),
        closed=tuple(closed_since(s, person, since=since, now=now)),
        meetings=tuple(meetings_ahead(rt, s, person, now=now)),
        followups=tuple(open_followups(s, person, now=now)),
    )


def awaiting_answer(s: Session, person: Person, *, now: datetime,
                    answer_link: Callable[[str], str]) -> list[Awaiting]:
    """Open hearings that asked the director's kommune, which has not answered yet."""
    if person.kommune_id is None:
        return []
    answered = exists().where(Answer.recipient_id == HearingRecipient.id)
    rows = s.execute(
        select(Hearing, HearingRecipient).join(HearingRecipient, HearingRecipient.hearing_id == Hearing.id)
        .where(Hearing.status == "open", HearingRecipient.kommune_id == person.kommune_id, ~answered)
        .order_by(Hearing.deadline, Hearing.id)).tuples()
    found = []
    for hearing, recipient in rows:
        nonce = s.scalar(select(AnswerToken.nonce).where(
            AnswerToken.recipient_id == recipient.id, AnswerToken.person_id == person.id,
            AnswerToken.revoked_at.is_(None)))
        found.append(Awaiting(hearing.id, hearing.title, hearing.body.name, hearing.deadline,
                              format_time_left(hearing.deadline, now), hearing.deadline <= now,
                              answer_link(nonce) if nonce else None))
    return found


def closed_since(s: Session, person: Person, *, since: datetime, now: datetime) -> list[ClosedHearing]:
    """Hearings that asked the director's kommune and closed after ``since``."""
    if person.kommune_id is None:
        return []
    hearings = s.scalars(
        select(Hearing).join(HearingRecipient, HearingRecipient.hearing_id == Hearing.id)
        .where(Hearing.status == "closed", HearingRecipient.kommune_id == person.kommune_id,
               Hearing.closed_at > since, Hearing.closed_at <= now)
        .order_by(Hearing.closed_at, Hearing.id))
    found = []
    code = person.kommune.code if person.kommune else None
    for hearing in hearings:
        result = result_of(s, hearing)  # the stored record
        line = result.line(code) if code is not None else None
        own = "intet svar"
        if line is not None and line.answer is not None:
            own = f"«{line.answer.label}»" if line.answer.label else "svar indsendt"
            if line.status == "late":
                own += " (efter fristen)"
        assert hearing.closed_at is not None
        found.append(ClosedHearing(hearing.id, hearing.title, hearing.closed_at, result.summary, own))
    return found


def meetings_ahead(rt: Runtime, s: Session, person: Person, *, now: datetime) -> list[MeetingAhead]:
    """Meetings within the horizon of the bodies the director sits in."""
    horizon = now + timedelta(days=rt.settings.status_meeting_horizon_days)
    bodies = select(BodyMember.body_id).where(BodyMember.person_id == person.id)
    meetings = s.scalars(select(Meeting).where(Meeting.body_id.in_(bodies), Meeting.starts_at > now,
                                               Meeting.starts_at <= horizon)
                         .order_by(Meeting.starts_at, Meeting.id))
    template = rt.settings.agenda_url
    return [MeetingAhead(m.id, m.body.name, m.starts_at, m.place, m.agenda_sent_at,
                         template.format(meeting=m.id) if template and m.agenda_sent_at else None)
            for m in meetings]


def open_followups(s: Session, person: Person, *, now: datetime) -> list[OpenFollowup]:
    """Open follow-ups whose "who" names the director (name or address) or their kommune."""
    today = local(now).date()
    found = []
    for f in s.scalars(select(Followup).where(Followup.status == "open").order_by(Followup.id)):
        if assigned_to(f.who, person):
            found.append(OpenFollowup(f.id, f.what, f.who, f.item.title, f.due_date,
                                      f.due_date is not None and f.due_date < today))
    return found


def assigned_to(who: str, person: Person) -> bool:
    wanted = who.strip().casefold()
    if wanted in (person.email.casefold(), person.name.casefold()):
        return True
    kommune = person.kommune
    return kommune is not None and normalise(who) in name_keys(kommune.name, kommune.code)
