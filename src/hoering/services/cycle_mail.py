"""The cycle's mails, queued in the transaction of the step that causes them: one per person,
keyed ``meeting:<id>:<step>:person:<person id>`` so a step run twice sends nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from hoering.db.models import Body, Meeting, Person
from hoering.mail.outbox import Attachment, queue_message
from hoering.mail.render import render
from hoering.runtime import Runtime

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def members(body: Body, *, chair_only: bool = False) -> list[Person]:
    people = [m.person for m in body.members if m.person.active
              and (not chair_only or m.position == "formand")]
    return sorted(people, key=lambda p: p.id)


def meeting_context(rt: Runtime, meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": {"id": meeting.id, "body": meeting.body.name, "body_long": meeting.body.long_name,
                    "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "place": meeting.place},
        "secretariat": {"name": "Sekretariat for Nordjysk Socialaftale",
                        "email": rt.settings.secretariat_email},
    }


def queue_to(rt: Runtime, s: Session, meeting: Meeting, step: str, people: Sequence[Person],
             context: dict[str, Any], *, attachments: Sequence[Attachment] = (),
             template: str | None = None) -> int:
    base = meeting_context(rt, meeting)
    queued = 0
    for person in people:
        ctx = {**base, **context, "person": {"name": person.name, "email": person.email}}
        row = queue_message(s, settings=rt.settings, key=f"meeting:{meeting.id}:{step}:person:{person.id}",
                            kind=step, to=person.email, to_name=person.name,
                            rendered=render(template or step, ctx), now=rt.now(),
                            kommune_id=person.kommune_id, person_id=person.id, attachments=attachments)
        queued += row is not None
    return queued


def invitation(rt: Runtime, meeting: Meeting, people: Sequence[Person]) -> Attachment:
    from hoering.documents.ics import meeting_ics
    from hoering.mail.outbox import message_id_for

    domain = message_id_for("x", rt.settings).rpartition("@")[2].rstrip(">")
    content = meeting_ics(
        uid=f"meeting-{meeting.id}@{domain}", summary=f"Møde i {meeting.body.name}",
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, location=meeting.place,
        description=f"Møde i {meeting.body.long_name}. Dagsorden og bilag er vedhæftet mailen.",
        organizer=rt.settings.secretariat_email, attendees=[(p.name, p.email) for p in people],
        stamp=rt.now())
    return Attachment(filename="moede.ics", content=content, mime_type="text/calendar; method=REQUEST")


def document(name: str, content: bytes, fmt: str) -> Attachment:
    return Attachment(filename=name, content=content, mime_type=PDF if fmt == "pdf" else DOCX)
