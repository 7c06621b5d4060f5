"""What is done about one received message, inside the transaction that marks it processed.

- a verified reply (``services.inbox_match``) to an open hearing, read as exactly one option in
  what the reader sees → the answer is recorded (channel ``mail``) through ``services.answers``;
  anything less sure → the review queue, with the reason in Danish;
- a verified auto-reply from a contact of a kommune that has not answered → the kommune's
  contacts who were not asked get the invitation (``services.inbox_deputies``), and a return
  date is read; an unverified one → review, nobody asked;
- a delivery report → ``services.inbox_bounces`` (acted on only at its message's VERP address).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.models import (
    Hearing,
    InboxMessage,
)
from hoering.db.tallying import definition_of
from hoering.domain.hearing import ContactRole
from hoering.errors import HoeringError
from hoering.inbox.classify import Reason, is_auto_reply, is_bounce
from hoering.inbox.parse import Incoming
from hoering.inbox.read_answer import Choice, read_answer
from hoering.inbox.reply_text import reply_text
from hoering.inbox.return_date import return_date
from hoering.runtime import Runtime
from hoering.services.answers import MAX_COMMENT, GivenFile, record_answer_in
from hoering.services.inbox_bounces import act_on_bounce
from hoering.services.inbox_deputies import ask_other_contacts
from hoering.services.inbox_match import Match, match_message

ACTOR = "indbakke"
CONTACT_ROLES: tuple[ContactRole, ...] = ("direktoer", "stedfortraeder")


def act_on(rt: Runtime, s: Session, row: InboxMessage, msg: Incoming) -> None:
    if msg.message_id and s.scalar(select(InboxMessage.id).where(
            InboxMessage.message_id == msg.message_id, InboxMessage.id < row.id)) is not None:
        _finish(row, Reason.DUPLICATE, "done", note="samme Message-ID er læst før")
        return
    if is_bounce(msg):
        act_on_bounce(rt, s, row, msg)
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
        _record(rt, s, row, msg, match, option=None, text=text, comment=None) if text or msg.attachments else \
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
                comment=comment, channel="mail", person_id=match.sender.id, answered_by=match.sender.name,
                files=[GivenFile(a.filename, a.content) for a in msg.attachments])
    except HoeringError as exc:  # a refused file refuses the answer, as on the answer page
        _finish(row, Reason.REPLY, "review", note=f"kunne ikke registreres: {exc}")
        return
    row.answer_id, row.option = recorded.answer_id, option
    _finish(row, Reason.REPLY, "recorded", version=recorded.version, late=recorded.late,
            attachments=[a.filename for a in msg.attachments])


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
