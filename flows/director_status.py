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

from flows.shared import runtime, send_pending
from hoering.danish import utcnow
from hoering.services.outgoing.status import queue_due_status


class StatusRun(BaseModel):
    due: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0


@task(cache_policy=NO_CACHE)
def queue_due_status_mails(now: datetime) -> StatusRun:
    """One status mail queued per director whose status is due at ``now``."""
    queued = queue_due_status(runtime(now))
    return StatusRun(due=queued.due, queued=queued.queued)


@flow(name="director_status", log_prints=True)
async def director_status(now: datetime | None = None) -> StatusRun:
    """One status mail per director with something to report, then send the outbox."""
    report = queue_due_status_mails(now or utcnow())
    sent = await send_pending(now)
    report.sent, report.failed = sent.sent, sent.failed
    print(f"Status due for {report.due} director(s); queued {report.queued}; sent {sent.sent}.")
    return report
