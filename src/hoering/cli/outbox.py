"""``hoering outbox ...``: send, status, retry."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from hoering import collector
from hoering.cli.common import console, print_json, runtime

if TYPE_CHECKING:
    from hoering.runtime import Runtime

app = typer.Typer(help="The outbox: every e-mail the engine sends.", no_args_is_help=True)


def send_with_progress(rt: Runtime, *, wait: float = 0.0) -> None:
    from hoering.services.outbox import anything_to_send, outbox_status, send_outbox

    if not anything_to_send(rt):  # the usual `hoering due` from cron: no sender to build
        _print_counts(0, 0, 0)
        return
    pending = outbox_status(rt)["counts"]["pending"]
    if pending:
        collector.for_long_work()
    with Progress(TextColumn("Sender"), BarColumn(), MofNCompleteColumn(), console=console,
                  transient=True, disable=pending == 0) as bar:
        task = bar.add_task("send", total=pending or None)
        report = send_outbox(rt, progress=lambda n: bar.advance(task, n), wait_for_retries=wait)
    _print_counts(report.sent, report.failed, report.retrying)
    if report.held:
        console.print(f"[red]Ikke sendt, holdt tilbage for TLS: {report.held}[/red] (HOERING_SMTP_REQUIRE_TLS "
                      "er sat, og SMTP-serveren tilbyder ikke TLS 1.2+; beskederne bliver i udbakken; "
                      "se `hoering doctor`)")
    for line in report.errors:
        console.print(f"  [red]{'holdt tilbage' if ': held, ' in line else 'fejlede'}[/red] "
                      f"{line.replace(': held, ', ': ')}")


def _print_counts(sent: int, failed: int, retrying: int) -> None:
    console.print(f"Sendt: {sent}; fejlede: {failed}; venter på nyt forsøg: {retrying}")


@app.command()
def send(wait: Annotated[float, typer.Option(help="Seconds to wait for retries falling due.")] = 0.0) -> None:
    """Send what is due, with a progress bar."""
    send_with_progress(runtime(), wait=wait)


@app.command()
def status(json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts by state, and the failed rows with the server's reply."""
    from hoering.domain.labels import OUTBOX_STATUS, label
    from hoering.services.outbox import outbox_status

    data = outbox_status(runtime())
    if json:
        print_json(data)
        return
    console.print("  ".join(f"{label(OUTBOX_STATUS, k)}: {v}" for k, v in data["counts"].items()))
    if data["failed"]:
        table = Table("Id", "Til", "Art", "Høring", "Forsøg", "Svar fra server", title="Fejlede")
        for f in data["failed"]:
            table.add_row(str(f["id"]), f["to"], f["kind"], str(f["hearing"] or ""), str(f["attempts"]),
                          f["reply"] or "")
        console.print(table)
    if data["retrying"]:
        console.print(f"{len(data['retrying'])} besked(er) venter på et nyt forsøg.")


@app.command()
def retry(message_id: Annotated[int, typer.Argument(help="The outbox row's id.")]) -> None:
    """Queue a failed message again."""
    from hoering.services.outbox import retry_message

    retry_message(runtime(), message_id)
    typer.echo(f"Besked {message_id} er lagt i udbakken igen.")
