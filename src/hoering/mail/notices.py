"""What the engine tells people about a hearing, queued in the transaction of the change:
invitations, reminders, deadline changes, receipts and results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hoering.danish import format_time_left
from hoering.db.models import Answer, Hearing, Kommune, Person
from hoering.domain.hearing import HearingDefinition
from hoering.domain.tally import Tally
from hoering.mail.outbox import queue_message
from hoering.mail.render import render
from hoering.runtime import Runtime
from hoering.services.tallying import definition_of, outcome_summary, recipients_of
from hoering.tokens import derive_token


def answer_link(rt: Runtime, nonce: str) -> str:
    return f"{rt.settings.portal_url}/svar/{derive_token(rt.secret, nonce)}"


def hearing_context(rt: Runtime, hearing: Hearing) -> dict[str, Any]:
    d = definition_of(hearing)
    return {
        "hearing": {
            "id": hearing.id, "title": hearing.title, "kind": hearing.kind, "question": d.question,
            "background": d.background, "deadline": hearing.deadline,
            "options": [{"key": o.key, "label": o.label} for o in d.answer_options],
            "body": hearing.body.name, "body_long": hearing.body.long_name,
            "total": d.allocation.total if d.allocation else None,
            "late_counts": d.late == "count",
        },
        "secretariat": {"name": "Sekretariat for Nordjysk Socialaftale",
                        "email": rt.settings.secretariat_email},
        "portal_url": rt.settings.portal_url,
    }


def _contacts(s: Session, hearing: Hearing, only_silent: set[int] | None = None):
    for recipient, kommune in recipients_of(s, hearing.id):
        if only_silent is not None and kommune.code not in only_silent:
            continue
        for token in recipient.tokens:
            if token.revoked_at is None and token.person.active:
                yield kommune, token


def queue_invitations(rt: Runtime, s: Session, hearing: Hearing) -> int:
    base = hearing_context(rt, hearing)
    queued = 0
    for kommune, token in _contacts(s, hearing):
        ctx = {**base, "kommune": _kommune(kommune), "person": _person(token.person),
               "link": answer_link(rt, token.nonce)}
        queued += _queue(rt, s, hearing, "invitation", ctx, token.person, kommune,
                         key=f"hearing:{hearing.id}:invitation:{kommune.code}:{token.person_id}")
    return queued


def queue_reminders(rt: Runtime, s: Session, hearing: Hearing, *, offset: str, silent: set[int]) -> int:
    now = rt.now()
    base = hearing_context(rt, hearing)
    queued = 0
    for kommune, token in _contacts(s, hearing, only_silent=silent):
        ctx = {**base, "kommune": _kommune(kommune), "person": _person(token.person),
               "link": answer_link(rt, token.nonce),
               "time_left": format_time_left(hearing.deadline, now)}
        key = (f"hearing:{hearing.id}:reminder:{hearing.deadline_version}:{offset}:"
               f"{kommune.code}:{token.person_id}")
        queued += _queue(rt, s, hearing, "reminder", ctx, token.person, kommune, key=key)
    return queued


def queue_deadline_changed(rt: Runtime, s: Session, hearing: Hearing, *, old_deadline: datetime,
                           reason: str, reopened: bool) -> int:
    base = hearing_context(rt, hearing)
    queued = 0
    for kommune, token in _contacts(s, hearing):
        ctx = {**base, "kommune": _kommune(kommune), "person": _person(token.person),
               "link": answer_link(rt, token.nonce), "old_deadline": old_deadline,
               "reason": reason, "reopened": reopened}
        key = (f"hearing:{hearing.id}:deadline:{hearing.deadline_version}:"
               f"{kommune.code}:{token.person_id}")
        queued += _queue(rt, s, hearing, "deadline_changed", ctx, token.person, kommune, key=key)
    return queued


def queue_receipt(rt: Runtime, s: Session, hearing: Hearing, answer: Answer, kommune: Kommune) -> int:
    d = definition_of(hearing)
    base = hearing_context(rt, hearing)
    option = d.option(answer.option) if answer.option else None
    answer_ctx = {"option": answer.option, "label": option.label if option else None,
                  "text": answer.text, "comment": answer.comment, "version": answer.version,
                  "received_at": answer.received_at, "late": answer.late,
                  "answered_by": answer.answered_by, "channel": answer.channel}
    queued = 0
    for recipient_kommune, token in _contacts(s, hearing, only_silent={kommune.code}):
        ctx = {**base, "kommune": _kommune(recipient_kommune), "person": _person(token.person),
               "link": answer_link(rt, token.nonce), "answer": answer_ctx}
        key = f"hearing:{hearing.id}:receipt:{kommune.code}:v{answer.version}:{token.person_id}"
        queued += _queue(rt, s, hearing, "receipt", ctx, token.person, recipient_kommune, key=key)
    return queued


def result_context(d: HearingDefinition, result: Tally, summary: str) -> dict[str, Any]:
    labels = {o.key: o.label for o in d.answer_options}
    silence = "tæller ikke med (undlader at stemme)" if d.silence == "abstain" else \
        f"tæller som «{labels[d.silence]}» (stiltiende accept)"
    rows = []
    for line in sorted(result.lines, key=lambda ln: ln.name):
        a = line.answer
        answer = (labels.get(a.option, a.option) if a.option else a.text) if a else None
        if line.status == "answered":
            shown = f"{answer} (modtaget efter fristen)" if a and a.late else str(answer)
        elif line.status == "late":
            shown = f"{answer} (modtaget efter fristen, tæller ikke med)"
        else:
            shown = "Intet svar"
            if line.counted_as:
                shown += f" – tæller som «{labels[line.counted_as]}»"
        rows.append({
            "name": line.name, "code": line.code, "status": line.status, "answer": answer, "shown": shown,
            "comment": a.comment if a else None, "received_at": a.received_at if a else None,
            "late": a.late if a else False,
            "counted_as": labels.get(line.counted_as) if line.counted_as else None,
            "payout": result.payouts.get(line.code),
        })
    return {"summary": summary, "rows": rows, "silence": silence, "counts": [
        {"label": labels[k], "count": v} for k, v in result.counts.items()],
        "outcome": result.outcome, "answered": result.answered, "recipients": len(result.lines),
        "pool": result.pool, "payouts": [
            {"name": ln.name, "amount": result.payouts[ln.code]} for ln in result.lines
            if ln.code in result.payouts],
        "interested": [ln.name for ln in result.lines if ln.code in result.interested],
        "late_counts": d.late == "count"}


def queue_results(rt: Runtime, s: Session, hearing: Hearing, result: Tally) -> int:
    d = definition_of(hearing)
    base = {**hearing_context(rt, hearing),
            "result": result_context(d, result, outcome_summary(s, hearing, result))}
    people: dict[int, tuple[Person, Kommune | None]] = {}
    for kommune, token in _contacts(s, hearing):
        people.setdefault(token.person_id, (token.person, kommune))
    for member in hearing.body.members:
        if member.person.active:
            people.setdefault(member.person_id, (member.person, member.person.kommune))
    queued = 0
    for person_id, (person, kommune) in sorted(people.items()):
        ctx = {**base, "person": _person(person)}
        key = f"hearing:{hearing.id}:result:{hearing.deadline_version}:{person_id}"
        queued += _queue(rt, s, hearing, "result", ctx, person, kommune, key=key)
    return queued


def _queue(rt: Runtime, s: Session, hearing: Hearing, kind: str, ctx: dict[str, Any],
           person: Person, kommune: Kommune | None, *, key: str) -> int:
    row = queue_message(s, settings=rt.settings, key=key, kind=kind, to=person.email,
                        to_name=person.name, rendered=render(kind, ctx), now=rt.now(),
                        hearing_id=hearing.id, kommune_id=kommune.id if kommune else None,
                        person_id=person.id)
    return 0 if row is None else 1


def _kommune(k: Kommune) -> dict[str, Any]:
    return {"name": k.name, "display_name": k.display_name, "code": k.code}


def _person(p: Person) -> dict[str, Any]:
    return {"name": p.name, "email": p.email}
