"""What an action that mails people will send, shown before it is taken: the console asks
«Ja, send» once, with how many mails go to whom. Each list comes from the rule the action itself
follows (the invited contacts of ``hearing_checks``, the contacts a hearing's mails reach, the
body's active members), so the page and the outbox agree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from hoering.db.inbox import UndeliverableContact
from hoering.db.lookup import get_hearing, get_meeting
from hoering.db.models import Kommune
from hoering.runtime import Runtime
from hoering.services import drafts
from hoering.services.hearing_checks import invited_contacts
from hoering.services.outgoing.hearings import contacts_reached
from hoering.services.outgoing.meetings import members
from hoering.views.record import live_tally


@dataclass(frozen=True)
class Addressee:
    group: str  # the kommune, or the body
    name: str
    email: str


def invitations_of_draft(rt: Runtime, draft_id: int) -> list[Addressee]:
    """The invitations opening the draft would send (one per invited contact)."""
    checked = drafts.check_hearing(rt, drafts.get_draft(rt, draft_id).data)
    codes = [code for code, _ in checked.recipients]
    with rt.db.read() as s:
        bounced = set(s.scalars(select(UndeliverableContact.person_id)))
        parties = s.scalars(select(Kommune).where(Kommune.code.in_(codes)).order_by(Kommune.code))
        return [Addressee(party.name, p.name, p.email) for party in parties
                for p in invited_contacts(party, checked.definition) if p.id not in bounced]


def reminders_now(rt: Runtime, hearing_id: int) -> list[Addressee]:
    """The reminders «Send påmindelse nu» would send: every contact of the kommuner that have not answered."""
    with rt.db.read() as s:
        hearing = get_hearing(s, hearing_id)
        silent = set(live_tally(s, hearing).silent)
        return [Addressee(k.name, t.person.name, t.person.email)
                for k, t in contacts_reached(s, hearing, only_silent=silent)]


def agenda_recipients(rt: Runtime, meeting_id: int) -> list[Addressee]:
    """The members the agenda goes to."""
    with rt.db.read() as s:
        meeting = get_meeting(s, meeting_id)
        return [Addressee(meeting.body.name, p.name, p.email) for p in members(meeting.body)]
