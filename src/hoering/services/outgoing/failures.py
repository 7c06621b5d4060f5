"""When no contact of a kommune can be reached, the secretariat is told in a mail of its own.

``notify_undeliverable`` is the callback the outbox sender is given (``services.outbox``): the
sender only reports that a message failed for good; deciding whom to tell is done here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.models import Hearing, Kommune, OutboxMessage
from hoering.mail.outbox import queue_message
from hoering.mail.render import render
from hoering.runtime import Runtime
from hoering.services.outgoing.common import secretariat

WATCHED = ("invitation", "reminder", "deadline_changed")


def notify_undeliverable(rt: Runtime, s: Session, outbox_id: int) -> bool:
    """Queue a notice to the secretariat if ``outbox_id`` failed and so did every other mail of
    the same kind to the same kommune in the same hearing. True when one was queued."""
    row = s.get(OutboxMessage, outbox_id)
    if row is None or row.kind not in WATCHED or row.hearing_id is None or row.kommune_id is None:
        return False
    siblings = list(s.scalars(select(OutboxMessage).where(
        OutboxMessage.hearing_id == row.hearing_id, OutboxMessage.kommune_id == row.kommune_id,
        OutboxMessage.kind == row.kind)))
    if any(m.status != "failed" for m in siblings):
        return False
    hearing = s.get(Hearing, row.hearing_id)
    kommune = s.get(Kommune, row.kommune_id)
    assert hearing is not None and kommune is not None
    ctx = {
        "secretariat": secretariat(rt, s),
        "hearing": {"id": hearing.id, "title": hearing.title, "deadline": hearing.deadline},
        "kommune": {"display_name": kommune.display_name, "code": kommune.code},
        "kind": {"invitation": "invitationen", "reminder": "påmindelsen",
                 "deadline_changed": "besked om ny frist"}[row.kind],
        "failures": [{"to": m.to_addr, "reply": m.smtp_reply or m.last_error or ""} for m in siblings],
    }
    queued = queue_message(s, settings=rt.settings, key=f"hearing:{hearing.id}:undeliverable:"
                           f"{kommune.code}:{row.kind}:{hearing.deadline_version}",
                           kind="delivery_failed", to=rt.settings.secretariat_email,
                           rendered=render("delivery_failed", ctx), now=rt.now(), hearing_id=hearing.id,
                           kommune_id=kommune.id)
    return queued is not None
