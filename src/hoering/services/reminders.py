"""A reminder sent on request ("send a reminder now"), besides the scheduled ones."""

from __future__ import annotations

import secrets

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.db.lookup import get_hearing
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.outgoing import hearings as notices
from hoering.views.record import live_tally


def remind_now(rt: Runtime, hearing_id: int, *, actor: str = SECRETARIAT,
               request_id: str | None = None) -> int:
    """Queue a reminder to every contact of the kommuner that have not answered; returns how many.

    Each request is one reminder round with its own offset label (``now-<request_id>``): the same
    request sent twice (a double click, a resubmitted form) queues nothing the second time, while
    a new request reminds again. A round that queued mail is written to the audit log.
    """
    request_id = request_id or secrets.token_hex(8)
    if not request_id.isalnum() or len(request_id) > 40:
        raise RuleViolation("the reminder request id must be 1-40 letters or digits")
    now = rt.now()
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        if hearing.status != "open":
            raise RuleViolation(f"hearing {hearing_id} is closed; no reminders")
        if now >= hearing.deadline:
            raise RuleViolation(f"the deadline of hearing {hearing_id} has passed; no reminders")
        silent = set(live_tally(s, hearing).silent)
        offset = f"now-{request_id}"
        queued = notices.queue_reminders(rt, s, hearing, offset=offset, silent=silent)
        if queued:
            audit.record(s, at=now, actor=actor, action="hearing.reminded", entity="hearing",
                         entity_id=hearing.id, hearing_id=hearing.id, offset=offset,
                         kommuner=sorted(silent), messages=queued)
        return queued
