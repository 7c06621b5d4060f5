"""``hoering hearing ...``: open, list, status, answer, close, extend, reopen, result."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hoering.cli.common import console, parse_when, print_json, runtime

app = typer.Typer(help="Mail hearings: open, follow, answer and close them.", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(help="The hearing's id.", min=1)]


@app.command("open")
def open_(file: Annotated[Path, typer.Argument(help="The hearing file (YAML).")]) -> None:
    """Open a hearing from a file, queue its invitations; prints the new hearing's id."""
    from hoering.services.hearings import open_hearing, read_hearing_file

    definition = read_hearing_file(file)
    hearing_id = open_hearing(runtime(), definition, source=str(file))
    typer.echo(hearing_id)


@app.command("list")
def list_(status: Annotated[str | None, typer.Option(help="open or closed")] = None) -> None:
    """List hearings, newest first."""
    from hoering.danish import format_datetime
    from hoering.services.queries import list_hearings

    rows = list_hearings(runtime(), status=status)
    table = Table("Id", "Titel", "Art", "Status", "Frist", "Svar")
    for r in rows:
        from datetime import datetime

        table.add_row(str(r["id"]), r["title"], r["kind"], r["status"],
                      format_datetime(datetime.fromisoformat(r["deadline"])),
                      f"{r['answered']}/{r['recipients']}")
    console.print(table if rows else "No hearings yet.")


@app.command()
def status(hearing_id: IdArg, json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Who has answered, who has not, and the time left."""
    from hoering.services.queries import hearing_status

    data = hearing_status(runtime(), hearing_id)
    if json:
        print_json(data)
        return
    console.print(f"[bold]{data['title']}[/bold] (høring {data['hearing']}, {data['kind']}, {data['status']})")
    console.print(f"Frist: {data['deadline_da']}" + (f" – {data['time_left']} tilbage" if data["time_left"] else ""))
    console.print(f"Svar: {data['answered']} af {data['recipients']}")
    console.print(_status_table(data["lines"]))


def _status_table(lines: list[dict[str, Any]]) -> Table:
    from datetime import datetime

    from hoering.danish import format_datetime

    table = Table("Kode", "Kommune", "Svar", "Modtaget", "Kanal", "Af", "Bemærkning")
    for ln in lines:
        when = format_datetime(datetime.fromisoformat(ln["received_at"])) if ln["received_at"] else ""
        answer = ln["option"] or ("(tekst)" if ln["status"] == "answered" else "—")
        if ln["late"]:
            answer += " (for sent)"
        table.add_row(str(ln["kommune"]), ln["name"], answer, when, ln["channel"] or "",
                      ln["answered_by"] or "", ln["comment"] or "")
    return table


@app.command()
def answer(
    hearing_id: IdArg,
    kommune: Annotated[str, typer.Option(help="Name or code, e.g. Hjørring, hjoerring or 860.")],
    option: Annotated[str | None, typer.Option(help="The option's key.")] = None,
    text: Annotated[str | None, typer.Option(help="The text (submission hearings).")] = None,
    comment: Annotated[str | None, typer.Option(help="The kommune's comment.")] = None,
    by: Annotated[str, typer.Option(help="Who received it.")] = "sekretariatet",
) -> None:
    """Record an answer received by phone, letter or mail (channel: manual)."""
    from hoering.services.answers import record_answer

    r = record_answer(runtime(), hearing_id, kommune=kommune, option=option, text=text,
                      comment=comment, channel="manual", answered_by=by)
    late = " (after the deadline)" if r.late else ""
    typer.echo(f"Recorded answer v{r.version} from {r.kommune_code}: {r.option or 'text'}{late}")


@app.command()
def close(hearing_id: IdArg, force: Annotated[bool, typer.Option(help="Close before the deadline.")] = False) -> None:
    """Close now: tally, freeze the result, queue the result mails."""
    from hoering.services.hearings import close_hearing

    closed = close_hearing(runtime(), hearing_id, force=force)
    typer.echo(f"Closed hearing {closed.hearing_id}: {closed.outcome or 'no outcome for this kind'}")


DeadlineOpt = Annotated[str, typer.Option(help="New deadline, e.g. 2014-05-20T12:00.")]
ReasonOpt = Annotated[str, typer.Option(help="Why; sent to the kommuner.")]


@app.command()
def extend(hearing_id: IdArg, deadline: DeadlineOpt, reason: ReasonOpt) -> None:
    """Move an open hearing's deadline later."""
    _change_deadline(hearing_id, deadline, reason, reopen=False)


@app.command()
def reopen(hearing_id: IdArg, deadline: DeadlineOpt, reason: ReasonOpt) -> None:
    """Reopen a closed hearing with a new deadline."""
    _change_deadline(hearing_id, deadline, reason, reopen=True)


def _change_deadline(hearing_id: int, deadline: str, reason: str, *, reopen: bool) -> None:
    from hoering.danish import format_datetime
    from hoering.services.hearings import change_deadline

    new = change_deadline(runtime(), hearing_id, deadline=parse_when(deadline), reason=reason, reopen=reopen)
    typer.echo(f"Hearing {hearing_id} {'reopened' if reopen else 'now runs'} until {format_datetime(new)}")


@app.command()
def result(hearing_id: IdArg, json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The result (the tally so far while the hearing is open)."""
    from hoering.services.queries import hearing_result

    data = hearing_result(runtime(), hearing_id)
    if json:
        print_json(data)
        return
    print_result(data)


def print_result(data: dict[str, Any]) -> None:
    from hoering.danish import format_amount

    console.print(f"[bold]{data['title']}[/bold] (høring {data['hearing']}, {data['status']})")
    table = Table("Kode", "Kommune", "Svar", "Tæller som", "Udbetaling")
    payouts = data.get("allocation", {}).get("payouts", {})
    for ln in data["lines"]:
        a = ln["answer"]
        shown = (a["option"] or "(tekst)") if a else "intet svar"
        if a and a["late"]:
            shown += " (for sent)"
        pay = payouts.get(str(ln["code"]))
        table.add_row(str(ln["code"]), ln["name"], shown, ln["counted_as"] or "—",
                      format_amount(pay) if pay else "")
    console.print(table)
    console.print(f"Besvaret: {data['answered']} af {data['recipients']}")
    if "allocation" in data:
        console.print(f"Samlet beløb: {data['total_da']}; i fælles pulje: "
                      f"{format_amount(data['allocation']['pool'])}; udbetalinger: {len(payouts)}")
    if data["outcome"]:
        console.print(f"Udfald: {data['outcome']}")
    console.print(f"[bold]{data['summary']}[/bold]")
