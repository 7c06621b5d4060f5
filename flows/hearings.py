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
from pydantic import BaseModel, Field, model_validator

from hoering.danish import format_amount, format_datetime
from hoering.domain.hearing import HearingDefinition
from hoering.runtime import Runtime, bootstrap


class OpenHearingRequest(BaseModel):
    """What the secretariat fills in to open a hearing: a hearing file, or the hearing itself."""

    hearing_file: str | None = Field(
        default=None, title="Hearing file",
        description="Path to a hearing YAML file (see examples/jyfe.yaml), as seen by the worker.")
    definition: HearingDefinition | None = Field(
        default=None, title="Hearing", description="The hearing, when no file is given.")
    now: datetime | None = Field(
        default=None, title="Act as of", description="Open the hearing as of this time (replays); "
        "empty means now.")

    @model_validator(mode="after")
    def _one_source(self) -> OpenHearingRequest:
        if (self.hearing_file is None) == (self.definition is None):
            raise ValueError("give either hearing_file or definition")
        return self


class WatchReport(BaseModel):
    reminders: int = 0
    closed: list[int] = Field(default_factory=list)
    sent: int = 0
    failed: int = 0


class SendResult(BaseModel):
    sent: int = 0
    failed: int = 0
    retrying: int = 0


def runtime(now: datetime | None) -> Runtime:
    """The runtime for one task: settings from the environment, the clock fixed at ``now``."""
    if now is None:
        return bootstrap()
    return bootstrap(clock=lambda: now)


# -- tasks: one service call each -------------------------------------------------------------


@task(cache_policy=NO_CACHE)
def read_hearing_file(path: str) -> dict[str, Any]:
    from hoering.services.hearings import read_hearing_file as read

    return read(Path(path)).model_dump(mode="json")


@task(cache_policy=NO_CACHE)
def store_hearing(definition: dict[str, Any], now: datetime | None) -> int:
    from hoering.services.hearings import open_hearing as open_

    return open_(runtime(now), HearingDefinition.model_validate(definition))


@task(cache_policy=NO_CACHE)
def find_due_reminders(now: datetime) -> list[tuple[int, str]]:
    from hoering.services.due import hearings_due_for_reminder

    return hearings_due_for_reminder(runtime(now), now)


@task(cache_policy=NO_CACHE)
def queue_reminders(hearing_id: int, offset: str, now: datetime) -> int:
    from hoering.services.due import queue_due_reminders

    return queue_due_reminders(runtime(now), hearing_id, offset)


@task(cache_policy=NO_CACHE)
def find_past_deadline(now: datetime) -> list[int]:
    from hoering.services.due import hearings_past_deadline

    return hearings_past_deadline(runtime(now), now)


@task(cache_policy=NO_CACHE)
def close_and_tally(hearing_id: int, now: datetime) -> bool:
    """Close, tally and queue the result mails (False: another run closed it first)."""
    from hoering.services.due import close_due

    return close_due(runtime(now), hearing_id)


@task(cache_policy=NO_CACHE)
async def publish_result(hearing_id: int, now: datetime | None) -> None:
    """The tally as a table artifact and the result text as markdown, keyed by hearing."""
    from hoering.services.queries import hearing_result

    result = hearing_result(runtime(now), hearing_id)
    await acreate_table_artifact(table=tally_rows(result), key=f"hearing-{hearing_id}-tally",
                                 description=f"Optælling: {result['title']}")
    await acreate_markdown_artifact(markdown=result_markdown(result), key=f"hearing-{hearing_id}-result",
                                    description=f"Resultat: {result['title']}")


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
async def send_pending(now: datetime | None) -> SendResult:
    from hoering.mail.sender import OutboxSender

    report = await OutboxSender(runtime(now)).send_due()
    return SendResult(sent=report.sent, failed=report.failed, retrying=report.retrying)


# -- flows ----------------------------------------------------------------------------------


@flow(name="open_hearing", log_prints=True)
async def open_hearing(request: OpenHearingRequest) -> int:
    """Validate the hearing, store it, queue the invitations and send them."""
    if request.hearing_file is not None:
        definition = read_hearing_file(request.hearing_file)
    else:
        assert request.definition is not None
        definition = request.definition.model_dump(mode="json")
    hearing_id = store_hearing(definition, request.now)
    sent = await send_pending(request.now)
    print(f"Hearing {hearing_id} opened; {sent.sent} invitation(s) sent.")
    return hearing_id


@flow(name="hearing_watch", log_prints=True)
async def hearing_watch(now: datetime | None = None) -> WatchReport:
    """The due work: reminders due, hearings past their deadline closed and tallied, results
    queued, then send. Running it twice at the same time does nothing new the second time."""
    from hoering.danish import utcnow

    at = now or utcnow()
    report = WatchReport()
    for hearing_id, offset in find_due_reminders(at):
        report.reminders += queue_reminders(hearing_id, offset, at)
    for hearing_id in find_past_deadline(at):
        if close_and_tally(hearing_id, at):
            report.closed.append(hearing_id)
            await publish_result(hearing_id, at)
    sent = await send_pending(now)
    report.sent, report.failed = sent.sent, sent.failed
    print(f"Reminders queued: {report.reminders}; closed: {report.closed or 'none'}; sent: {sent.sent}.")
    return report


@flow(name="send_outbox", log_prints=True, retries=2, retry_delay_seconds=30)
async def send_outbox(now: datetime | None = None) -> SendResult:
    """Send what is pending in the outbox (each message's own retries live in the outbox)."""
    result = await send_pending(now)
    print(f"Sent {result.sent}; failed {result.failed}; waiting to retry {result.retrying}.")
    return result


# -- artifacts --------------------------------------------------------------------------------


def tally_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    payouts = (result.get("allocation") or {}).get("payouts", {})
    rows = []
    for line in result["lines"]:
        answer = line["answer"] or {}
        row = {"kommune": line["name"], "svar": answer.get("option") or "intet svar",
               "kanal": answer.get("channel") or "",
               "modtaget": format_datetime(datetime.fromisoformat(answer["received_at"]))
               if answer.get("received_at") else ""}
        if "allocation" in result:
            row["udbetaling"] = format_amount(Decimal(payouts.get(str(line["code"]), "0")))
        rows.append(row)
    return rows


def result_markdown(result: dict[str, Any]) -> str:
    lines = [f"# {result['title']}", "", result["summary"], "",
             f"- Svar: {result['answered']} af {result['recipients']}"]
    if result.get("counts"):
        lines.append("- Fordeling: " + ", ".join(f"{k}: {n}" for k, n in result["counts"].items()))
    if "allocation" in result:
        payouts = result["allocation"]["payouts"]
        lines.append(f"- Samlet beløb: {result.get('total_da', '')}")
        lines.append(f"- I fælles pulje: {format_amount(Decimal(result['allocation']['pool']))}")
        lines.append("- Udbetalinger: " + (", ".join(
            f"{code}: {format_amount(Decimal(v))}" for code, v in payouts.items()) or "ingen"))
    if result.get("closed_at"):
        lines.append(f"- Lukket: {format_datetime(datetime.fromisoformat(result['closed_at']))}")
    return "\n".join(lines) + "\n"
