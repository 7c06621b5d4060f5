"""Which hearing and which kommune a received message belongs to.

Matching order (the issue's): the reply address's key (it names a contact's answer link); else
``In-Reply-To`` / ``References`` against the Message-IDs of our outbox; else a known contact's
address plus a hearing's title in the subject. Only one answer is accepted: two hearings whose
titles both fit leave the message unmatched (the review queue sees it).

The sender is then placed: a contact of the matched kommune (any role: the deputy may answer the
director's mail), an unknown address at the kommune's own domain (a forward to a colleague:
matched, but for review), or someone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.models import AnswerToken, Hearing, HearingRecipient, Kommune, OutboxMessage, Person
from hoering.inbox.parse import Incoming
from hoering.runtime import Runtime
from hoering.tokens import find_key

SUBJECT_PREFIX = re.compile(r"^\s*((sv|re|vs|fw|fwd|aw|wg|tr|videresend|besvar)\s*:\s*|\[[^\]]*\]\s*)+",
                            re.IGNORECASE)


@dataclass
class Match:
    hearing: Hearing | None = None
    kommune: Kommune | None = None
    asked: Person | None = None       # the contact our mail went to
    sender: Person | None = None      # the sender, when a known person
    via: str = ""                     # reply_key | thread | subject
    same_domain: bool = False         # sender unknown, but at the kommune's domain
    ambiguous: bool = False           # several hearings fit the subject

    @property
    def sender_is_contact(self) -> bool:
        return self.sender is not None and self.kommune is not None and self.sender.kommune_id == self.kommune.id


def clean_subject(subject: str) -> str:
    return " ".join(SUBJECT_PREFIX.sub("", subject).split()).casefold()


def find_person(s: Session, address: str) -> Person | None:
    return s.scalar(select(Person).where(Person.email == address.lower())) if address else None


def match_message(rt: Runtime, s: Session, msg: Incoming) -> Match:
    found = Match(sender=find_person(s, msg.from_addr))
    token_id = find_key(rt.settings.reply_address, rt.secret, "r", msg.to_addrs)
    token = s.get(AnswerToken, token_id) if token_id is not None else None
    if token is not None:
        found.hearing, found.kommune = token.recipient.hearing, token.recipient.kommune
        found.asked, found.via = token.person, "reply_key"
    else:
        row = _our_message(s, msg.thread_ids)
        if row is not None and row.hearing_id is not None and row.kommune_id is not None:
            found.hearing, found.kommune = s.get(Hearing, row.hearing_id), s.get(Kommune, row.kommune_id)
            found.asked = s.get(Person, row.person_id) if row.person_id else None
            found.via = "thread"
        elif found.sender is not None and found.sender.kommune_id is not None:
            hearings = _by_subject(s, found.sender.kommune_id, msg.subject)
            if len(hearings) == 1:
                found.hearing, found.kommune, found.via = hearings[0], found.sender.kommune, "subject"
                found.asked = found.sender
            found.ambiguous = len(hearings) > 1
    if found.kommune is not None and found.sender is None:
        found.same_domain = _domain(msg.from_addr) in kommune_domains(found.kommune)
    return found


def _our_message(s: Session, ids: tuple[str, ...]) -> OutboxMessage | None:
    for mid in ids:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.message_id == mid))
        if row is not None:
            return row
    return None


def _by_subject(s: Session, kommune_id: int, subject: str) -> list[Hearing]:
    wanted = clean_subject(subject)
    if not wanted:
        return []
    hearings = s.scalars(select(Hearing).join(HearingRecipient, HearingRecipient.hearing_id == Hearing.id)
                         .where(HearingRecipient.kommune_id == kommune_id).order_by(Hearing.id)).all()
    fitting = [h for h in hearings if " ".join(h.title.split()).casefold() in wanted]
    open_ = [h for h in fitting if h.status == "open"]
    return open_ or fitting[-1:]


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def kommune_domains(kommune: Kommune) -> set[str]:
    return {_domain(p.email) for p in kommune.contacts if "@" in p.email}
