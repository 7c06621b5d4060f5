"""The outbox as the secretariat sees it (counts by state, failed rows, retrying one), and sending
it: the one place that builds the sender, with the notice to the secretariat as its callback for
a message that can never be delivered. The CLI, the flows and the tests all send through here."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from hoering import audit
from hoering.db.lookup import get_or_not_found
from hoering.db.outbox import OutboxMessage, not_sent
from hoering.domain.labels import OUTBOX_STATUS, label
from hoering.errors import RuleViolation
from hoering.runtime import Runtime

if TYPE_CHECKING:
    from hoering.mail.sender import OutboxSender, Progress, SendReport

STATES = ("pending", "sending", "sent", "failed")


def outbox_sender(rt: Runtime, **options: Any) -> OutboxSender:
    """The sender, told how to report a message that fails for good and how to render the
    messages reserved as drafts (receipts). Imported here, not above: SMTP, the templates and
    every table load only when something is sent (``anything_to_send``)."""
    from hoering.mail.sender import OutboxSender
    from hoering.services.outgoing.failures import notify_undeliverable
    from hoering.services.outgoing.hearings import fill_drafts

    return OutboxSender(rt, on_undeliverable=partial(notify_undeliverable, rt), fill_drafts=partial(fill_drafts, rt),
                        **options)


#: the states a sender run acts on: it renders drafts, sends pending rows, and takes back rows
#: left ``sending`` once their lease is over (failed rows wait for ``outbox retry``)
SENDER_ACTS_ON = ("draft", "pending", "sending")


def anything_to_send(rt: Runtime) -> bool:
    """Whether a sender run could do anything (a row not sent in one of ``SENDER_ACTS_ON``).
    When it could not, ``hoering due`` (cron, every few minutes) skips building the sender: one
    indexed read instead of a tenth of a second of imports."""
    with rt.db.read_rows() as conn:
        return conn.execute(select(OutboxMessage.id).where(not_sent(), OutboxMessage.status.in_(SENDER_ACTS_ON))
                            .limit(1)).first() is not None


async def send_due(rt: Runtime, *, progress: Progress | None = None, wait_for_retries: float = 0.0) -> SendReport:
    """Send what is due (in a running event loop: the flows)."""
    return await outbox_sender(rt).send_due(progress=progress, wait_for_retries=wait_for_retries)


def send_outbox(rt: Runtime, *, progress: Progress | None = None, wait_for_retries: float = 0.0) -> SendReport:
    """Send what is due (the CLI, ``hoering due``, the demo)."""
    return asyncio.run(send_due(rt, progress=progress, wait_for_retries=wait_for_retries))


def outbox_status(rt: Runtime) -> dict[str, Any]:
    with rt.db.transaction() as s:
        counts = dict.fromkeys(STATES, 0)
        for state, n in s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)):
            counts[state] = n
        failed = [
            {"id": m.id, "to": m.to_addr, "kind": m.kind, "hearing": m.hearing_id, "subject": m.subject,
             "attempts": m.attempts, "reply": m.smtp_reply or m.last_error}
            for m in s.scalars(select(OutboxMessage).where(not_sent(), OutboxMessage.status == "failed")
                               .order_by(OutboxMessage.id))
        ]
        waiting = [
            {"id": m.id, "to": m.to_addr, "attempts": m.attempts, "next_attempt_at": m.next_attempt_at.isoformat(),
             "last_error": m.last_error}
            for m in s.scalars(select(OutboxMessage).where(
                not_sent(), OutboxMessage.status == "pending",
                or_(OutboxMessage.attempts > 0, OutboxMessage.last_error.is_not(None))).order_by(OutboxMessage.id))
        ]
        return {"counts": counts, "failed": failed, "retrying": waiting}


def retry_message(rt: Runtime, message_id: int, *, actor: str = "sekretariatet") -> None:
    """Put a failed row back in the queue, to be sent at the next run."""
    now = rt.now()
    with rt.db.transaction() as s:
        row = get_or_not_found(s, OutboxMessage, message_id, lock=True, what="besked i udbakken")
        if row.status != "failed":
            raise RuleViolation(f"besked {message_id} i udbakken er {label(OUTBOX_STATUS, row.status)}, ikke fejlet")
        row.status, row.next_attempt_at, row.attempts = "pending", now, 0
        audit.record(s, at=now, actor=actor, action="outbox.retried", entity="outbox",
                     entity_id=row.id, hearing_id=row.hearing_id, previous_reply=row.smtp_reply)
