"""The chair approves the minutes: from the personal link in the draft-minutes mail, or as the
``formand`` role in the console. Both end in ``meetings.approve_minutes`` (who and when are
recorded, the minutes say so, and attendance and decisions are locked from then on). Either way
it is the chair of the meeting's body in the registry: a console account with the ``formand`` role
approves only the minutes of a body whose chair has the account's e-mail address.

The link names the meeting and the person and carries ``tokens.approval_token`` (an HMAC with
the secret, never stored; the mail is queued with a placeholder for it, ``mail.links``): it works
only for a person who is the chair of the meeting's body now, and only until the minutes are
approved.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hoering.danish import format_date, format_datetime
from hoering.db.lookup import get_meeting
from hoering.db.models import Meeting, Person
from hoering.errors import NotAllowedError, NotFoundError
from hoering.runtime import Runtime
from hoering.services.meetings import approve_minutes
from hoering.tokens import approval_token, looks_like_token


@dataclass(frozen=True)
class ApprovalPage:
    """What the chair sees behind the link."""

    meeting_id: int
    body: str
    date_da: str
    chair: str
    approved: str | None  # "af … den …" once approved
    ended: bool  # minutes are approved after the meeting


def _chair(meeting: Meeting, *, person_id: int | None = None, email: str | None = None) -> Person | None:
    """The chair of the meeting's body (an active ``formand`` member) with this id or address."""
    for m in meeting.body.members:
        if m.position != "formand" or not m.person.active:
            continue
        if m.person.id == person_id or (email is not None and m.person.email == email.strip().lower()):
            return m.person
    return None


def _checked(rt: Runtime, s: Session, meeting_id: int, person_id: int, token: str) -> tuple[Meeting, Person]:
    """The meeting and its chair, or NotFoundError for any link that is not a chair's own."""
    if not looks_like_token(token) or not hmac.compare_digest(token, approval_token(rt.secret, meeting_id, person_id)):
        raise NotFoundError("no such approval link")
    meeting = get_meeting(s, meeting_id)
    chair = _chair(meeting, person_id=person_id)
    if chair is None or meeting.cancelled_at is not None:
        raise NotFoundError("no such approval link")
    return meeting, chair


def approval_page(rt: Runtime, meeting_id: int, person_id: int, token: str) -> ApprovalPage:
    with rt.db.read() as s:
        meeting, chair = _checked(rt, s, meeting_id, person_id, token)
        approved = None
        if meeting.minutes_approved_at is not None:
            approved = f"af {meeting.minutes_approved_by} {format_datetime(meeting.minutes_approved_at)}"
        return ApprovalPage(meeting_id=meeting.id, body=meeting.body.long_name or meeting.body.name,
                            date_da=format_date(meeting.starts_at), chair=chair.name, approved=approved,
                            ended=rt.now() >= meeting.ends_at)


def approve_as_chair(rt: Runtime, meeting_id: int, *, email: str | None, name: str) -> None:
    """Approve in the console as a ``formand`` account: only the chair of the meeting's body (by
    e-mail address) may (``NotAllowedError`` otherwise; ``RuleViolation`` as ``approve_minutes``)."""
    with rt.db.read() as s:
        meeting = get_meeting(s, meeting_id)
        if _chair(meeting, email=email) is None:
            raise NotAllowedError(f"Kun formanden for {meeting.body.name} kan godkende referatet.")
    approve_minutes(rt, meeting_id, by=f"{name} (formand)")


def approve_by_link(rt: Runtime, meeting_id: int, person_id: int, token: str) -> None:
    """Approve as the chair the link was made for (``RuleViolation`` as ``approve_minutes``)."""
    with rt.db.read() as s:
        _, chair = _checked(rt, s, meeting_id, person_id, token)
        by = f"{chair.name} (formand)"
    approve_minutes(rt, meeting_id, by=by)
