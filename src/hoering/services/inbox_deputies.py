"""Asking a kommune's other contacts when the one we asked cannot answer (away, or the address
bounced): they get the invitation, once — a contact with an answer link in the hearing is never
asked again, and nobody is asked once the kommune has answered."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.lookup import find_recipient
from hoering.db.models import Answer, AnswerToken, Hearing, Kommune, Person, UndeliverableContact
from hoering.domain.hearing import ContactRole
from hoering.runtime import Runtime
from hoering.services.outgoing import hearings as notices
from hoering.tokens import derive_token, new_nonce, token_hash

ACTOR = "indbakke"
CONTACT_ROLES: tuple[ContactRole, ...] = ("direktoer", "stedfortraeder")


def undeliverable_ids(s: Session) -> set[int]:
    return set(s.scalars(select(UndeliverableContact.person_id)))


def ask_other_contacts(rt: Runtime, s: Session, hearing: Hearing, instead_of: Person, *, why: str) -> list[Person]:
    """Invite the kommune's contacts who were not asked, when the kommune has not answered.

    Once: a contact who has an answer link in the hearing already is not asked again, and the
    invitation's outbox key is the one ``open_hearing`` would have used."""
    if hearing.status != "open" or instead_of.kommune_id is None:
        return []
    recipient = find_recipient(s, hearing, instead_of.kommune_id)
    if recipient is None or s.scalar(select(func.count()).select_from(Answer).where(
            Answer.recipient_id == recipient.id)):
        return []
    has_link = {t.person_id for t in recipient.tokens}
    skip = undeliverable_ids(s)
    kommune = s.get(Kommune, instead_of.kommune_id)
    assert kommune is not None
    asked = []
    for person in kommune.contacts:
        if person.active and person.role in CONTACT_ROLES and person.id not in has_link and person.id not in skip:
            nonce = new_nonce()
            s.add(AnswerToken(recipient_id=recipient.id, person_id=person.id, nonce=nonce,
                              token_hash=token_hash(derive_token(rt.secret, nonce))))
            asked.append(person)
    if asked:
        s.flush()
        s.refresh(recipient)
        notices.queue_invitations(rt, s, hearing)  # idempotent: only the new contacts' keys are new
        audit.record(s, at=rt.now(), actor=ACTOR, action="inbox.asked_other_contact", entity="hearing",
                     entity_id=hearing.id, hearing_id=hearing.id, kommune=kommune.code,
                     instead_of=instead_of.email, asked=[p.email for p in asked], why=why)
    return asked
