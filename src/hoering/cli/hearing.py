"""``hoering hearing ...``: open, list, status, answer, close, extend, reopen, result."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from hoering.cli.common import console, parse_when, print_json, runtime
from hoering.domain.labels import CHANNEL, HEARING_STATUS, KIND, OUTCOME, label

if TYPE_CHECKING:  # the views load lazily: ``hoering --help`` needs no database
    from hoering.views.result import HearingResult
    from hoering.views.status import HearingStatus

app = typer.Typer(help="Mail hearings: open, follow, answer and close them.", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(help="The hearing's id.", min=1)]


AllowClosedDayOpt = Annotated[bool, typer.Option(
    "--allow-closed-day", help="Accept a deadline on a weekend or Danish closing day.")]


@app.command("open")
def open_(
    file: Annotated[Path, typer.Argument(help="The hearing file (YAML).")],
    allow_closed_day: AllowClosedDayOpt = False,
    again: Annotated[bool, typer.Option(
        "--again", help="Open it although a hearing with the same title, body and deadline exists.")] = False,
) -> None:
    """Open a hearing from a file, queue its invitations; prints the new hearing's id."""
    from hoering.services.hearings import open_hearing_file, opened_deadline

    rt = runtime()
    hearing_id = open_hearing_file(rt, file, allow_closed_day=allow_closed_day, again=again)
    if allow_closed_day:
        warn_closed_day(opened_deadline(rt, hearing_id))
    typer.echo(hearing_id)


def warn_closed_day(deadline: datetime) -> None:
    """On stderr: the deadline accepted with --allow-closed-day still falls on a closed day."""
    from hoering.danish import format_datetime
    from hoering.domain.calendar import closed_because, local_date

    reason = closed_because(local_date(deadline))
    if reason:
        typer.echo(f"advarsel: fristen {format_datetime(deadline)} falder på {reason}, hvor kommunernes "
                   "kontorer er lukket", err=True)


@app.command("list")
def list_(status: Annotated[str | None, typer.Option(help="open or closed")] = None) -> None:
    """List hearings, newest first."""
    from hoering.danish import format_datetime
    from hoering.views.hearings import list_hearings

    rows = list_hearings(runtime(), status=status)
    table = Table("Id", "Titel", "Art", "Status", "Frist", "Svar")
    for r in rows:
        table.add_row(str(r.id), r.title, label(KIND, r.kind), label(HEARING_STATUS, r.status),
                      format_datetime(r.deadline),
                      f"{r.answered}/{r.recipients}")
    console.print(table if rows else "Ingen høringer endnu.")


@app.command()
def status(hearing_id: IdArg, json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Who has answered, who has not, and the time left."""
    from hoering.views.status import hearing_status

    view = hearing_status(runtime(), hearing_id)
    if json:
        print_json(view.as_json())
        return
    console.print(f"[bold]{view.title}[/bold] (høring {view.hearing}, {label(KIND, view.kind)}, "
                  f"{label(HEARING_STATUS, view.status)})")
    console.print(f"Frist: {view.deadline_da}" + (f" – {view.remaining}" if view.remaining else ""))
    console.print(f"Svar: {view.answered} af {view.recipients}")
    for b in view.bilag:
        console.print(f"Bilag {b.number}: {b.title} ({b.filename}, {b.size_da})")
    console.print(_status_table(view))


def _status_table(view: HearingStatus) -> Table:
    from hoering.danish import format_datetime

    table = Table("Kode", "Kommune", "Svar", "Modtaget", "Kanal", "Af", "Bemærkning", "Dokumenter")
    for ln in view.lines:
        when = format_datetime(ln.received_at) if ln.received_at else ""
        answer = ln.option or ("(tekst)" if ln.status == "answered" else "—")
        if ln.late:
            answer += " (efter fristen)"
        table.add_row(str(ln.kommune), ln.name, answer, when, label(CHANNEL, ln.channel),
                      ln.answered_by or "", ln.comment or "",
                      "\n".join(f"{f.filename} ({f.size_da})" for f in ln.files))
    return table


@app.command()
def answer(
    hearing_id: IdArg,
    kommune: Annotated[str, typer.Option(help="Name or code, e.g. Hjørring, hjoerring or 860.")],
    option: Annotated[str | None, typer.Option(help="The option's key.")] = None,
    text: Annotated[str | None, typer.Option(help="The text (submission hearings).")] = None,
    comment: Annotated[str | None, typer.Option(help="The kommune's comment.")] = None,
    by: Annotated[str, typer.Option(help="Who received it.")] = "sekretariatet",
    file: Annotated[list[Path] | None, typer.Option(
        "--file", help="A document the answer came with (PDF, DOCX, ODT, XLSX); repeat for several.")] = None,
) -> None:
    """Record an answer received by phone, letter or mail (channel: manual)."""
    from hoering.errors import HoeringError
    from hoering.services.answers import GivenFile, record_answer

    given = []
    for path in file or []:
        try:
            given.append(GivenFile(path.name, path.read_bytes()))
        except OSError as exc:
            raise HoeringError(f"{path}: kan ikke læses ({exc.strerror or exc})") from None
    r = record_answer(runtime(), hearing_id, kommune=kommune, option=option, text=text,
                      comment=comment, channel="manual", answered_by=by, files=given)
    late = " (efter fristen)" if r.late else ""
    files = f" med {len(given)} fil(er)" if given else ""
    typer.echo(f"Svar v{r.version} fra {r.kommune_code} er registreret: {r.option or 'tekst'}{files}{late}")


@app.command()
def respond(
    hearing_id: IdArg,
    kommune: Annotated[str, typer.Option(help="Name or code of the kommune whose answer this responds to.")],
    stance: Annotated[str, typer.Option(
        help="imoedekommet | delvist | ikke_imoedekommet | efterretning")],
    text: Annotated[str, typer.Option(help="The response and its reasons (Danish; stands in the høringsnotat).")],
    subject: Annotated[str | None, typer.Option(
        help="What the answer is about, e.g. 'Fordeling af midlerne' (the notat groups answers by it).")] = None,
    summary: Annotated[str | None, typer.Option(
        help="A short summary of the answer's essential points (without one the notat is an UDKAST).")] = None,
) -> None:
    """The secretariat's response to a kommune's answer, for the høringsnotat (latest counts)."""
    from hoering.domain.responses import STANCES
    from hoering.services.responses import respond as record

    r = record(runtime(), hearing_id, kommune=kommune, stance=stance, text=text, subject=subject, summary=summary)
    typer.echo(f"Sekretariatets bemærkning v{r.version} til {r.kommune_code}: {label(STANCES, r.stance)}")


@app.command()
def close(
    hearing_id: IdArg,
    force: Annotated[bool, typer.Option(help="Close before the deadline.")] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", metavar="TEXT", help="Why it is closed (e.g. before the deadline); kept in the audit log.")] = None,
) -> None:
    """Close now: tally, freeze the result, queue the result mails."""
    from hoering.services.hearings import close_hearing

    closed = close_hearing(runtime(), hearing_id, force=force, reason=reason)
    typer.echo(f"Høring {closed.hearing_id} er lukket: {label(OUTCOME, closed.outcome, empty='intet udfald')}")


DeadlineOpt = Annotated[str, typer.Option(help="New deadline, e.g. 2014-05-20T12:00.")]
ReasonOpt = Annotated[str, typer.Option(help="Why; sent to the kommuner.")]


@app.command()
def extend(hearing_id: IdArg, deadline: DeadlineOpt, reason: ReasonOpt,
           allow_closed_day: AllowClosedDayOpt = False) -> None:
    """Move an open hearing's deadline later."""
    _change_deadline(hearing_id, deadline, reason, reopen=False, allow_closed_day=allow_closed_day)


@app.command()
def reopen(hearing_id: IdArg, deadline: DeadlineOpt, reason: ReasonOpt,
           allow_closed_day: AllowClosedDayOpt = False) -> None:
    """Reopen a closed hearing with a new deadline (not before the current one)."""
    _change_deadline(hearing_id, deadline, reason, reopen=True, allow_closed_day=allow_closed_day)


def _change_deadline(hearing_id: int, deadline: str, reason: str, *, reopen: bool, allow_closed_day: bool) -> None:
    from hoering.danish import format_datetime
    from hoering.services.hearings import change_deadline

    new = change_deadline(runtime(), hearing_id, deadline=parse_when(deadline), reason=reason, reopen=reopen,
                          allow_closed_day=allow_closed_day)
    warn_closed_day(new)
    typer.echo(f"Høring {hearing_id} er {'genåbnet' if reopen else 'forlænget'} med frist {format_datetime(new)}")


@app.command()
def result(hearing_id: IdArg, json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The result: the stored record once closed (the tally so far while the hearing is open)."""
    from hoering.views.result import hearing_result

    view = hearing_result(runtime(), hearing_id)
    if json:
        print_json(view.as_json())
        return
    print_result(view)


def print_result(view: HearingResult) -> None:
    from hoering.danish import format_amount, format_datetime

    console.print(f"[bold]{view.title}[/bold] (høring {view.hearing}, {label(HEARING_STATUS, view.status)})")
    table = Table("Kode", "Kommune", "Svar", "Tæller som", "Udbetaling")
    for ln in view.lines:
        a = ln.answer
        shown = (a.option or "(tekst)") if a else "intet svar"
        if a and a.late:
            shown += " (efter fristen)"
        table.add_row(str(ln.code), ln.name, shown, ln.counted_as or "—",
                      format_amount(ln.payout) if ln.payout is not None else "")
    console.print(table)
    console.print(f"Besvaret: {view.answered} af {view.recipients}")
    if view.allocation is not None:
        console.print(f"Samlet beløb: {view.total_da}; i fælles pulje: "
                      f"{format_amount(view.allocation.pool)}; udbetalinger: {len(view.allocation.payouts)}")
    if view.outcome:
        console.print(f"Udfald: {label(OUTCOME, view.outcome)}")
    console.print(f"[bold]{view.summary}[/bold]")
    if view.recorded_at is not None:
        console.print(f"Gemt {format_datetime(view.recorded_at)} (resultat version {view.version}); "
                      "ændres ikke, selv om registret ændres.")
