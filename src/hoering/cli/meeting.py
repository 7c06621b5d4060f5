"""``hoering meeting ...``: plan, list, move, cancel, attendance, agenda, minutes, approve."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hoering.cli.common import console, print_json, runtime
from hoering.errors import HoeringError

app = typer.Typer(help="Meetings: plan them, render agendas and minutes.", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(help="The meeting's id.", min=1)]
FormatOpt = Annotated[str, typer.Option("--format", help="html, pdf or docx")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Where to write (default: under var/documents).")]


@app.command()
def plan(file: Annotated[Path, typer.Argument(help="A body's meeting plan for a year (YAML).")]) -> None:
    """Create a body's meetings for a year from a file (dates, or a rule like "3rd Monday")."""
    from hoering.services.planning import plan_meetings, read_plan_file

    ids = plan_meetings(runtime(), read_plan_file(file))
    typer.echo(f"{len(ids)} møde(r): {', '.join(map(str, ids))}")


@app.command("list")
def list_(
    body: Annotated[str | None, typer.Option(help="Only this body (das, fu, kkr ...).")] = None,
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List meetings in date order."""
    from hoering.services.meetings import list_meetings

    rows = list_meetings(runtime(), body=body, year=year)
    if json:
        print_json(rows)
        return
    table = Table("Id", "Organ", "Tid", "Sted", "Punkter", "Dagsorden", "Referat")
    for r in rows:
        table.add_row(str(r["id"]), r["body"], r["when"], r["place"], str(r["items"]),
                      "aflyst" if r["cancelled"] else "sendt" if r["agenda_sent"] else "",
                      "sendt" if r["minutes_sent"] else
                      ("godkendt" if r["minutes_approved"] else ""))
    console.print(table if rows else "Ingen møder planlagt.")


@app.command()
def show(meeting_id: IdArg, json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """A meeting's items in agenda order, with their ids and states."""
    from hoering.domain.meetings import KIND_LABELS, OUTCOME_LABELS
    from hoering.domain.routing import STATE_LABELS
    from hoering.services.meetings import meeting_items

    data = meeting_items(runtime(), meeting_id)
    if json:
        print_json(data)
        return
    console.print(f"[bold]{data['body'].upper()}[/bold] {data['when']}, {data['place']}")
    table = Table("Punkt", "Id", "Titel", "Art", "Status", "Udfald")
    for i in data["items"]:
        table.add_row(str(i["number"]), str(i["id"]), i["title"], KIND_LABELS.get(i["kind"], i["kind"]),
                      STATE_LABELS.get(i["state"], i["state"]), OUTCOME_LABELS.get(i["outcome"], i["outcome"] or ""))
    console.print(table if data["items"] else "Ingen punkter endnu.")


@app.command()
def move(
    meeting_id: IdArg,
    date: Annotated[str, typer.Option("--date", help="The new date, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (told to everyone invited).")],
    start: Annotated[str | None, typer.Option("--start", help="New start time, HH:MM (default: as before).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="New end time, HH:MM (default: as before).")] = None,
    place: Annotated[str | None, typer.Option("--place", help="New place (default: as before).")] = None,
) -> None:
    """Move a meeting: everyone invited gets an updated calendar invitation (same UID, SEQUENCE raised)."""
    from hoering.services.meeting_changes import move_meeting

    queued = move_meeting(runtime(), meeting_id, day=_date(date, "--date"), start=_time(start, "--start"),
                          end=_time(end, "--end"), place=place, reason=reason)
    typer.echo(f"Møde {meeting_id} flyttet; {queued} mail(s) med opdateret mødeindkaldelse i udbakken")


@app.command()
def cancel(
    meeting_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why (told to everyone invited).")],
) -> None:
    """Cancel a meeting: everyone invited gets a cancellation (METHOD:CANCEL); its items go back to FU."""
    from hoering.services.meeting_changes import cancel_meeting

    queued = cancel_meeting(runtime(), meeting_id, reason=reason)
    typer.echo(f"Møde {meeting_id} aflyst; {queued} aflysning(er) i udbakken")


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise HoeringError(f"{option}: {text!r} er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _time(text: str | None, option: str) -> dt.time | None:
    if text is None:
        return None
    try:
        return dt.time.fromisoformat(text.strip().replace(".", ":"))
    except ValueError:
        raise HoeringError(f"{option}: {text!r} er ikke et klokkeslæt (TT:MM)") from None


@app.command()
def attendance(
    meeting_id: IdArg,
    deltager: Annotated[list[str], typer.Option(help="A participant (repeat).")] = [],  # noqa: B006
    afbud: Annotated[list[str], typer.Option(help="An apology (repeat).")] = [],  # noqa: B006
    correction: Annotated[str | None, typer.Option(
        help="After the minutes are approved: why (the change is kept as a correction).")] = None,
) -> None:
    """Record who took part (deltagere) and who sent apologies (afbud)."""
    from hoering.services.meetings import record_attendance

    record_attendance(runtime(), meeting_id, deltagere=deltager, afbud=afbud, correction=correction)
    typer.echo(f"Møde {meeting_id}: {len(deltager)} deltagere, {len(afbud)} afbud")


@app.command()
def agenda(meeting_id: IdArg, format: FormatOpt = "html", out: OutOpt = None) -> None:
    """Render the agenda (dagsorden); warns (on stderr) of bilag without a file or referred to
    in the text but missing."""
    from hoering.services.agenda_checks import meeting_agenda_warnings

    _write(meeting_id, "agenda", format, out)
    for warning in meeting_agenda_warnings(runtime(), meeting_id):
        typer.echo(f"advarsel: {warning}", err=True)


@app.command()
def minutes(meeting_id: IdArg, format: FormatOpt = "html", out: OutOpt = None) -> None:
    """Render the minutes (referat)."""
    _write(meeting_id, "minutes", format, out)


@app.command()
def approve(meeting_id: IdArg, by: Annotated[str, typer.Option(help="Who approves (the chair).")]) -> None:
    """The chair approves the minutes; the cycle then sends them to all."""
    from hoering.services.meetings import approve_minutes

    approve_minutes(runtime(), meeting_id, by=by)
    typer.echo(f"Referatet af møde {meeting_id} er godkendt af {by}")


def _write(meeting_id: int, mode: str, fmt: str, out: Path | None) -> None:
    from hoering.services.documents import write_document

    if fmt not in ("html", "pdf", "docx"):
        raise HoeringError(f"--format: {fmt!r} er ikke en af html, pdf, docx")
    path = write_document(runtime(), meeting_id, mode=mode, fmt=fmt, out=out)  # type: ignore[arg-type]
    typer.echo(str(path))
