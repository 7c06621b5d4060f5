"""Entry point: ``hoering``. User mistakes print one line and exit 2, never a traceback."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
import sys
from pathlib import Path
from typing import Annotated

import typer

from hoering import collector
from hoering.cli.common import console, parse_when, runtime, set_clock
from hoering.cli.lazy import lazy_group
from hoering.domain.text import clean_text
from hoering.errors import HoeringError

#: Every command of ``hoering``, in the order ``hoering --help`` lists them, and where it lives:
#: a command runs after importing only its own module (None: defined below, in this module).
COMMANDS: dict[str, str | None] = {
    "doctor": "hoering.cli.ops:doctor",
    "backup": "hoering.cli.ops:backup",
    "restore": "hoering.cli.ops:restore",
    "init": None,
    "due": None,
    "hearing": "hoering.cli.reports:hearing_app",  # hoering.cli.hearing's app, with reports' notat and export
    "outbox": "hoering.cli.outbox:app",
    "inbox": "hoering.cli.inbox:app",
    "meeting": "hoering.cli.meeting:app",
    "item": "hoering.cli.item:app",
    "followup": "hoering.cli.followup:app",
    "cycle": "hoering.cli.cycle:app",
    "web": "hoering.cli.web:app",
    "user": "hoering.cli.user:app",
    "status": "hoering.cli.reports:status_app",
    "journal": "hoering.cli.ops:journal_app",
    "audit": "hoering.cli.audit:app",
    "contact": "hoering.cli.contact:app",
    "privacy": "hoering.cli.ops:privacy_app",
}

app = typer.Typer(
    cls=lazy_group(COMMANDS),
    name="hoering",
    help="Mail hearings (mailhøringer) and the governance cycle of Nordjysk Socialaftale.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    at: Annotated[str | None, typer.Option(
        "--at", metavar="WHEN",
        help="Act as if it were this time, e.g. 2014-04-29T10:00 (Copenhagen time without an "
             "offset): for replays and demos.")] = None,
) -> None:
    if at:
        set_clock(parse_when(at, option="--at"))


@app.command()
def init(
    registry: Annotated[Path | None, typer.Option(
        help="Registry YAML to load. Without it the shipped registry seeds an empty database, and a "
             "registry already in the database is kept as it is.")] = None,
) -> None:
    """Create or migrate the database and load the registry (safe to run again)."""
    from hoering.db.migrate import upgrade
    from hoering.services.registry import load_registry

    rt = runtime(check_schema=False)
    upgrade(rt.db)
    summary = load_registry(rt, registry)
    console.print(
        f"Databasen er klar ({rt.db.engine.url.render_as_string(hide_password=True)}); registret: "
        f"{summary.kommuner} kommuner, {summary.bodies} organer, {summary.people} personer, "
        f"{summary.changed} ændring(er)."
        + (" Registret i databasen er beholdt (indlæs en ny fil med --registry FIL)." if summary.kept else "")
    )


@app.command()
def due(
    send: Annotated[bool, typer.Option(help="Send the outbox afterwards.")] = True,
) -> None:
    """Run the due work once: reminders, closing hearings past their deadline, results, sending."""
    from hoering.services.due import run_due_work
    from hoering.services.health import WATCH, record_heartbeat

    rt = runtime()
    report = run_due_work(rt)
    record_heartbeat(rt, WATCH)  # `hoering due` does hearing_watch's work (cron instead of Prefect)
    console.print(f"Påmindelser i udbakken: {report.reminders}; høringer lukket: {len(report.closed)}"
                  + (f" ({', '.join(map(str, report.closed))})" if report.closed else ""))
    if send:
        from hoering.cli.outbox import send_with_progress  # and rich's progress bar: only to send

        send_with_progress(rt)


def main() -> None:
    """Run the CLI. Click handles usage errors itself (message, exit 2); a HoeringError is the
    user's to fix and prints one line, exit 2; anything else is a bug and shows its traceback."""
    collector.for_startup()
    try:
        # every option and argument cleaned once, here (control characters, broken encodings)
        app(args=[clean_text(arg) for arg in sys.argv[1:]])
    except HoeringError as exc:
        console.print(f"[red]fejl:[/red] {exc}", soft_wrap=True)
        sys.exit(2)
    finally:
        collector.at_exit()


if __name__ == "__main__":
    main()
