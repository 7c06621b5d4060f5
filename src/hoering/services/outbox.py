"""The outbox as the secretariat sees it: counts by state, failed rows, retrying one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from hoering import audit
from hoering.db.outbox import OutboxMessage
from hoering.errors import NotFoundError, RuleViolation
from hoering.runtime import Runtime

STATES = ("pending", "sending", "sent", "failed")


def outbox_status(rt: Runtime) -> dict[str, Any]:
    with rt.db.transaction() as s:
        counts = dict.fromkeys(STATES, 0)
        for state, n in s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)):
            counts[state] = n
        failed = [
            {"id": m.id, "to": m.to_addr, "kind": m.kind, "hearing": m.hearing_id, "subject": m.subject,
             "attempts": m.attempts, "reply": m.smtp_reply or m.last_error}
            for m in s.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed")
                               .order_by(OutboxMessage.id))
        ]
        waiting = [
            {"id": m.id, "to": m.to_addr, "attempts": m.attempts, "next_attempt_at": m.next_attempt_at.isoformat(),
             "last_error": m.last_error}
            for m in s.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending",
                                                           OutboxMessage.attempts > 0).order_by(OutboxMessage.id))
        ]
        return {"counts": counts, "failed": failed, "retrying": waiting}


def retry_message(rt: Runtime, message_id: int, *, actor: str = "sekretariatet") -> None:
    """Put a failed row back in the queue, to be sent at the next run."""
    now = rt.now()
    with rt.db.transaction() as s:
        row = s.get(OutboxMessage, message_id, with_for_update=True)
        if row is None:
            raise NotFoundError(f"no outbox message with id {message_id}")
        if row.status != "failed":
            raise RuleViolation(f"outbox message {message_id} is {row.status}, not failed")
        row.status, row.next_attempt_at, row.attempts = "pending", now, 0
        audit.record(s, at=now, actor=actor, action="outbox.retried", entity="outbox",
                     entity_id=row.id, hearing_id=row.hearing_id, previous_reply=row.smtp_reply)
