"""The governance cycle as a Prefect flow: ``cycle_watch`` does what is due, then sends.

A meeting's cycle (call for items, FU's preparation, agenda with ICS, draft minutes, minutes,
KKR orientation) lives in our database; this short run, started by a schedule, asks the cycle
service to do every step due at ``now`` (each once), then sends the outbox. Running it twice at
the same clock does nothing the second time: each step is recorded in ``meeting_step`` and each
mail has its own outbox key.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from flows.shared import describe_actions, label_run, runtime, send_pending
from hoering.danish import utcnow
from hoering.services.cycle import run_cycle


class CycleWatchReport(BaseModel):
    steps: list[str] = Field(default_factory=list)  # "meeting 2: agenda (12)"
    acted: list[tuple[str, str]] = Field(default_factory=list)  # ("meeting-2", "agenda")
    queued: int = 0
    orientations: list[int] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)  # Danish: bilag warnings, results waiting for DAS
    sent: int = 0
    failed: int = 0


@task(cache_policy=NO_CACHE)
def do_due_steps(now: datetime) -> CycleWatchReport:
    """Hearing results onto the next DAS agenda, then every cycle step due at ``now``."""
    done = run_cycle(runtime(now))
    return CycleWatchReport(steps=[f"meeting {m}: {step} ({n})" for m, step, n in done.done],
                            acted=[(f"meeting-{m}", step) for m, step, _ in done.done],
                            queued=done.queued, orientations=done.orientations,
                            warnings=[f"møde {m}: {w}" for m, ws in done.agenda_warnings.items() for w in ws]
                            + done.waiting)


@flow(name="cycle_watch", log_prints=True)
async def cycle_watch(now: datetime | None = None, send: bool = True) -> CycleWatchReport:
    """Prepare, call, inform: every cycle step due at ``now`` (default: the real clock), once."""
    report = do_due_steps(now or utcnow())
    await label_run(*describe_actions(report.acted))
    if send:
        sent = await send_pending(now)
        report.sent, report.failed = sent.sent, sent.failed
    print(f"Cycle steps: {report.steps or 'none due'}; orientations: {report.orientations or 'none'}; "
          f"sent: {report.sent}.")
    for warning in report.warnings:
        print(f"Advarsel: {warning}")
    return report
