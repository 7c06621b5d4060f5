"""What is done about one received message, inside the transaction that marks it processed.

- a reply matched to an open hearing, from a contact of the kommune, read as exactly one option
  → the answer is recorded (channel ``mail``) through ``services.answers``; anything less sure →
  the review queue, with the reason in Danish;
- an auto-reply from a contact of a kommune that has not answered → the kommune's contacts who
  were not asked get the invitation (once: the outbox key), and a return date is read;
- a permanent bounce → the outbox row ``bounced``, the contact undeliverable, the other contacts
  asked as above; the secretariat hears of it in one mail per run (``report_bounces``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.lookup import find_recipient
from hoering.db.models import (
    Answer,
    AnswerFile,
    AnswerToken,
    Hearing,
    InboxMessage,
    Kommune,
    OutboxMessage,
    Person,
    UndeliverableContact,
)
from hoering.db.tallying import definition_of
from hoering.docstore import store_document
from hoering.domain.filetypes import ANSWER_TYPES, ANSWER_TYPES_DA
from hoering.domain.hearing import ContactRole
from hoering.errors import FileRefused, HoeringError
from hoering.inbox.classify import Reason, is_auto_reply, looks_like_bounce, read_bounce
from hoering.inbox.parse import Incoming
from hoering.inbox.read_answer import Choice, read_answer
from hoering.inbox.reply_text import reply_text
from hoering.inbox.return_date import return_date
from hoering.runtime import Runtime
from hoering.services.answers import MAX_COMMENT, record_answer_in
from hoering.services.inbox_match import Match, match_message
from hoering.services.outgoing import hearings as notices
from hoering.services.outgoing.inbox import queue_bounce_report
from hoering.tokens import derive_token, find_key, new_nonce, token_hash

ACTOR = "indbakke"
CONTACT_ROLES: tuple[ContactRole, ...] = ("direktoer", "stedfortraeder")


def act_on(rt: Runtime, s: Session, row: InboxMessage, msg: Incoming) -> None:
    if msg.message_id and s.scalar(select(InboxMessage.id).where(
            InboxMessage.message_id == msg.message_id, InboxMessage.id < row.id)) is not None:
        _finish(row, Reason.DUPLICATE, "done", note="samme Message-ID er læst før")
        return
    if looks_like_bounce(msg):
        _bounce(rt, s, row, msg)
        return
    match = match_message(rt, s, msg)
    _place(row, match)
    if is_auto_reply(msg):
        _auto_reply(rt, s, row, msg, match)
        return
    _reply(rt, s, row, msg, match)


def _place(row: InboxMessage, match: Match) -> None:
    row.hearing_id = match.hearing.id if match.hearing else None
    row.kommune_id = match.kommune.id if match.kommune else None
    row.person_id = match.sender.id if match.sender else None
    row.detail = {**row.detail, "matched_by": match.via or None}


def _finish(row: InboxMessage, reason: Reason, status: str, *, note: str | None = None, **detail: Any) -> None:
    row.reason, row.status, row.note = reason.value, status, note
    row.detail = {**row.detail, **detail}


# -- replies ------------------------------------------------------------------------------------


def _reply(rt: Runtime, s: Session, row: InboxMessage, msg: Incoming, match: Match) -> None:
    if match.hearing is None or match.kommune is None:
        if match.sender is None:
            _finish(row, Reason.UNKNOWN_SENDER, "done", note="ukendt afsender; ingen høring fundet")
        else:
            note = ("emnet passer på flere høringer" if match.ambiguous
                    else "fra en kendt kontakt, men ingen høring fundet")
            _finish(row, Reason.UNRELATED, "review", note=note)
        return
    text = reply_text(msg.body)
    row.detail = {**row.detail, "text": text[:MAX_COMMENT]}
    if match.hearing.status != "open":
        _finish(row, Reason.HEARING_CLOSED, "review", note="høringen er lukket; genåbn den for at registrere svaret")
        return
    if match.header_doubt or (match.doubt is not None and match.sender_is_contact):
        _finish(row, Reason.REPLY, "review", note=f"afsenderen er ikke bekræftet: {match.doubt}", unverified=True)
        row.option = _suggest(match.hearing, text)
        return
    if not match.sender_is_contact:
        note = (f"videresendt: afsenderen er ikke kontakt, men fra {match.kommune.display_name}s domæne"
                if match.same_domain else "afsenderen er ikke kontakt for kommunen")
        reason = Reason.REPLY if match.same_domain else Reason.UNKNOWN_SENDER
        _finish(row, reason, "review", note=note)
        row.option = _suggest(match.hearing, text)
        return
    definition = definition_of(match.hearing)
    if definition.kind == "submission":
        _record(rt, s, row, msg, match, option=None, text=text, comment=None) if text else \
            _finish(row, Reason.REPLY, "review", note="svaret er tomt (kun citat eller signatur)")
        return
    choices = [Choice(o.key, o.label, tuple(o.synonyms)) for o in definition.answer_options]
    reading = read_answer(text, choices, kind=definition.kind)
    if reading.option is None:
        _finish(row, Reason.REPLY, "review", note=reading.problem, found=list(reading.found))
        return
    plain = read_answer(reply_text(msg.plain), choices, kind=definition.kind) if msg.plain is not None else None
    if plain is not None and plain.found and set(plain.found) != set(reading.found):
        _finish(row, Reason.REPLY, "review", found=list(reading.found), plain_found=list(plain.found),
                note=("mailens tekst- og HTML-del nævner forskellige svarmuligheder (tekstdelen: "
                      f"{', '.join(plain.found)}; den viste HTML-del: {', '.join(reading.found)})"))
        return
    _record(rt, s, row, msg, match, option=reading.option, text=None, comment=_comment(text))


def _suggest(hearing: Hearing, text: str) -> str | None:
    d = definition_of(hearing)
    if d.kind == "submission":
        return None
    choices = [Choice(o.key, o.label, tuple(o.synonyms)) for o in d.answer_options]
    return read_answer(text, choices, kind=d.kind).option


def _comment(text: str) -> str | None:
    text = text.strip()
    return text[:MAX_COMMENT] if text else None


def _record(rt: Runtime, s: Session, row: InboxMessage, msg: Incoming, match: Match, *, option: str | None,
            text: str | None, comment: str | None) -> None:
    assert match.hearing is not None and match.kommune is not None and match.sender is not None
    try:
        with s.begin_nested():
            recorded = record_answer_in(
                rt, s, hearing_id=match.hearing.id, kommune_id=match.kommune.id, option=option, text=text,
                comment=comment, channel="mail", person_id=match.sender.id, answered_by=match.sender.name)
    except HoeringError as exc:
        _finish(row, Reason.REPLY, "review", note=f"kunne ikke registreres: {exc}")
        return
    row.answer_id, row.option = recorded.answer_id, option
    kept, refused = keep_attachments(rt, s, recorded.answer_id, msg)
    _finish(row, Reason.REPLY, "recorded", version=recorded.version, late=recorded.late,
            attachments=kept, refused_attachments=refused)


def keep_attachments(rt: Runtime, s: Session, answer_id: int, msg: Incoming) -> tuple[list[str], list[str]]:
    """A reply's attachments as the answer's documents (the document store checks type and size,
    as for an upload on the answer page); refused ones stay in the stored raw message and are
    named, with the reason, on the inbox message."""
    kept: list[str] = []
    refused: list[str] = []
    for attachment in msg.attachments:
        try:
            with s.begin_nested():
                doc = store_document(s, attachment.content, attachment.filename, allowed=ANSWER_TYPES,
                                     allowed_da=ANSWER_TYPES_DA, max_bytes=rt.settings.max_upload_bytes,
                                     now=rt.now())
                s.add(AnswerFile(answer_id=answer_id, position=len(kept) + 1, filename=attachment.filename[:255],
                                 document_id=doc.id))
                s.flush()
            kept.append(attachment.filename)
        except FileRefused as exc:
            refused.append(f"{attachment.filename}: {exc.message}")
    return kept, refused


# -- auto-replies ---------------------------------------------------------------------------------


def _auto_reply(rt: Runtime, s: Session, row: InboxMessage, msg: Incoming, match: Match) -> None:
    back = return_date(msg.body + "\n" + msg.subject, received=rt.now().date())
    detail: dict[str, Any] = {"return_date": back.isoformat() if back else None, "asked": []}
    person = match.sender
    if person is None or person.kommune_id is None:
        _finish(row, Reason.AUTO_REPLY, "done", note="autosvar fra en ukendt afsender", **detail)
        return
    if match.doubt is not None:
        row.kommune_id = person.kommune_id
        _finish(row, Reason.AUTO_REPLY, "review", unverified=True, **detail,
                note=f"autosvar, men afsenderen er ikke bekræftet: {match.doubt}; ingen anden kontakt er spurgt")
        return
    if match.hearing is not None:  # verified: the reply key or our mail names the hearing
        asked = ask_other_contacts(rt, s, match.hearing, person, why="autosvar")
        detail["asked"] += [{"hearing": match.hearing.id, "person": p.email} for p in asked]
    row.kommune_id = person.kommune_id
    note = "autosvar" + (f"; tilbage {back.isoformat()}" if back else "")
    if detail["asked"]:
        note += "; spurgt: " + ", ".join(a["person"] for a in detail["asked"])
    _finish(row, Reason.AUTO_REPLY, "done", note=note, **detail)


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


# -- bounces --------------------------------------------------------------------------------------


def _bounce(rt: Runtime, s: Session, row: InboxMessage, msg: Incoming) -> None:
    bounce = read_bounce(msg)
    outbox_id = find_key(rt.settings.bounce_address, rt.secret, "o", msg.to_addrs)
    detail: dict[str, Any] = {"permanent": list(bounce.permanent), "temporary": list(bounce.temporary),
                              "asked": [], "rows": []}
    rows: list[OutboxMessage] = []
    if outbox_id is not None and (verp := s.get(OutboxMessage, outbox_id)) is not None:
        rows.append(verp)
    for mid in bounce.original_message_ids:
        rows += [r for r in s.scalars(select(OutboxMessage).where(OutboxMessage.message_id == mid)) if r not in rows]
    if not rows:
        for address in bounce.permanent or bounce.temporary:
            last = s.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == address)
                            .order_by(OutboxMessage.id.desc()).limit(1))
            if last is not None and last not in rows:
                rows.append(last)
    permanent = bool(bounce.permanent)
    for out in rows:
        detail["rows"].append(out.id)
        if not permanent:
            continue
        out.status = "bounced"
        out.last_error = f"returneret: {', '.join(bounce.permanent)}"
        row.hearing_id = row.hearing_id or out.hearing_id
        row.kommune_id = row.kommune_id or out.kommune_id
        person = s.get(Person, out.person_id) if out.person_id else None
        if person is None:
            continue
        if s.get(UndeliverableContact, person.id) is None:
            s.add(UndeliverableContact(person_id=person.id, address=person.email, since=rt.now(),
                                       inbox_message_id=row.id, status=", ".join(bounce.permanent)))
        hearing = s.get(Hearing, out.hearing_id) if out.hearing_id else None
        if hearing is not None:
            asked = ask_other_contacts(rt, s, hearing, person, why="returneret post")
            detail["asked"] += [{"hearing": hearing.id, "person": p.email} for p in asked]
        audit.record(s, at=rt.now(), actor=ACTOR, action="outbox.bounced", entity="outbox", entity_id=out.id,
                     hearing_id=out.hearing_id, to=out.to_addr, inbox_message=row.id)
    if not (bounce.permanent or bounce.temporary):
        note = "returneret post, men modtageren kunne ikke læses"
        _finish(row, Reason.BOUNCE, "review", note=note, **detail)
        return
    kind = "permanent" if permanent else "midlertidig"
    note = f"{kind} fejl: {', '.join(bounce.permanent or bounce.temporary)}"
    if not rows:
        note += " (ingen af vores mails fundet)"
    _finish(row, Reason.BOUNCE, "done", note=note, **detail)
    if not permanent:
        row.reported_at = rt.now()  # temporary: counted and shown, not mailed


def report_bounces(rt: Runtime) -> int:
    """One mail to the secretariat about the permanent bounces not reported yet (0 or 1 queued)."""
    with rt.db.transaction() as s:
        rows = list(s.scalars(select(InboxMessage).where(
            InboxMessage.reason == Reason.BOUNCE.value, InboxMessage.reported_at.is_(None),
            InboxMessage.status != "new").order_by(InboxMessage.id)))
        if not rows:
            return 0
        items = []
        for r in rows:
            hearing = s.get(Hearing, r.hearing_id) if r.hearing_id else None
            kommune = s.get(Kommune, r.kommune_id) if r.kommune_id else None
            items.append({"addresses": ", ".join(r.detail.get("permanent") or []) or "ukendt",
                          "hearing": hearing.title if hearing else None,
                          "kommune": kommune.display_name if kommune else None,
                          "asked": ", ".join(a["person"] for a in r.detail.get("asked", [])),
                          "id": r.id})
            r.reported_at = rt.now()
        key = f"inbox:bounces:{rows[0].id}-{rows[-1].id}:{len(rows)}"
        queued = queue_bounce_report(rt, s, items, key=key)
        audit.record(s, at=rt.now(), actor=ACTOR, action="inbox.bounces_reported", entity="inbox_message",
                     entity_id=rows[-1].id, messages=[r.id for r in rows])
        return queued
