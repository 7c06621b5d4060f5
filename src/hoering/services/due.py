"""The due work, decided by the clock: reminders that are due, hearings past their deadline.

Every step is idempotent: a reminder is keyed by hearing, deadline version, offset and contact;
a hearing is closed (with its results queued) in one transaction or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from hoering.db.hearings import Hearing
from hoering.db.lookup import get_hearing
from hoering.db.tallying import definition_of
from hoering.domain.calendar import is_working_day, local_date, parse_duration, reminder_time
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.queries import hearings_open_past_deadline
from hoering.views.record import live_tally


@dataclass
class DueReport:
    reminders: int = 0
    reminded: list[int] = field(default_factory=list)  # hearings that got reminders
    closed: list[int] = field(default_factory=list)


def due_reminder(hearing: Hearing, now: datetime) -> str | None:
    """The reminder offset due now (the latest whose time has come), or None.

    A reminder due on a weekend or closing day goes out on the working day before; one whose
    time lies before the hearing was opened is never sent (see ``reminder_time``). On a closing
    day no scheduled reminder goes out at all: one missed on its working day (the watcher was
    down) waits for the next working day rather than arriving on a Saturday."""
    if hearing.status != "open" or now >= hearing.deadline or not is_working_day(local_date(now)):
        return None
    due = []
    for offset in definition_of(hearing).reminders:
        at = reminder_time(hearing.deadline, parse_duration(offset), opened_at=hearing.opened_at)
        if at is not None and at <= now:
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
        silent = set(live_tally(s, hearing).silent)
        from hoering.services.outgoing import hearings as notices  # lazy: mail rendering

        return notices.queue_reminders(rt, s, hearing, offset=offset, silent=silent)


def hearings_past_deadline(rt: Runtime, now: datetime) -> list[int]:
    with rt.db.transaction() as s:
        return hearings_open_past_deadline(s, now)


def close_due(rt: Runtime, hearing_id: int, *, actor: str = "hoering due") -> bool:
    """Close one hearing past its deadline; False if someone else closed it first."""
    try:
        from hoering.services.hearings import close_hearing  # lazy: results, mail rendering

        close_hearing(rt, hearing_id, actor=actor)
    except RuleViolation:
        return False
    return True


def run_due_work(rt: Runtime) -> DueReport:
    """Everything due at ``rt.now()`` (without sending: the caller sends the outbox)."""
    now = rt.now()
    report = DueReport()
    for hearing_id, offset in hearings_due_for_reminder(rt, now):
        queued = queue_due_reminders(rt, hearing_id, offset)
        report.reminders += queued
        if queued:
            report.reminded.append(hearing_id)
    for hearing_id in hearings_past_deadline(rt, now):
        if close_due(rt, hearing_id):
            report.closed.append(hearing_id)
    return report
