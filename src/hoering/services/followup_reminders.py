"""Reminding a follow-up's owner, once, a few working days before it is due.

Run with the cycle (``run_cycle``): each open follow-up whose due date (its own, or the date of
the deciding body's next meeting) is at most ``followup_reminder_days`` working days away gets one
mail to its owner (the person, or the owning body's members), queued in the transaction that
marks it reminded, so a second run at any later time sends nothing.
"""

from __future__ import annotations

from hoering import audit
from hoering.danish import format_date, local
from hoering.runtime import Runtime
from hoering.services.followups import followups_to_remind, owners
from hoering.services.outgoing.common import queue_to_person, secretariat

ACTOR = "hoering cycle"


def remind_followups(rt: Runtime) -> int:
    """Queue the reminders due at ``rt.now()``; returns the number of mails queued."""
    now = rt.now()
    queued = 0
    with rt.db.transaction() as s:
        sec = secretariat(rt, s)
        today = local(now).date()
        for f, due in followups_to_remind(s, today, rt.settings.followup_reminder_days):
            # a run missed until after the due date says so: "overskredet", not "Fristen er"
            context = {"followup": {"what": f.what, "who": f.who, "due_da": format_date(due),
                                    "next_meeting": f.due_next_meeting, "item_title": f.item.title,
                                    "decided_by": (f.item.decided_by or "").upper(), "overdue": today > due,
                                    "id": f.id},
                       "secretariat": sec}
            people = owners(f)
            for person in people:
                # the secretariat is not asked to tell itself
                own = {"is_secretariat": person.email.lower() == sec["email"].lower()}
                queued += queue_to_person(rt, s, template="followup_reminder", context={**context, **own},
                                          person=person,
                                          key=f"followup:{f.id}:reminder:person:{person.id}",
                                          kommune_id=person.kommune_id)
            f.reminded_at = now
            audit.record(s, at=now, actor=ACTOR, action="followup.reminded", entity="followup", entity_id=f.id,
                         due=due.isoformat(), to=[p.email for p in people])
    return queued
