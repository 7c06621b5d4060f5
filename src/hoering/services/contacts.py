"""Taking answer links back: revoke a contact's links, or reissue one (a new link, mailed).

A link is revoked by setting ``answer_token.revoked_at``; the answer page then treats it like an
unknown link (404), and reminders and results skip it. Reissuing revokes the contact's links in
one hearing and mails a new one (``hoering contact reissue``), for a link that was forwarded
or leaked. Both are written to the audit log. ``load_registry`` calls :func:`revoke_links` for
people it deactivates (no longer in the registry file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.db.links import revoke_tokens
from hoering.db.lookup import get_hearing
from hoering.db.models import AnswerToken, HearingRecipient, Kommune, Person, UndeliverableContact
from hoering.errors import NotFoundError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.outgoing import hearings as notices
from hoering.tokens import derive_token, new_nonce, token_hash


@dataclass(frozen=True)
class Revoked:
    email: str
    links: int
    hearings: tuple[int, ...]


@dataclass(frozen=True)
class HearingLink:
    """A contact's answer link in one hearing, as the hearing's page lists it."""

    kommune: str
    email: str
    name: str
    role: str
    revoked_at: datetime | None  # None: the link works
    active: bool  # still in the registry
    undeliverable: bool  # mail to the address came back


def links_in_hearing(rt: Runtime, hearing_id: int) -> list[HearingLink]:
    """Every contact with an answer link in the hearing: one line per contact (the newest link
    tells whether it works), by kommune and role."""
    with rt.db.read() as s:
        get_hearing(s, hearing_id)
        rows = s.execute(
            select(AnswerToken, Person, Kommune.name)
            .join(Person, Person.id == AnswerToken.person_id)
            .join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
            .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
            .where(HearingRecipient.hearing_id == hearing_id)
            .order_by(AnswerToken.id)).tuples().all()
        bounced = set(s.scalars(select(UndeliverableContact.person_id)))
        newest: dict[int, HearingLink] = {}
        for token, person, kommune in rows:
            newest[person.id] = HearingLink(kommune, person.email, person.name, person.role, token.revoked_at,
                                            person.active, person.id in bounced)
        return sorted(newest.values(), key=lambda ln: (ln.kommune, ln.role, ln.email))


def find_person(s: Session, email: str) -> Person:
    person = s.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None:
        person = s.scalar(select(Person).where(Person.email == email.strip()))
    if person is None:
        raise NotFoundError(f"der er ingen kontakt med adressen {email.strip()!r} i registret")
    return person


def revoke_links(rt: Runtime, s: Session, person: Person, *, hearing_id: int | None = None,
                 actor: str = SECRETARIAT, why: str = "revoked") -> list[AnswerToken]:
    """Revoke ``person``'s live links (in one hearing, or in all), in the caller's transaction."""
    now = rt.now()
    tokens = revoke_tokens(s, person.id, now=now, hearing_id=hearing_id)
    if tokens:
        hearings = sorted({t.recipient.hearing_id for t in tokens})
        audit.record(s, at=now, actor=actor, action="contact.links_revoked", entity="person",
                     entity_id=person.id, hearing_id=hearing_id, links=len(tokens), hearings=hearings,
                     why=why, contact=person.email)
    return tokens


def revoke_contact(rt: Runtime, email: str, *, hearing_id: int | None = None,
                   actor: str = SECRETARIAT) -> Revoked:
    """``hoering contact revoke EMAIL [--hearing ID]``."""
    with rt.db.transaction() as s:
        person = find_person(s, email)
        if hearing_id is not None:
            get_hearing(s, hearing_id)
        tokens = revoke_links(rt, s, person, hearing_id=hearing_id, actor=actor)
        return Revoked(person.email, len(tokens), tuple(sorted({t.recipient.hearing_id for t in tokens})))


def reissue_link(rt: Runtime, email: str, *, hearing_id: int, actor: str = SECRETARIAT) -> int:
    """``hoering contact reissue EMAIL --hearing ID``: the contact's links in the hearing are
    revoked and a new one is mailed (queued in the outbox). Returns the outbox rows queued."""
    with rt.db.transaction() as s:
        person = find_person(s, email)
        hearing = get_hearing(s, hearing_id, lock=True)
        if hearing.status != "open":
            raise RuleViolation(f"høring {hearing_id} er lukket; der kan ikke sendes nye svarlinks")
        if not person.active:
            raise RuleViolation(f"{person.email} er ikke længere i registret; der sendes ikke et nyt svarlink")
        recipient = s.scalar(select(HearingRecipient).where(HearingRecipient.hearing_id == hearing.id,
                                                            HearingRecipient.kommune_id == person.kommune_id))
        had = s.scalar(select(AnswerToken.id).join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
                       .where(AnswerToken.person_id == person.id, HearingRecipient.hearing_id == hearing.id)
                       .limit(1))
        if recipient is None or had is None:
            raise NotFoundError(f"{person.email} har intet svarlink i høring {hearing_id}")
        revoke_links(rt, s, person, hearing_id=hearing.id, actor=actor, why="reissued")
        nonce = new_nonce()
        token = AnswerToken(recipient_id=recipient.id, person_id=person.id, nonce=nonce,
                            token_hash=token_hash(derive_token(rt.secret, nonce)))
        s.add(token)
        s.flush()
        queued = notices.queue_new_link(rt, s, hearing, recipient.kommune, token)
        audit.record(s, at=rt.now(), actor=actor, action="contact.link_reissued", entity="person",
                     entity_id=person.id, hearing_id=hearing.id, token=token.id, contact=person.email)
        return queued
