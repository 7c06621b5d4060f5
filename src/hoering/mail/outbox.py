"""Queuing e-mails: one outbox row per message, in the caller's transaction.

``queue_message`` is the only way mail enters the system. The key makes it idempotent: queuing
the same key twice queues nothing new. The Message-ID is derived from the key and the
installation's secret (HMAC), so every attempt to send a row (and any re-send after a crash)
carries the same Message-ID, and two installations never make the same one (a reply to another
installation's mail, or a test system's, is not mistaken for a reply to ours). Calendar UIDs are
derived the same way.

A mail can also be queued in two steps (receipts): ``reserve_messages`` writes a
``draft`` row in the transaction of the change (its key, Message-ID, recipient and a small JSON
note of what to render), and ``filled_message`` renders it later, outside the writer's lock.
The sender never claims a draft; whoever sends first fills the drafts left (a process killed
between the two steps loses no mail).

Personal links (answer links, approval links) are queued as placeholders, with the labels the
sender derives their tokens from (``mail.links``): pass the message's ``PersonalLinks.labels`` as
``links``. Its text parts are then quoted-printable, so that each placeholder stands in the raw
message in one piece.

Threading: a mail that follows up on a contact's invitation (reminder, receipt, deadline change,
result) carries ``In-Reply-To`` and ``References`` with the invitation's Message-ID, so Outlook
shows the hearing as one thread; ``Reply-To`` can be a per-contact reply address
(``HOERING_REPLY_ADDRESS``) that the inbox reads back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from hoering.db.outbox import OutboxCopy, OutboxMessage, OutboxUnsent
from hoering.mail.links import Links, placed
from hoering.mail.redact import redact_answer_links
from hoering.mail.render import Rendered
from hoering.settings import Settings


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str  # e.g. "text/calendar; method=REQUEST"


def mail_domain(settings: Settings) -> str:
    return parseaddr(settings.mail_from)[1].rpartition("@")[2] or "hoering.example"


def _derived(key: str, settings: Settings, purpose: str) -> str:
    return hmac.new(settings.secret(), f"{purpose}:{key}".encode(), hashlib.sha256).hexdigest()[:40]


def message_id_for(key: str, settings: Settings) -> str:
    """``<hmac(secret, key)@domain>``: stable for a row, unique to the installation."""
    return f"<{_derived(key, settings, 'message-id')}@{mail_domain(settings)}>"


def ics_uid_for(key: str, settings: Settings) -> str:
    """A calendar UID for ``key`` (e.g. ``meeting:7``), derived like the Message-IDs."""
    return f"{_derived(key, settings, 'ics-uid')}@{mail_domain(settings)}"


# Personal mail (RFC 3834): out-of-office responders answer it, and their answer is what asks a
# kommune's other contact. Receipts, results and notices stay ``Auto-Submitted: auto-generated``.
PERSONAL_KINDS = frozenset({"invitation", "reminder"})


def build_message(
    *, settings: Settings, key: str, to: str, to_name: str | None, rendered: Rendered,
    now: datetime, attachments: Sequence[Attachment] = (), reply_to: str | None = None,
    in_reply_to: str | None = None, personal: bool = False, with_links: bool = False,
) -> EmailMessage:
    """The message; ``personal``: no ``Auto-Submitted`` (``PERSONAL_KINDS``); ``with_links``: its
    text holds personal links' placeholders (quoted-printable, never base64, so that they stand in
    the raw message as they are)."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = settings.mail_from
    msg["To"] = Address(display_name=to_name or "", addr_spec=to) if to_name else to
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id_for(key, settings)
    if not personal:
        msg["Auto-Submitted"] = "auto-generated"
    if reply_to:
        msg["Reply-To"] = Address(display_name=parseaddr(settings.mail_from)[0], addr_spec=reply_to)
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    cte = "quoted-printable" if with_links else None
    msg.set_content(rendered.text, subtype="plain", charset="utf-8", cte=cte)
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte=cte)
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
    attachments: Sequence[Attachment] = (), reply_to: str | None = None, in_reply_to: str | None = None,
    links: Links | None = None,
) -> OutboxMessage | None:
    """Queue one message under ``key``; None when that key is queued already. ``reply_to`` is a
    Reply-To address; ``in_reply_to`` the Message-ID of the mail this one follows up on; ``links``
    its personal links (placeholder -> label, ``mail.links.PersonalLinks``)."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
        return None
    msg = build_message(settings=settings, key=key, to=to, to_name=to_name, rendered=rendered,
                        now=now, attachments=attachments, reply_to=reply_to, in_reply_to=in_reply_to,
                        personal=kind in PERSONAL_KINDS, with_links=bool(links))
    row = OutboxMessage(key=key, message_id=msg["Message-ID"], kind=kind, hearing_id=hearing_id,
                        kommune_id=kommune_id, person_id=person_id, to_addr=to,
                        subject=rendered.subject, status="pending", created_at=now, next_attempt_at=now,
                        **_unsent_and_copy(queued_raw(msg, rendered, links), links))
    session.add(row)
    return row


DRAFT = "draft"


@dataclass(frozen=True)
class Draft:
    """A message to reserve under ``key``, rendered later from ``note`` (``filled_message``)."""

    key: str
    kind: str
    to: str
    note: dict[str, Any]
    hearing_id: int | None = None
    kommune_id: int | None = None
    person_id: int | None = None


def reserve_messages(session: Session, *, settings: Settings, now: datetime,
                     drafts: Sequence[Draft]) -> list[OutboxMessage]:
    """Reserve each draft's key for a message rendered later: a ``draft`` row whose unsent
    message is its ``note`` (JSON: what to render it from); keys queued already are skipped. One
    statement looks up all the keys (the receipts are reserved under the hearing's lock)."""
    if not drafts:
        return []
    taken = set(session.scalars(_QUEUED_KEYS, {"keys": [d.key for d in drafts]}))
    rows = [OutboxMessage(key=d.key, message_id=message_id_for(d.key, settings), kind=d.kind,
                          hearing_id=d.hearing_id, kommune_id=d.kommune_id, person_id=d.person_id, to_addr=d.to,
                          subject="", unsent=OutboxUnsent(raw=json.dumps(d.note)), status=DRAFT, created_at=now,
                          next_attempt_at=now)
            for d in drafts if d.key not in taken]
    session.add_all(rows)
    return rows


_QUEUED_KEYS = select(OutboxMessage.key).where(OutboxMessage.key.in_(bindparam("keys", expanding=True)))


def draft_note(row: OutboxMessage) -> dict[str, Any]:
    assert row.unsent is not None, f"outbox row {row.id} is a draft without its note"
    return dict(json.loads(row.unsent.raw))


@dataclass(frozen=True)
class FilledDraft:
    """A draft rendered: what ``fill_draft`` queues it with."""

    subject: str
    raw: str
    copy: str
    links: Links | None = None


def filled_message(
    row: OutboxMessage, *, settings: Settings, rendered: Rendered, to_name: str | None = None,
    attachments: Sequence[Attachment] = (), reply_to: str | None = None, in_reply_to: str | None = None,
    links: Links | None = None,
) -> FilledDraft:
    """A draft's message, rendered (dated when it was reserved) and redacted for its stored copy:
    the work done outside the writer's lock."""
    msg = build_message(settings=settings, key=row.key, to=row.to_addr, to_name=to_name, rendered=rendered,
                        now=row.created_at, attachments=attachments, reply_to=reply_to, in_reply_to=in_reply_to,
                        with_links=bool(links))
    raw = queued_raw(msg, rendered, links)
    return FilledDraft(subject=rendered.subject, raw=raw, copy=redact_answer_links(raw), links=links)


def fill_draft(session: Session, row_id: int, filled: FilledDraft) -> bool:
    """Queue draft ``row_id`` with its rendered message; False when it is no longer a draft (another
    process filled it meanwhile)."""
    result = session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == DRAFT)
                             .values(subject=filled.subject, status="pending"))
    if not getattr(result, "rowcount", 0):
        return False
    session.execute(update(OutboxUnsent).where(OutboxUnsent.outbox_id == row_id)
                    .values(raw=filled.raw, links=dict(filled.links) if filled.links else None))
    session.add(OutboxCopy(outbox_id=row_id, raw=filled.copy))
    return True


def queued_raw(msg: EmailMessage, rendered: Rendered, links: Links | None) -> str:
    """The message as queued: every personal link's placeholder in one piece (``mail.links``)."""
    raw = msg.as_string()
    if not links:
        return raw
    return placed(raw, links, expected={p: rendered.text.count(p) + rendered.html.count(p) for p in links})


def _unsent_and_copy(raw: str, links: Links | None) -> dict[str, Any]:
    """The message to send with its links' labels, and the stored copy the row keeps (links
    redacted)."""
    return {"unsent": OutboxUnsent(raw=raw, links=dict(links) if links else None),
            "copy": OutboxCopy(raw=redact_answer_links(raw))}


def is_queued(session: Session, key: str) -> bool:
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None
