"""The directors' status mail as a Prefect flow: find whose status is due, queue one mail per
director, send. Deployed weekly (Monday 08.00 Europe/Copenhagen); run it daily at the same
time as well and it also sends the status due some days before each meeting (T−7 by default).

Re-running it in the same period queues nothing: every mail has its key in the outbox.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel

from flows.hearings import runtime, send_pending


class StatusRun(BaseModel):
    due: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0


@task(cache_policy=NO_CACHE)
def find_due_status(now: datetime) -> list[tuple[int, str]]:
    from hoering.services.status import due_status

    return due_status(runtime(now))


@task(cache_policy=NO_CACHE)
def queue_status_mail(person_id: int, period: str, now: datetime) -> bool:
    from hoering.services.status import queue_status

    return queue_status(runtime(now), person_id, period)


@flow(name="director_status", log_prints=True)
async def director_status(now: datetime | None = None) -> StatusRun:
    """One status mail per director with something to report, then send the outbox."""
    from hoering.danish import utcnow

    at = now or utcnow()
    due = find_due_status(at)
    report = StatusRun(due=len(due))
    for person_id, period in due:
        report.queued += queue_status_mail(person_id, period, at)
    sent = await send_pending(now)
    report.sent, report.failed = sent.sent, sent.failed
    print(f"Status due for {report.due} director(s); queued {report.queued}; sent {sent.sent}.")
    return report
