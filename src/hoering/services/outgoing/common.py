"""What every outgoing mail shares: queuing one rendered template to one person under an
idempotent outbox key, signed by the secretariat as the registry holds it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from hoering.db.models import Person
from hoering.mail.links import PersonalLinks
from hoering.mail.outbox import Attachment, queue_message
from hoering.mail.render import render
from hoering.runtime import Runtime
from hoering.services.registry import secretariat

__all__ = ["queue_to_person", "secretariat"]


def queue_to_person(rt: Runtime, s: Session, *, template: str, context: dict[str, Any], person: Person,
                    key: str, kind: str | None = None, hearing_id: int | None = None,
                    kommune_id: int | None = None, attachments: Sequence[Attachment] = (),
                    reply_to: str | None = None, in_reply_to: str | None = None,
                    links: PersonalLinks | None = None) -> int:
    """Render ``template`` for ``person`` and queue it under ``key``: 1 if queued, 0 if the key
    was queued already. ``reply_to`` / ``in_reply_to``: see ``hoering.mail.outbox``; ``links``:
    the personal links the context was given (``hoering.mail.links``)."""
    ctx = {**context, "person": {"name": person.name, "email": person.email}}
    row = queue_message(s, settings=rt.settings, key=key, kind=kind or template, to=person.email,
                        to_name=person.name, rendered=render(template, ctx), now=rt.now(),
                        hearing_id=hearing_id, kommune_id=kommune_id, person_id=person.id,
                        attachments=attachments, reply_to=reply_to, in_reply_to=in_reply_to,
                        links=links.labels if links is not None else None)
    return 0 if row is None else 1
