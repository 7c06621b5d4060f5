"""Mail that came back: what is done about a delivery report, and what the secretariat is told.

A delivery report (DSN) can be written by anyone, so one is acted on only when it arrives at the
VERP address of the message it reports on (``HOERING_BOUNCE_ADDRESS``, ``bounce+o<id>-<tag>@…``):
the key, made with our secret, proves that we sent that message, and it names the outbox row even
when the report's recipient cannot be read. Then a permanent failure marks the row ``bounced``
and the contact undeliverable, and the kommune's other contacts are asked; a delay (temporary
failure) is counted and shown, never more. A report to the plain address goes to review with the
address it names, and so does anything from a mailer daemon that cannot be read as a report:
nothing from a mail system is filed silently.

The secretariat hears of it in two mails: one per run about the permanent bounces acted on
(``report_bounces``), and one a day listing the reports left for review (``report_unread_bounces``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.models import Hearing, InboxMessage, Kommune, OutboxMessage, Person, UndeliverableContact
from hoering.inbox.classify import Bounce, Reason, looks_like_bounce, read_bounce
from hoering.inbox.parse import Incoming
from hoering.runtime import Runtime
from hoering.services.inbox_deputies import ask_other_contacts
from hoering.services.outgoing.inbox import queue_bounce_report, queue_unread_bounces
from hoering.tokens import find_key

ACTOR = "indbakke"
LOCAL = ZoneInfo("Europe/Copenhagen")


def act_on_bounce(rt: Runtime, s: Session, row: InboxMessage, msg: Incoming) -> None:
    """Set ``row``'s reason, status and note for a delivery report, acting only on what it proves."""
    bounce = read_bounce(msg)
    named = ", ".join(bounce.named)
    detail: dict[str, Any] = {"permanent": list(bounce.permanent), "temporary": list(bounce.temporary),
                              "asked": [], "rows": []}
    outbox_id = find_key(rt.settings.bounce_address, rt.secret, "o", msg.to_addrs)
    out = s.get(OutboxMessage, outbox_id) if outbox_id is not None else None
    if out is None:
        note = ("returneret post til den almindelige adresse, ikke til afsenderadressen med nøgle (VERP), "
                "så intet er ændret; " + (f"den nævner {named}" if named else "ingen modtager kunne læses"))
        _finish(row, "review", note, detail)
        return
    detail["rows"] = [out.id]
    row.hearing_id, row.kommune_id = out.hearing_id, out.kommune_id
    if bounce.delayed or (bounce.temporary and not bounce.permanent):
        _finish(row, "done", f"midlertidig fejl: {named or out.to_addr}; der prøves fortsat", detail)
        row.reported_at = rt.now()  # temporary: counted and shown, not mailed
        return
    if not bounce.permanent and not looks_like_bounce(msg):
        _finish(row, "review", f"fra et mailsystem, men kunne ikke læses som returneret post (mail til {out.to_addr})",
                detail)
        return
    _bounced(rt, s, row, out, bounce, detail)
    _finish(row, "done", f"permanent fejl: {named or out.to_addr}", detail)


def _bounced(rt: Runtime, s: Session, row: InboxMessage, out: OutboxMessage, bounce: Bounce,
             detail: dict[str, Any]) -> None:
    """The outbox row ``bounced``, its contact undeliverable, the kommune's other contacts asked."""
    failed = ", ".join(bounce.permanent) or out.to_addr
    out.status = "bounced"
    out.last_error = f"returneret: {failed}"
    detail["permanent"] = list(bounce.permanent) or [out.to_addr]
    person = s.get(Person, out.person_id) if out.person_id else None
    if person is not None:
        if s.get(UndeliverableContact, person.id) is None:
            s.add(UndeliverableContact(person_id=person.id, address=person.email, since=rt.now(),
                                       inbox_message_id=row.id, status=failed))
        hearing = s.get(Hearing, out.hearing_id) if out.hearing_id else None
        if hearing is not None:
            asked = ask_other_contacts(rt, s, hearing, person, why="returneret post")
            detail["asked"] += [{"hearing": hearing.id, "person": p.email} for p in asked]
    audit.record(s, at=rt.now(), actor=ACTOR, action="outbox.bounced", entity="outbox", entity_id=out.id,
                 hearing_id=out.hearing_id, to=out.to_addr, inbox_message=row.id)


def _finish(row: InboxMessage, status: str, note: str, detail: dict[str, Any]) -> None:
    row.reason, row.status, row.note = Reason.BOUNCE.value, status, note
    row.detail = {**row.detail, **detail}


def _items(s: Session, rows: list[InboxMessage]) -> list[dict[str, Any]]:
    items = []
    for r in rows:
        hearing = s.get(Hearing, r.hearing_id) if r.hearing_id else None
        kommune = s.get(Kommune, r.kommune_id) if r.kommune_id else None
        items.append({"addresses": ", ".join(r.detail.get("permanent") or r.detail.get("temporary") or [])
                      or "ukendt", "hearing": hearing.title if hearing else None,
                      "kommune": kommune.display_name if kommune else None,
                      "asked": ", ".join(a["person"] for a in r.detail.get("asked", [])),
                      "id": r.id, "sender": r.from_addr, "subject": r.subject, "note": r.note})
    return items


def report_bounces(rt: Runtime) -> int:
    """One mail to the secretariat about the permanent bounces acted on and not reported yet, and
    the day's mail about reports left for review (``report_unread_bounces``): mails queued."""
    with rt.db.transaction() as s:
        rows = list(s.scalars(select(InboxMessage).where(
            InboxMessage.reason == Reason.BOUNCE.value, InboxMessage.reported_at.is_(None),
            InboxMessage.status == "done").order_by(InboxMessage.id)))
        queued = 0
        if rows:
            for r in rows:
                r.reported_at = rt.now()
            key = f"inbox:bounces:{rows[0].id}-{rows[-1].id}:{len(rows)}"
            queued = queue_bounce_report(rt, s, _items(s, rows), key=key)
            audit.record(s, at=rt.now(), actor=ACTOR, action="inbox.bounces_reported", entity="inbox_message",
                         entity_id=rows[-1].id, messages=[r.id for r in rows])
    return queued + report_unread_bounces(rt)


def report_unread_bounces(rt: Runtime) -> int:
    """At most one mail a day listing the mail-system messages in review not listed before."""
    day = rt.now().astimezone(LOCAL).date()
    key = f"inbox:unread-bounces:{day.isoformat()}"
    with rt.db.transaction() as s:
        if s.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
            return 0
        rows = list(s.scalars(select(InboxMessage).where(
            InboxMessage.reason == Reason.BOUNCE.value, InboxMessage.reported_at.is_(None),
            InboxMessage.status == "review").order_by(InboxMessage.id)))
        if not rows:
            return 0
        now: datetime = rt.now()
        for r in rows:
            r.reported_at = now
        queued = queue_unread_bounces(rt, s, _items(s, rows), key=key)
        audit.record(s, at=now, actor=ACTOR, action="inbox.unread_bounces_reported", entity="inbox_message",
                     entity_id=rows[-1].id, messages=[r.id for r in rows])
        return queued
