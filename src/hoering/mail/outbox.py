"""Queuing e-mails: one outbox row per message, in the caller's transaction.

``queue_message`` is the only way mail enters the system. The key makes it idempotent: queuing
the same key twice queues nothing new. The Message-ID is derived from the key, so every attempt
to send a row (and any re-send after a crash) carries the same Message-ID.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.outbox import OutboxMessage
from hoering.mail.render import Rendered
from hoering.settings import Settings


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str  # e.g. "text/calendar; method=REQUEST"


def message_id_for(key: str, settings: Settings) -> str:
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "hoering.example"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def build_message(
    *, settings: Settings, key: str, to: str, to_name: str | None, rendered: Rendered,
    now: datetime, attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = settings.mail_from
    msg["To"] = Address(display_name=to_name or "", addr_spec=to) if to_name else to
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id_for(key, settings)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(rendered.text, subtype="plain", charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    for a in attachments:
        maintype, _, rest = a.mime_type.partition("/")
        subtype, *params = [p.strip() for p in rest.split(";")]
        extra = dict(p.split("=", 1) for p in params if "=" in p)
        msg.add_attachment(a.content, maintype=maintype, subtype=subtype, filename=a.filename,
                           params=extra)
    return msg


def queue_message(
    session: Session, *, settings: Settings, key: str, kind: str, to: str, rendered: Rendered,
    now: datetime, to_name: str | None = None, hearing_id: int | None = None,
    kommune_id: int | None = None, person_id: int | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboxMessage | None:
    """Queue one message under ``key``; None when that key is queued already."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
        return None
    msg = build_message(settings=settings, key=key, to=to, to_name=to_name, rendered=rendered,
                        now=now, attachments=attachments)
    row = OutboxMessage(key=key, message_id=msg["Message-ID"], kind=kind, hearing_id=hearing_id,
                        kommune_id=kommune_id, person_id=person_id, to_addr=to,
                        subject=rendered.subject, raw=msg.as_string(), status="pending",
                        created_at=now, next_attempt_at=now)
    session.add(row)
    return row


def is_queued(session: Session, key: str) -> bool:
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None
