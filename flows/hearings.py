"""The mail hearing as Prefect flows: open a hearing, watch what is due, send the outbox.

A hearing's state (deadline, answers, reminders sent) lives in our database; these flows are
short runs, started by hand or by a schedule, that look at what is due and act on it. Each task
calls one service with ids and primitives and builds its own runtime with ``bootstrap()``.

Every flow takes an optional ``now``: the moment to act as of (replays, the demo, tests). Left
empty, the flows use the real clock.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, ConfigDict, Field, model_validator

from flows.shared import SendResult, describe_actions, label_run, note_success, runtime, send_pending
from hoering.danish import format_amount, format_datetime, utcnow
from hoering.domain.hearing import HearingDefinition
from hoering.services.due import run_due_work
from hoering.services.hearings import open_hearing as open_hearing_service
from hoering.services.hearings import open_hearing_file as open_file_service
from hoering.views.result import HearingResult, hearing_result


class OpenHearingRequest(BaseModel):
    """What the secretariat fills in to open a hearing: a hearing file, or the hearing itself.
    Titles are Danish: Prefect's form shows them to the secretariat."""

    model_config = ConfigDict(title="Ny høring")

    hearing_file: str | None = Field(
        default=None, title="Høringsfil",
        description="Sti til en høringsfil (YAML, se examples/), som arbejderen ser den; relativ til dens mappe.")
    definition: HearingDefinition | None = Field(
        default=None, title="Høring", description="Høringen selv, når der ikke angives en fil.")
    now: datetime | None = Field(
        default=None, title="Åbn pr.", description="Åbn høringen som på dette tidspunkt (genafspilning); "
        "tom betyder nu.")
    allow_closed_day: bool = Field(
        default=False, title="Tillad frist på en lukkedag",
        description="Fristen må ligge i en weekend eller på en helligdag.")
    again: bool = Field(
        default=False, title="Åbn igen",
        description="Åbn høringen, selv om en høring med samme titel, organ og frist allerede findes.")

    @model_validator(mode="after")
    def _one_source(self) -> OpenHearingRequest:
        if (self.hearing_file is None) == (self.definition is None):
            raise ValueError("Angiv enten en høringsfil eller en høring (ikke begge).")
        return self


class WatchReport(BaseModel):
    reminders: int = 0
    closed: list[int] = Field(default_factory=list)
    sent: int = 0
    failed: int = 0


# -- tasks: one service call each -------------------------------------------------------------


@task(cache_policy=NO_CACHE)
def open_hearing_file(path: str, now: datetime | None, allow_closed_day: bool, again: bool) -> int:
    """Check the file (every mistake at once), store the hearing, queue its invitations."""
    return open_file_service(runtime(now), Path(path), allow_closed_day=allow_closed_day, again=again)


@task(cache_policy=NO_CACHE)
def store_hearing(definition: dict[str, Any], now: datetime | None, allow_closed_day: bool, again: bool) -> int:
    return open_hearing_service(runtime(now), definition, allow_closed_day=allow_closed_day, again=again)


@task(cache_policy=NO_CACHE)
async def do_due_work(now: datetime) -> tuple[int, list[int], list[int]]:
    """Reminders due and hearings past their deadline closed, tallied, results queued:
    (reminders queued, hearings reminded, hearings closed).

    Async only for its run's bookkeeping: a sync task in this async flow makes
    Prefect build a client of its own for every run. The service call blocks the flow's loop
    while it works, as the sync task did."""
    report = run_due_work(runtime(now))
    return report.reminders, report.reminded, report.closed


@task(cache_policy=NO_CACHE)
async def publish_result(hearing_id: int, now: datetime | None) -> None:
    """The tally as a table artifact and the result text as markdown, keyed by hearing."""
    result = hearing_result(runtime(now), hearing_id)
    await acreate_table_artifact(table=tally_rows(result), key=f"hearing-{hearing_id}-tally",
                                 description=f"Optælling: {result.title}")
    await acreate_markdown_artifact(markdown=result_markdown(result), key=f"hearing-{hearing_id}-result",
                                    description=f"Resultat: {result.title}")


# -- flows ----------------------------------------------------------------------------------


@flow(name="open_hearing", log_prints=True)
async def open_hearing(request: OpenHearingRequest) -> int:
    """Validate the hearing, store it, queue the invitations and send them."""
    flags = {"allow_closed_day": request.allow_closed_day, "again": request.again}
    if request.hearing_file is not None:
        hearing_id = open_hearing_file(request.hearing_file, request.now, **flags)
    else:
        assert request.definition is not None
        hearing_id = store_hearing(request.definition.model_dump(mode="json"), request.now, **flags)
    await label_run(*describe_actions([(f"hearing-{hearing_id}", "open")]))
    sent = await send_pending(request.now)
    print(f"Hearing {hearing_id} opened; {sent.sent} invitation(s) sent.")
    return hearing_id


@flow(name="hearing_watch", log_prints=True)
async def hearing_watch(now: datetime | None = None) -> WatchReport:
    """The due work: reminders due, hearings past their deadline closed and tallied, results
    queued, then send. Running it twice at the same time does nothing new the second time."""
    at = now or utcnow()
    reminders, reminded, closed = await do_due_work(at)
    await label_run(*describe_actions([(f"hearing-{h}", "reminder") for h in reminded]
                                      + [(f"hearing-{h}", "close") for h in closed]))
    for hearing_id in closed:
        await publish_result(hearing_id, at)
    sent = await send_pending(now)
    await note_success("hearing_watch")
    print(f"Reminders queued: {reminders}; closed: {closed or 'none'}; sent: {sent.sent}.")
    return WatchReport(reminders=reminders, closed=closed, sent=sent.sent, failed=sent.failed)


@flow(name="send_outbox", log_prints=True, retries=2, retry_delay_seconds=30)
async def send_outbox(now: datetime | None = None) -> SendResult:
    """Send what is pending in the outbox (each message's own retries live in the outbox)."""
    result = await send_pending(now)
    await label_run(*describe_actions([("outbox", f"sent-{result.sent}")] if result.sent else [],
                                      idle="nothing to send"))
    print(f"Sent {result.sent}; failed {result.failed}; waiting to retry {result.retrying}.")
    return result


# -- artifacts --------------------------------------------------------------------------------


def tally_rows(result: HearingResult) -> list[dict[str, Any]]:
    rows = []
    for line in result.lines:
        a = line.answer
        row = {"kommune": line.name, "svar": (a.option if a else None) or "intet svar",
               "kanal": a.channel if a else "",
               "modtaget": format_datetime(a.received_at) if a else ""}
        if result.allocation is not None:
            row["udbetaling"] = format_amount(line.payout or Decimal(0))
        rows.append(row)
    return rows


def result_markdown(result: HearingResult) -> str:
    lines = [f"# {result.title}", "", result.summary, "",
             f"- Svar: {result.answered} af {result.recipients}"]
    if result.counts:
        lines.append("- Fordeling: " + ", ".join(f"{k}: {n}" for k, n in result.counts.items()))
    if result.allocation is not None:
        lines.append(f"- Samlet beløb: {result.total_da}")
        lines.append(f"- I fælles pulje: {format_amount(result.allocation.pool)}")
        lines.append("- Udbetalinger: " + (", ".join(
            f"{code}: {format_amount(v)}" for code, v in result.allocation.payouts.items()) or "ingen"))
    if result.closed_at:
        lines.append(f"- Lukket: {format_datetime(result.closed_at)}")
    return "\n".join(lines) + "\n"
