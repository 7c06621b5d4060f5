"""``hoering inbox ...``: read the secretariat's mailbox, import saved mails, review, list."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hoering.cli.common import console, print_json, runtime
from hoering.errors import HoeringError

app = typer.Typer(help="Mail that comes back: replies, auto-replies and bounces.", no_args_is_help=True)


@app.command()
def fetch() -> None:
    """Read new mail over IMAP (HOERING_IMAP_*), store it, act on it."""
    from hoering.services.inbox import read_inbox

    console.print(read_inbox(runtime()).line())


@app.command()
def watch(
    seconds: Annotated[float | None, typer.Option(help="Stop after this many seconds (default: run until stopped).")]
    = None,
    poll: Annotated[float, typer.Option(help="Seconds between polls where the server lacks IDLE.")] = 60.0,
) -> None:
    """Hold the mailbox open (IMAP IDLE) and act on each mail as it arrives; reconnects by itself."""
    import time

    from hoering.services.inbox import watch_inbox

    stop_at = None if seconds is None else time.monotonic() + seconds
    console.print("Holder øje med indbakken (IMAP IDLE); stop med Ctrl+C.")
    with suppress(KeyboardInterrupt):
        watch_inbox(runtime(), keep_going=lambda: stop_at is None or time.monotonic() < stop_at,
                    on_report=lambda report: console.print(report.line()),
                    on_error=lambda exc: console.print(f"Forbindelsen til indbakken svigtede ({exc}); prøver igen."),
                    idle_seconds=300.0 if seconds is None else max(1.0, min(300.0, seconds)),
                    poll_seconds=poll, retry_seconds=2.0)


@app.command(name="import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Saved messages (.eml), e.g. dragged out of Outlook.")],
) -> None:
    """Run saved messages through exactly the path fetched ones take."""
    from hoering.services.inbox import import_files

    raws = []
    for path in files:
        try:
            raws.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise HoeringError(f"{path}: kan ikke læses ({exc.strerror or exc})") from None
    console.print(import_files(runtime(), raws).line())


@app.command()
def review(json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Messages waiting for the secretariat: replies that could not be read with certainty."""
    from hoering.services.inbox_review import review_queue

    entries = review_queue(runtime())
    if json:
        print_json([e.as_json() for e in entries])
        return
    if not entries:
        console.print("Intet venter på gennemsyn.")
        return
    table = Table("Id", "Fra", "Emne", "Høring", "Kommune", "Hvorfor", "Forslag", "Tekst")
    for e in entries:
        table.add_row(str(e.id), e.sender, e.subject, str(e.hearing_id or ""), e.kommune or "", e.note or "",
                      e.option or "", (e.text or "")[:80])
    console.print(table)


@app.command()
def record(
    message: Annotated[int, typer.Argument(help="The inbox message's id (see hoering inbox review).")],
    option: Annotated[str | None, typer.Option(help="The option's key.")] = None,
    comment: Annotated[str | None, typer.Option(help="Comment (default: the reply's text).")] = None,
    text: Annotated[str | None, typer.Option(help="Submission text (default: the reply's text).")] = None,
    hearing: Annotated[int | None, typer.Option(help="When the message is not matched to a hearing.")] = None,
    kommune: Annotated[str | None, typer.Option(help="When the message is not matched to a kommune.")] = None,
) -> None:
    """Record a reviewed reply as the kommune's answer (channel mail)."""
    from hoering.services.inbox_review import record_reviewed

    answer = record_reviewed(runtime(), message, option=option, comment=comment, text=text, hearing_id=hearing,
                             kommune=kommune)
    typer.echo(f"Besked {message} i indbakken er registreret som svar {answer}.")


@app.command()
def ignore(
    message: Annotated[int, typer.Argument(help="The inbox message's id.")],
    reason: Annotated[str, typer.Option(help="Why it is not an answer.")],
) -> None:
    """Take a message out of the review queue without recording anything."""
    from hoering.services.inbox_review import ignore_message

    ignore_message(runtime(), message, reason=reason)
    typer.echo(f"Besked {message} i indbakken er lagt til side; intet er registreret.")


@app.command(name="list")
def list_(
    json: Annotated[bool, typer.Option("--json")] = False,
    status: Annotated[str | None, typer.Option(help="new, recorded, review, done or ignored.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 200,
) -> None:
    """Everything received: when, from whom, its reason and what was done."""
    from hoering.domain.labels import INBOX_STATUS, label
    from hoering.services.inbox_review import list_messages

    entries = list_messages(runtime(), status=status, limit=limit)
    if json:
        print_json([e.as_json() for e in entries])
        return
    table = Table("Id", "Modtaget", "Fra", "Emne", "Art", "Status", "Høring", "Svar", "Note")
    for e in entries:
        table.add_row(str(e.id), e.received_at.strftime("%Y-%m-%d %H:%M"), e.sender, e.subject[:50],
                      e.reason or "", label(INBOX_STATUS, e.status), str(e.hearing_id or ""), e.option or "",
                      e.note or "")
    console.print(table)
