"""What every flow shares: the runtime a task builds for itself, the task that sends the
outbox (the last step of every flow), and naming a run by what it acted on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel

from hoering.runtime import Runtime, bootstrap
from hoering.services.health import record_heartbeat
from hoering.services.outbox import send_due


class SendResult(BaseModel):
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    held: int = 0


def runtime(now: datetime | None) -> Runtime:
    """The runtime for one task: settings from the environment, the clock fixed at ``now``."""
    if now is None:
        return bootstrap()
    return bootstrap(clock=lambda: now)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
async def send_pending(now: datetime | None) -> SendResult:
    """Send what is due in the outbox (each message's own retries live in the outbox)."""
    report = await send_due(runtime(now))
    if report.held:  # forced TLS refused the server: the rows wait, and the run says why
        get_run_logger().error("%d message(s) held: %s", report.held, "; ".join(report.errors))
    return SendResult(sent=report.sent, failed=report.failed, retrying=report.retrying, held=report.held)


@task(cache_policy=NO_CACHE)
async def note_success(job: str) -> None:
    """The heartbeat /healthz reads (real time, even in a replay). Async, as the flows that call it
    are: a sync task in an async flow makes Prefect build a client of its own for the run."""
    record_heartbeat(bootstrap(), job)


def describe_actions(actions: Iterable[tuple[str, str]], *, idle: str = "nothing due") -> tuple[str, list[str]]:
    """A run's name and tags from what it did: ``[("hearing-12", "reminder"), ("hearing-13",
    "close")]`` gives ``"hearing-12 reminder, hearing-13 close"`` and the tags ``hearing-12``,
    ``hearing-13``, ``reminder``, ``close``; a run that did nothing is named ``idle``."""
    done = list(dict.fromkeys(actions))
    if not done:
        return idle, [idle.replace(" ", "-")]
    name = ", ".join(f"{what} {action}" for what, action in done)
    tags = list(dict.fromkeys([what for what, _ in done] + [action for _, action in done]))
    return name, tags


async def label_run(name: str, tags: Iterable[str]) -> None:
    """Rename and tag the running flow run (keeping its deployment's tags), so Prefect's UI
    filters one hearing's or meeting's history by its tag."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import flow_run

    run_id = flow_run.id
    if not run_id:
        return
    # The run's tags as the engine read them when the run started: no extra request.
    current = flow_run.tags
    async with get_client() as client:
        await client.update_flow_run(run_id, name=name[:200], tags=list(dict.fromkeys([*current, *tags])))
