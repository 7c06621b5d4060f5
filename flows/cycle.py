"""The governance cycle as a Prefect flow: ``cycle_watch`` does what is due, then sends.

A meeting's cycle (call for items, FU's preparation, agenda with ICS, draft minutes, minutes,
KKR orientation) lives in our database; this short run, started by a schedule, looks at what is
due at ``now`` and does each step once. Every task is one service call with ids and primitives.
Running it twice at the same clock does nothing the second time: each step is recorded in
``meeting_step`` and each mail has its own outbox key.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from hoering.runtime import Runtime, bootstrap


class CycleWatchReport(BaseModel):
    steps: list[str] = Field(default_factory=list)  # "meeting 2: agenda (12)"
    queued: int = 0
    orientations: list[int] = Field(default_factory=list)
    sent: int = 0
    failed: int = 0


def runtime(now: datetime | None) -> Runtime:
    return bootstrap() if now is None else bootstrap(clock=lambda: now)


@task(cache_policy=NO_CACHE)
def orient_hearing_results(now: datetime) -> list[int]:
    """Closed hearings attached to items: their results onto the next DAS agenda."""
    from hoering.services.orientation import orient_hearing_results as orient

    return orient(runtime(now), actor="cycle_watch")


@task(cache_policy=NO_CACHE)
def find_due_steps(now: datetime) -> list[tuple[int, str]]:
    from hoering.services.cycle import due_steps

    return due_steps(runtime(now), now)


@task(cache_policy=NO_CACHE)
def do_step(meeting_id: int, step: str, now: datetime) -> int:
    from hoering.services.cycle import run_step

    return run_step(runtime(now), meeting_id, step)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
async def send_pending(now: datetime | None) -> tuple[int, int]:
    from hoering.mail.sender import OutboxSender

    report = await OutboxSender(runtime(now)).send_due()
    return report.sent, report.failed


@flow(name="cycle_watch", log_prints=True)
async def cycle_watch(now: datetime | None = None, send: bool = True) -> CycleWatchReport:
    """Prepare, call, inform: every cycle step due at ``now`` (default: the real clock), once."""
    from hoering.danish import utcnow

    at = now or utcnow()
    report = CycleWatchReport(orientations=orient_hearing_results(at))
    done: set[tuple[int, str]] = set()
    while due := [d for d in find_due_steps(at) if tuple(d) not in done]:  # a step can make the next due
        for meeting_id, step in due:
            done.add((meeting_id, step))
            queued = do_step(meeting_id, step, at)
            report.steps.append(f"meeting {meeting_id}: {step} ({queued})")
            report.queued += queued
    if send:
        report.sent, report.failed = await send_pending(now)
    print(f"Cycle steps: {report.steps or 'none due'}; orientations: {report.orientations or 'none'}; "
          f"sent: {report.sent}.")
    return report
