"""The governance cycle's mails, queued in the transaction of the step that causes them: one per
person, keyed ``meeting:<id>:<step>:person:<person id>`` so a step run twice sends nothing twice.

Who gets what: the call for items, the agenda (PDF, ICS invitation, bilag) and the minutes go
to the body's members; FU's preparation agenda to FU; the draft minutes to the chair; the DAS
decisions sent on to KKR to KKR's secretariat (the registry's contact), not the mayors; a moved
or cancelled meeting to everyone its invitation went to, with an updated ICS (same UID, SEQUENCE raised).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering.db.models import Body, Item, Meeting
from hoering.db.outbox import OutboxMessage
from hoering.db.registry import Person
from hoering.documents import bilag_filename
from hoering.documents.ics import meeting_ics
from hoering.domain import routing
from hoering.domain.labels import CYCLE_STEP
from hoering.domain.meetings import agenda_order, items_deadline
from hoering.mail.links import PersonalLinks
from hoering.mail.outbox import Attachment, ics_uid_for
from hoering.runtime import Runtime
from hoering.services.documents import SAGSBESKRIVELSE, meeting_view, render_document
from hoering.services.outgoing.common import queue_to_person, secretariat

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def members(body: Body, *, chair_only: bool = False) -> list[Person]:
    people = [m.person for m in body.members if m.person.active
              and (not chair_only or m.position == "formand")]
    return sorted(people, key=lambda p: p.id)


def meeting_context(rt: Runtime, s: Session, meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": {"id": meeting.id, "body": meeting.body.name, "body_long": meeting.body.long_name,
                    "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "place": meeting.place},
        "secretariat": secretariat(rt, s),
    }


def queue_to(rt: Runtime, s: Session, meeting: Meeting, step: str, people: Sequence[Person],
             context: dict[str, Any], *, attachments: Sequence[Attachment] = (),
             template: str | None = None, kind: str | None = None, links: PersonalLinks | None = None) -> int:
    base = {**meeting_context(rt, s, meeting), **context}
    return sum(queue_to_person(rt, s, template=template or step, kind=kind or step, context=base,
                               person=person, key=f"meeting:{meeting.id}:{step}:person:{person.id}",
                               kommune_id=person.kommune_id, attachments=attachments, links=links)
               for person in people)


def invitation(rt: Runtime, meeting: Meeting, people: Sequence[Person], *, cancelled: bool = False,
               attached: str | None = None) -> Attachment:
    """The ICS; ``attached`` says what the mail it travels with carries ("Dagsorden og bilag"):
    the calendar entry never says "vedhæftet" about something the mail does not carry."""
    with_mail = f" {attached} er vedhæftet mailen med denne mødeindkaldelse." if attached else ""
    content = meeting_ics(
        uid=ics_uid_for(f"meeting:{meeting.id}", rt.settings), summary=f"Møde i {meeting.body.name}",
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, location=meeting.place,
        description=f"Møde i {meeting.body.long_name}.{with_mail}",
        organizer=rt.settings.secretariat_email, attendees=[(p.name, p.email) for p in people],
        stamp=rt.now(), sequence=meeting.ics_sequence, cancelled=cancelled)
    method = "CANCEL" if cancelled else "REQUEST"
    return Attachment(filename="moede.ics", content=content, mime_type=f"text/calendar; method={method}")


def document(name: str, content: bytes, fmt: str) -> Attachment:
    return Attachment(filename=name, content=content, mime_type=PDF if fmt == "pdf" else DOCX)


# --- one function per cycle step --------------------------------------------------------------

def queue_call_for_items(rt: Runtime, s: Session, meeting: Meeting) -> int:
    deadline = items_deadline(meeting.starts_at, meeting.cycle)
    return queue_to(rt, s, meeting, "call_for_items", members(meeting.body), {"deadline": deadline})


def queue_fu_agenda(rt: Runtime, s: Session, meeting: Meeting) -> int:
    fu = s.scalar(select(Body).where(Body.key == meeting.body.delegates_to))
    assert fu is not None  # the step is due only for a body that delegates to FU
    items = list(s.scalars(select(Item).where(Item.state == routing.HOS_FU).order_by(Item.id)))
    on_agenda = [i for i in agenda_order(meeting.items) if i.kind not in ("dagsorden", "referat")]
    # FU prepares from the case material itself: resumé, indstillinger, sagsbeskrivelse and bilag
    ctx = {"items": [{"id": i.id, "title": i.title, "raised_by": i.raised_by, "resume": i.resume,
                      "indstillinger": [x.text for x in i.indstillinger],
                      "sagsbeskrivelse": [(h, i.sagsbeskrivelse[k]) for k, h in SAGSBESKRIVELSE
                                          if i.sagsbeskrivelse.get(k)],
                      "bilag": [b.title for b in i.bilag if b.content is not None and b.filename],
                      "bilag_missing": [b.title for b in i.bilag if b.content is None or not b.filename],
                      "links": list(i.links or [])} for i in items],
           "planned": [{"id": i.id, "title": i.title} for i in on_agenda]}
    # not numbered yet (FU decides what goes on the agenda): named by their titles, not the uploads'
    attachments = [Attachment(filename=bilag_filename(0, b.title, b.filename).removeprefix("Bilag 0 "),
                              content=b.content, mime_type=b.mime_type or "application/octet-stream")
                   for i in items for b in i.bilag if b.content is not None and b.filename]
    return queue_to(rt, s, meeting, "fu_agenda", members(fu), ctx, attachments=attachments)


def queue_agenda(rt: Runtime, s: Session, meeting: Meeting) -> int:
    view = meeting_view(s, meeting, "agenda", secretariat=secretariat(rt, s)["name"])
    people = members(meeting.body)
    name = f"Dagsorden {meeting.body.name} {view['date_da']}"
    attachments, missing = bilag_attachments(meeting.items, view)
    attachments = [document(f"{name}.pdf", render_document(view, "pdf"), "pdf"),
                   invitation(rt, meeting, people, attached="Dagsorden og bilag" if attachments else "Dagsordenen"),
                   *attachments]
    items = [{"number": i["number"], "title": i["title"]} for sec in view["sections"] for i in sec["items"]]
    return queue_to(rt, s, meeting, "agenda", people,
                    {"items": items, "bilag_count": len(attachments) - 2, "bilag_missing": missing},
                    attachments=attachments)


def bilag_attachments(items: Sequence[Item], view: dict[str, Any]) -> tuple[list[Attachment], list[str]]:
    """The agenda's bilag as attachments named by their numbers and titles ("Bilag 7 Overblik over
    ….pdf"), in the agenda's order; and the bilag that have no file ("Bilag 8 …"), to tell the members."""
    stored = {b.id: b for item in items for b in item.bilag}
    attachments, missing = [], []
    for section in view["sections"]:
        for entry in section["items"]:
            for shown in entry["bilag"]:
                b = stored.get(shown["id"])
                if b is not None and b.content is not None and shown["attached_as"]:
                    attachments.append(Attachment(filename=shown["attached_as"], content=b.content,
                                                  mime_type=b.mime_type or "application/octet-stream"))
                else:
                    missing.append(f"Bilag {shown['number']} {shown['title']} (punkt {entry['number']})")
    return attachments, missing


def queue_minutes_draft(rt: Runtime, s: Session, meeting: Meeting) -> int:
    view = meeting_view(s, meeting, "minutes", secretariat=secretariat(rt, s)["name"])
    name = f"Udkast til referat {meeting.body.name} {view['date_da']}.pdf"
    attachments = [document(name, render_document(view, "pdf"), "pdf")]
    # each chair gets a personal approval link (services.minutes_approval)
    queued = 0
    for chair in members(meeting.body, chair_only=True):
        links = PersonalLinks(rt.settings.portal_url)
        queued += queue_to(rt, s, meeting, "minutes_draft", [chair],
                           {"approval_link": links.approval(meeting.id, chair.id)}, attachments=attachments,
                           links=links)
    return queued


def queue_minutes(rt: Runtime, s: Session, meeting: Meeting) -> int:
    view = meeting_view(s, meeting, "minutes", secretariat=secretariat(rt, s)["name"])
    name = f"Referat {meeting.body.name} {view['date_da']}"
    attachments = [document(f"{name}.pdf", render_document(view, "pdf"), "pdf"),
                   document(f"{name}.docx", render_document(view, "docx"), "docx")]
    return queue_to(rt, s, meeting, "minutes", members(meeting.body), {}, attachments=attachments)


def queue_kkr_orientation(rt: Runtime, s: Session, meeting: Meeting, forwarded: Sequence[Item],
                          kkr_meeting: Meeting) -> int:
    """The DAS decisions sent on to KKR, to KKR's secretariat (the registry's contact for KKR),
    not to the mayors: KKR's secretariat puts them on KKR's own agenda. Without a contact the
    secretariat is told instead."""
    contact = kkr_meeting.body.contact
    if contact is None or not contact.active:
        return queue_cycle_notice(rt, s, meeting, key=f"meeting:{meeting.id}:kkr_orientation:no_contact", lines=[
            f"Sagerne til orientering for {kkr_meeting.body.name} er sat på KKR's dagsorden, men der er ikke "
            "sendt nogen mail, fordi registret ikke har en aktiv kontakt hos KKR's sekretariat "
            "(bodies.kkr.contact). Tilføj kontakten (hoering init --registry FIL) og send sagerne manuelt."])
    ctx = {"source": meeting_context(rt, s, meeting)["meeting"],
           "kkr_meeting": {"starts_at": kkr_meeting.starts_at, "place": kkr_meeting.place},
           "items": [{"title": i.title, "beslutning": i.beslutning, "resume": i.resume} for i in forwarded]}
    return queue_to(rt, s, meeting, "kkr_orientation", [contact], ctx)


def invitees(s: Session, meeting: Meeting) -> list[Person]:
    """The people the meeting's invitation (the agenda mail with its ICS) was queued to."""
    ids = s.scalars(select(OutboxMessage.person_id).where(
        OutboxMessage.key.like(f"meeting:{meeting.id}:agenda:person:%"), OutboxMessage.person_id.is_not(None)))
    people = s.scalars(select(Person).where(Person.id.in_(list(ids)))).all()
    return sorted(people, key=lambda p: p.id)


def queue_meeting_change(rt: Runtime, s: Session, meeting: Meeting, people: list[Person], *,
                         changes: list[str], cancelled: bool) -> int:
    """The move or cancellation to ``people``, keyed by the meeting's new ICS sequence."""
    if not people:
        return 0
    ics = invitation(rt, meeting, people, cancelled=cancelled)
    kind = "meeting_cancelled" if cancelled else "meeting_moved"
    return queue_to(rt, s, meeting, f"change:{meeting.ics_sequence}", people,
                    {"changes": changes, "reason": meeting.change_reason},
                    attachments=[ics], template=kind, kind=kind)


STEP_LABELS = CYCLE_STEP  # domain.labels: the same words in the notices and the CLI


def duration_da(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} døgn og {hours % 24} timer" if hours >= 24 else f"{hours} timer"


def queue_cycle_notice(rt: Runtime, s: Session, meeting: Meeting, *, key: str, lines: list[str]) -> int:
    """Tell the secretariat about something the cycle did not do as planned (once per ``key``)."""
    sec = s.scalar(select(Person).where(func.lower(Person.email) == rt.settings.secretariat_email.lower()))
    if sec is None:
        return 0
    return queue_to_person(rt, s, template="cycle_notice", person=sec, key=key, kind="cycle_notice",
                           context={**meeting_context(rt, s, meeting), "lines": lines})
