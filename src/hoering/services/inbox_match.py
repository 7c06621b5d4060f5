"""Which hearing and which kommune a received message belongs to, and whether it can be believed.

Matching order: the reply address's key (it names a contact's answer link); else the VERP key of
the bounce address (auto-replies go to the envelope sender; it names our outbox row); else
``In-Reply-To`` / ``References`` against the Message-IDs of our outbox; else a known contact's
address plus a hearing's title in the subject. Only one answer is accepted: two hearings whose
titles both fit leave the message unmatched (the review queue sees it).

Matching places a message; it does not make it believable. A From line can be written by anyone,
so a message is *verified* (``Match.doubt`` is None) only when it proves which contact's mail it
answers — that contact's live reply key, or our outbox row to that contact (VERP key or thread)
with the contact's link in that hearing still live — *and* it comes from that very contact, with
one From and no differing Sender, and (where our receiving server stamps Authentication-Results)
DMARC or DKIM passed for the sender's domain. Revoked links and inactive contacts prove nothing.
Anything less goes to review with ``doubt`` as the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.models import AnswerToken, Hearing, HearingRecipient, Kommune, OutboxMessage, Person
from hoering.inbox.authenticity import authentication, sender_problem
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
    via: str = ""                     # reply_key | verp | thread | subject
    same_domain: bool = False         # sender unknown, but at the kommune's domain
    ambiguous: bool = False           # several hearings fit the subject
    doubt: str | None = None          # why the message is not verified (Danish); None: verified
    header_doubt: bool = False        # the doubt is in the header itself (two senders, Sender)

    @property
    def sender_is_contact(self) -> bool:
        return self.sender is not None and self.kommune is not None and self.sender.kommune_id == self.kommune.id


def clean_subject(subject: str) -> str:
    return " ".join(SUBJECT_PREFIX.sub("", subject).split()).casefold()


def find_person(s: Session, address: str) -> Person | None:
    return s.scalar(select(Person).where(Person.email == address.lower())) if address else None


def match_message(rt: Runtime, s: Session, msg: Incoming) -> Match:
    found = Match(sender=find_person(s, msg.from_addr))
    proof: AnswerToken | None = None  # the live answer link the message proves it answers
    revoked = False
    token_id = find_key(rt.settings.reply_address, rt.secret, "r", msg.to_addrs)
    token = s.get(AnswerToken, token_id) if token_id is not None else None
    outbox_id = find_key(rt.settings.bounce_address, rt.secret, "o", msg.to_addrs)
    ours = s.get(OutboxMessage, outbox_id) if outbox_id is not None else None
    if token is not None:
        found.hearing, found.kommune = token.recipient.hearing, token.recipient.kommune
        found.asked, found.via = token.person, "reply_key"
        proof, revoked = (None, True) if token.revoked_at is not None else (token, False)
    else:
        row, via = (ours, "verp") if ours is not None else (_our_message(s, msg.thread_ids), "thread")
        if row is not None and row.hearing_id is not None and row.kommune_id is not None:
            found.hearing, found.kommune = s.get(Hearing, row.hearing_id), s.get(Kommune, row.kommune_id)
            found.asked = s.get(Person, row.person_id) if row.person_id else None
            found.via = via
            proof = _live_link(s, row)
            revoked = proof is None and found.asked is not None
        elif found.sender is not None and found.sender.kommune_id is not None:
            hearings = _by_subject(s, found.sender.kommune_id, msg.subject)
            if len(hearings) == 1:
                found.hearing, found.kommune, found.via = hearings[0], found.sender.kommune, "subject"
                found.asked = found.sender
            found.ambiguous = len(hearings) > 1
    if found.kommune is not None and found.sender is None:
        found.same_domain = _domain(msg.from_addr) in kommune_domains(found.kommune)
    found.doubt = sender_problem(msg)
    found.header_doubt = found.doubt is not None
    found.doubt = found.doubt or _doubt(rt, msg, found, proof, revoked=revoked)
    return found


def _live_link(s: Session, row: OutboxMessage) -> AnswerToken | None:
    """The live answer link, in the row's hearing, of the contact the row went to."""
    if row.person_id is None or row.hearing_id is None:
        return None
    return s.scalar(select(AnswerToken).join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
                    .where(HearingRecipient.hearing_id == row.hearing_id, AnswerToken.person_id == row.person_id,
                           AnswerToken.revoked_at.is_(None)).order_by(AnswerToken.id.desc()).limit(1))


def _doubt(rt: Runtime, msg: Incoming, found: Match, proof: AnswerToken | None, *, revoked: bool) -> str | None:
    """Why ``msg`` cannot be believed to come from the contact it answers for; None when it can."""
    if revoked:
        return "svarnøglen eller svarlinket, mailen henviser til, er tilbagekaldt"
    if proof is None:
        return ("mailen har hverken kontaktens svarnøgle eller tråd til kontaktens invitation, "
                "så afsenderen kan ikke bekræftes")
    if found.sender is None or found.sender.id != proof.person_id:
        return (f"mailen kom fra {msg.from_addr}, men svarnøglen/tråden hører til {proof.person.email}")
    if not found.sender.active:
        return f"kontakten {found.sender.email} er ikke længere aktiv"
    return authentication(msg, rt.settings.inbox_authserv_id).problem


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
