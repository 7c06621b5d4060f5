"""Which flows are deployed, and when they run (cron, Europe/Copenhagen, following daylight saving).

No run waits for days: a hearing's state lives in our database, and these short scheduled runs
act on whatever is due. ``open_hearing`` has no schedule; the secretariat triggers it (the UI
renders its parameters as a form).

Every planned flow must exist: a plan naming a module or flow that is not there fails at start-up
instead of leaving a schedule out quietly.
"""

from __future__ import annotations

# Imports inside functions are for start-up speed (Prefect loads only when schedules are built);
# none hides an import cycle.
import importlib
from dataclasses import dataclass
from typing import Any

TIMEZONE = "Europe/Copenhagen"


@dataclass(frozen=True)
class Planned:
    module: str
    flow: str
    name: str
    cron: str | None
    description: str

    @property
    def entrypoint(self) -> str:
        return f"{self.module.replace('.', '/')}.py:{self.flow}"


PLAN = (
    Planned("flows.hearings", "open_hearing", "open-hearing", None,
            "Open a mail hearing from a hearing file or a filled-in form; sends the invitations."),
    Planned("flows.hearings", "hearing_watch", "hearing-watch", "*/15 * * * *",
            "Reminders due, hearings past their deadline closed and tallied, results sent."),
    Planned("flows.hearings", "send_outbox", "send-outbox", "*/5 * * * *",
            "Send what is pending in the outbox."),
    Planned("flows.inbox", "inbox_watch", "inbox-watch", "*/2 * * * *",
            "Read the secretariat's mailbox: replies recorded, out-of-office and bounces acted on."),
    Planned("flows.privacy", "privacy_watch", "privacy-watch", "30 3 * * *",
            "Retention of personal data: inactive contacts erased, answerers pseudonymised, old mails trimmed."),
    Planned("flows.cycle", "cycle_watch", "cycle-watch", "0 * * * *",
            "The governance cycle's due steps."),
    Planned("flows.director_status", "director_status", "director-status", "0 8 * * *",
            "Directors' status: weekly on Monday, and T-7 before their meetings (checked daily)."),
)


def available(plan: tuple[Planned, ...] = PLAN) -> list[tuple[Planned, Any]]:
    """(planned, flow) for each planned flow; a missing module or flow is an error."""
    found = []
    for item in plan:
        flow = getattr(importlib.import_module(item.module), item.flow, None)
        if flow is None:
            raise AttributeError(f"{item.module} has no flow {item.flow!r}")
        found.append((item, flow))
    return found


def schedules(item: Planned) -> list[Any]:
    from prefect.schedules import Cron

    return [Cron(item.cron, timezone=TIMEZONE)] if item.cron else []


def runner_deployments() -> list[Any]:
    """The deployments ``serve`` runs in this process (``make serve``)."""
    return [flow.to_deployment(name=item.name, schedules=schedules(item), description=item.description,
                               tags=["hoering"])
            for item, flow in available()]
