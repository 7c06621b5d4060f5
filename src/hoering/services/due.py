"""The due work, decided by the clock: reminders that are due, hearings past their deadline.

Every step is idempotent: a reminder is keyed by hearing, deadline version, offset and contact;
a hearing is closed (with its results queued) in one transaction or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from hoering.db.models import Hearing
from hoering.domain.calendar import parse_duration
from hoering.errors import RuleViolation
from hoering.mail import notices
from hoering.runtime import Runtime
from hoering.services.hearings import close_hearing
from hoering.services.lookups import get_hearing
from hoering.services.queries import hearings_open_past_deadline
from hoering.services.tallying import definition_of, tally_hearing


@dataclass
class DueReport:
    reminders: int = 0
    closed: list[int] = field(default_factory=list)


def due_reminder(hearing: Hearing, now: datetime) -> str | None:
    """The reminder offset due now (the latest whose time has come), or None.

    A reminder whose time lies before the hearing was opened is never sent."""
    if hearing.status != "open" or now >= hearing.deadline:
        return None
    due = []
    for offset in definition_of(hearing).reminders:
        at = hearing.deadline - parse_duration(offset)
        if hearing.opened_at <= at <= now:
            due.append((at, offset))
    return max(due)[1] if due else None


def hearings_due_for_reminder(rt: Runtime, now: datetime) -> list[tuple[int, str]]:
    with rt.db.transaction() as s:
        hearings = s.scalars(select(Hearing).where(Hearing.status == "open", Hearing.deadline > now))
        return [(h.id, offset) for h in hearings if (offset := due_reminder(h, now))]


def queue_due_reminders(rt: Runtime, hearing_id: int, offset: str) -> int:
    """Queue the reminder ``offset`` to the kommuner that have not answered (all their contacts)."""
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        if hearing.status != "open":
            return 0
        silent = set(tally_hearing(s, hearing).silent)
        return notices.queue_reminders(rt, s, hearing, offset=offset, silent=silent)


def hearings_past_deadline(rt: Runtime, now: datetime) -> list[int]:
    with rt.db.transaction() as s:
        return hearings_open_past_deadline(s, now)


def close_due(rt: Runtime, hearing_id: int, *, actor: str = "hoering due") -> bool:
    """Close one hearing past its deadline; False if someone else closed it first."""
    try:
        close_hearing(rt, hearing_id, actor=actor)
    except RuleViolation:
        return False
    return True


def run_due_work(rt: Runtime) -> DueReport:
    """Everything due at ``rt.now()`` (without sending: the caller sends the outbox)."""
    now = rt.now()
    report = DueReport()
    for hearing_id, offset in hearings_due_for_reminder(rt, now):
        report.reminders += queue_due_reminders(rt, hearing_id, offset)
    for hearing_id in hearings_past_deadline(rt, now):
        if close_due(rt, hearing_id):
            report.closed.append(hearing_id)
    return report
