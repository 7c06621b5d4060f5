"""What the engine tells people about a hearing, queued in the transaction of the change:
invitations, reminders, deadline changes, receipts and results, each to every active contact
with a live answer link (results also to the members of the hearing's body)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from hoering.danish import format_time_left
from hoering.db.document_queries import bilag_listing, bilag_of, file_listing, files_of_answers
from hoering.db.models import (
    Answer,
    AnswerToken,
    Hearing,
    HearingRecipient,
    Kommune,
    OutboxMessage,
    Person,
    UndeliverableContact,
)
from hoering.db.tallying import definition_of
from hoering.mail.links import PersonalLinks
from hoering.mail.outbox import (
    DRAFT,
    Attachment,
    Draft,
    FilledDraft,
    draft_note,
    fill_draft,
    filled_message,
    message_id_for,
    reserve_messages,
)
from hoering.mail.render import render
from hoering.runtime import Runtime
from hoering.services.hearing_documents import bilag_for_mail
from hoering.services.outgoing.common import queue_to_person, secretariat
from hoering.tokens import address_for
from hoering.views.result import HearingResult

log = logging.getLogger(__name__)


def hearing_context(rt: Runtime, s: Session, hearing: Hearing) -> dict[str, Any]:
    d = definition_of(hearing)
    return {
        "hearing": {
            "id": hearing.id, "title": hearing.title, "kind": hearing.kind, "question": d.question,
            "background": d.background, "deadline": hearing.deadline,
            "options": [{"key": o.key, "label": o.label} for o in d.answer_options],
            "body": hearing.body.name, "body_long": hearing.body.long_name,
            "total": d.allocation.total if d.allocation else None,
            "late_counts": d.late == "count",
            "bilag": bilag_listing(bilag_of(s, hearing.id)),
        },
        "secretariat": secretariat(rt, s),
        "portal_url": rt.settings.portal_url,
    }


def _reachable() -> Select[tuple[Kommune, AnswerToken]]:
    """(kommune, token) of every contact with a live link, the person loaded: the link not
    revoked, the person active, the address not bounced for good (``undeliverable_contact``,
    written by the inbox: their kommune's other contact is asked). By kommune code, then token."""
    return (select(Kommune, AnswerToken)
            .join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
            .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
            .join(AnswerToken.person)
            .where(AnswerToken.revoked_at.is_(None), Person.active.is_(True),
                   AnswerToken.person_id.not_in(select(UndeliverableContact.person_id)))
            .options(contains_eager(AnswerToken.person))
            .order_by(Kommune.code, AnswerToken.id))


_CONTACTS = _reachable().where(HearingRecipient.hearing_id == bindparam("hearing"))
# a receipt's: the answering kommune's contacts, in one statement (it runs under the hearing's
# lock)
_RECEIPT_CONTACTS = _reachable().where(AnswerToken.recipient_id == bindparam("recipient"))


def _contacts(s: Session, hearing: Hearing,
              only_silent: set[int] | None = None) -> Sequence[tuple[Kommune, AnswerToken]]:
    """:func:`_reachable` for ``hearing`` (``only_silent``: of those kommuner only)."""
    query = _CONTACTS if only_silent is None else _CONTACTS.where(Kommune.code.in_(only_silent))
    return s.execute(query, {"hearing": hearing.id}).tuples().all()


def invitation_context(base: dict[str, Any], kommune: Kommune, person: Person, link: str) -> dict[str, Any]:
    """What one contact's invitation is rendered from (also the console's preview)."""
    return {**base, "kommune": _kommune(kommune), "link": link,
            "person": {"name": person.name, "email": person.email}}


def queue_invitations(rt: Runtime, s: Session, hearing: Hearing) -> int:
    base = hearing_context(rt, s, hearing)
    bilag = bilag_for_mail(s, hearing.id, max_bytes=rt.settings.max_attachment_bytes)
    base["bilag_attached"] = bilag.attached
    queued = 0
    for kommune, token in _contacts(s, hearing):
        links = PersonalLinks(rt.settings.portal_url)
        ctx = invitation_context(base, kommune, token.person, links.answer(token.nonce))
        queued += _queue(rt, s, hearing, "invitation", ctx, token.person, kommune,
                         key=invitation_key(hearing, kommune, token.person_id), links=links,
                         attachments=bilag.attachments, **_thread(rt, hearing, kommune, token, first=True))
    return queued


def queue_reminders(rt: Runtime, s: Session, hearing: Hearing, *, offset: str, silent: set[int]) -> int:
    now = rt.now()
    base = hearing_context(rt, s, hearing)
    queued = 0
    for kommune, token in _contacts(s, hearing, only_silent=silent):
        links = PersonalLinks(rt.settings.portal_url)
        ctx = {**base, "kommune": _kommune(kommune), "link": links.answer(token.nonce),
               "time_left": format_time_left(hearing.deadline, now)}
        key = (f"hearing:{hearing.id}:reminder:{hearing.deadline_version}:{offset}:"
               f"{kommune.code}:{token.person_id}")
        queued += _queue(rt, s, hearing, "reminder", ctx, token.person, kommune, key=key, links=links,
                         **_thread(rt, hearing, kommune, token))
    return queued


def queue_deadline_changed(rt: Runtime, s: Session, hearing: Hearing, *, old_deadline: datetime,
                           reason: str, reopened: bool) -> int:
    base = hearing_context(rt, s, hearing)
    queued = 0
    for kommune, token in _contacts(s, hearing):
        links = PersonalLinks(rt.settings.portal_url)
        ctx = {**base, "kommune": _kommune(kommune), "link": links.answer(token.nonce), "old_deadline": old_deadline,
               "reason": reason, "reopened": reopened}
        key = (f"hearing:{hearing.id}:deadline:{hearing.deadline_version}:"
               f"{kommune.code}:{token.person_id}")
        queued += _queue(rt, s, hearing, "deadline_changed", ctx, token.person, kommune, key=key, links=links,
                         **_thread(rt, hearing, kommune, token))
    return queued


def reserve_receipts(rt: Runtime, s: Session, *, hearing_id: int, kommune_id: int, kommune_code: int,
                     recipient_id: int, answer_id: int, version: int) -> list[int]:
    """The receipt of answer ``answer_id`` (the recipient's ``version``) to each contact of its
    kommune, reserved in the answer's transaction (cheap: no rendering under the writer's lock);
    ``fill_drafts`` renders them. Returns the reserved rows' ids."""
    drafts = [Draft(key=f"hearing:{hearing_id}:receipt:{kommune_code}:v{version}:{token.person_id}",
                    kind="receipt", to=token.person.email,
                    note={"template": "receipt", "answer": answer_id, "token": token.id},
                    hearing_id=hearing_id, kommune_id=kommune_id, person_id=token.person_id)
              for _, token in s.execute(_RECEIPT_CONTACTS, {"recipient": recipient_id})]
    rows = reserve_messages(s, settings=rt.settings, now=rt.now(), drafts=drafts)
    if rows:
        s.flush()  # one INSERT for them all: their ids
    return [row.id for row in rows]


def _receipt(rt: Runtime, s: Session, row: OutboxMessage, note: dict[str, Any]) -> FilledDraft:
    answer = s.get_one(Answer, note["answer"])
    token = s.get_one(AnswerToken, note["token"])
    hearing = s.get_one(Hearing, answer.hearing_id)
    kommune = token.recipient.kommune
    d = definition_of(hearing)
    option = d.option(answer.option) if answer.option else None
    answer_ctx = {"option": answer.option, "label": option.label if option else None,
                  "text": answer.text, "comment": answer.comment, "version": answer.version,
                  "received_at": answer.received_at, "late": answer.late,
                  "answered_by": answer.answered_by, "channel": answer.channel,
                  "how": how_received(answer.channel, answer.answered_by),
                  "files": file_listing(files_of_answers(s, [answer.id])[answer.id])}
    person = token.person
    links = PersonalLinks(rt.settings.portal_url)
    ctx = {**hearing_context(rt, s, hearing), "kommune": _kommune(kommune), "link": links.answer(token.nonce),
           "answer": answer_ctx, "person": {"name": person.name, "email": person.email}}
    return filled_message(row, settings=rt.settings, rendered=render("receipt", ctx), to_name=person.name,
                          links=links.labels, **_thread(rt, hearing, kommune, token))


_RENDERERS = {"receipt": _receipt}


def how_received(channel: str | None, answered_by: str | None) -> str:
    """How the answer came, as the receipt says it: the secretariat records answers that came by
    phone, letter or at a meeting, it never gives them ("afgivet af sekretariatet")."""
    by = answered_by or "sekretariatet"
    secretariat = by.lower() == "sekretariatet"
    recorded = "registreret af sekretariatet" if secretariat else f"registreret af {by}"
    if channel == "manual":
        return "modtaget og registreret af sekretariatet" if secretariat else f"modtaget af sekretariatet og {recorded}"
    if channel == "meeting":
        return f"givet på mødet og {recorded}"
    if channel in ("mail", "email"):
        return f"modtaget som svar på mailen fra {by}"
    return f"afgivet af {by} via svarlinket"


def fill_drafts(rt: Runtime, ids: Sequence[int] | None = None) -> int:
    """Render reserved messages (``ids``, or every draft) and queue them: read and render in a
    read transaction, then one short write. A draft filled meanwhile by another process is left
    as that process filled it. Returns how many this call queued."""
    if ids is not None and not ids:
        return 0  # nothing reserved (most answers: the same answer again, or no receipt due)
    with rt.db.read() as s:
        query = (select(OutboxMessage).where(OutboxMessage.status == DRAFT).order_by(OutboxMessage.id)
                 .options(selectinload(OutboxMessage.unsent)))
        if ids is not None:
            query = query.where(OutboxMessage.id.in_(list(ids)))
        filled = []
        for row in s.scalars(query):
            note = draft_note(row)
            try:
                filled.append((row.id, _RENDERERS[note["template"]](rt, s, row, note)))
            except Exception:  # one draft that cannot be rendered must not hold back the others' mail
                log.exception("outbox row %s (%s) could not be rendered; it stays a draft", row.id, row.kind)
    if not filled:
        return 0
    with rt.db.transaction() as s:
        return sum(fill_draft(s, row_id, message) for row_id, message in filled)


def result_context(result: HearingResult) -> dict[str, Any]:
    """The result mail's ``result``: rendered from the stored result record (the result view)."""
    silence = "tæller ikke med (undlader at stemme)" if result.silence_option is None else \
        f"tæller som «{result.label(result.silence_option)}» (stiltiende accept)"
    rows = []
    for line in result.lines:  # alphabetical (domain.tally)
        a = line.answer
        answer = (a.label or a.option if a.option else a.text) if a else None
        if line.status == "answered":
            shown = f"{answer} (modtaget efter fristen)" if a and a.late else str(answer)
        elif line.status == "late":
            shown = f"{answer} (modtaget efter fristen, tæller ikke med)"
        else:
            shown = "Intet svar"
            if line.counted_as:
                shown += f" – tæller som «{line.counted_label}»"
        rows.append({
            "name": line.name, "code": line.code, "status": line.status, "answer": answer, "shown": shown,
            "comment": a.comment if a else None, "received_at": a.received_at if a else None,
            "late": a.late if a else False, "counted_as": line.counted_label, "payout": line.payout,
        })
    return {"summary": result.summary, "rows": rows, "silence": silence, "counts": [
        {"label": result.label(k), "count": v} for k, v in result.counts.items()],
        "outcome": result.outcome, "answered": result.answered, "recipients": result.recipients,
        "pool": result.allocation.pool if result.allocation else None, "payouts": [
            {"name": ln.name, "amount": ln.payout} for ln in result.lines if ln.payout is not None],
        "interested": [ln.name for ln in result.lines if ln.code in (result.interested or ())],
        "late_counts": result.late_counts, "closing_note": result.closing_note}


def queue_results(rt: Runtime, s: Session, hearing: Hearing, result: HearingResult) -> int:
    base = {**hearing_context(rt, s, hearing), "result": result_context(result)}
    people: dict[int, tuple[Person, Kommune | None, AnswerToken | None]] = {}
    for contact_kommune, contact in _contacts(s, hearing):
        people.setdefault(contact.person_id, (contact.person, contact_kommune, contact))
    for member in hearing.body.members:
        if member.person.active:
            people.setdefault(member.person_id, (member.person, member.person.kommune, None))
    queued = 0
    for person_id, (person, kommune, token) in sorted(people.items(), key=lambda p: p[0]):
        key = f"hearing:{hearing.id}:result:{hearing.deadline_version}:{person_id}"
        thread = (_thread(rt, hearing, kommune, token) if token is not None and kommune is not None
                  else Thread(reply_to=None, in_reply_to=None))
        queued += _queue(rt, s, hearing, "result", base, person, kommune, key=key, **thread)
    return queued


def invitation_key(hearing: Hearing, kommune: Kommune, person_id: int) -> str:
    return f"hearing:{hearing.id}:invitation:{kommune.code}:{person_id}"


class Thread(TypedDict):
    reply_to: str | None
    in_reply_to: str | None


def _thread(rt: Runtime, hearing: Hearing, kommune: Kommune, token: AnswerToken, *,
            first: bool = False) -> Thread:
    """Reply-To: the contact's own reply address (when ``HOERING_REPLY_ADDRESS`` is set); and,
    for every mail after the invitation, In-Reply-To/References to that invitation."""
    template = rt.settings.reply_address
    return {"reply_to": address_for(template, rt.secret, "r", token.id) if template else None,
            "in_reply_to": None if first else message_id_for(invitation_key(hearing, kommune, token.person_id),
                                                             rt.settings)}


def _queue(rt: Runtime, s: Session, hearing: Hearing, kind: str, ctx: dict[str, Any],
           person: Person, kommune: Kommune | None, *, key: str,
           attachments: Sequence[Attachment] = (), reply_to: str | None = None,
           in_reply_to: str | None = None, links: PersonalLinks | None = None) -> int:
    return queue_to_person(rt, s, template=kind, context=ctx, person=person, key=key,
                           hearing_id=hearing.id, kommune_id=kommune.id if kommune else None,
                           attachments=attachments, reply_to=reply_to, in_reply_to=in_reply_to, links=links)


def _kommune(k: Kommune) -> dict[str, Any]:
    return {"name": k.name, "display_name": k.display_name, "code": k.code}


def queue_new_link(rt: Runtime, s: Session, hearing: Hearing, kommune: Kommune, token: AnswerToken) -> int:
    """The invitation again, with a reissued link (``hoering contact reissue``): keyed by the new
    token, so each reissue is one mail."""
    base = hearing_context(rt, s, hearing)
    bilag = bilag_for_mail(s, hearing.id, max_bytes=rt.settings.max_attachment_bytes)
    base["bilag_attached"] = bilag.attached
    links = PersonalLinks(rt.settings.portal_url)
    ctx = {**base, "kommune": _kommune(kommune), "link": links.answer(token.nonce)}
    return _queue(rt, s, hearing, "invitation", ctx, token.person, kommune,
                  key=f"hearing:{hearing.id}:invitation:{kommune.code}:{token.person_id}:link{token.id}",
                  attachments=bilag.attachments, links=links)


def contacts_reached(s: Session, hearing: Hearing, *,
                     only_silent: set[int] | None = None) -> Sequence[tuple[Kommune, AnswerToken]]:
    """Who a hearing's mails reach (of the ``only_silent`` kommuner): what the console's
    confirmation lists before a reminder goes out."""
    return _contacts(s, hearing, only_silent)
