"""``hoering followup ...``: list and close follow-ups (opfølgning), or answer one by a hearing."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hoering.cli.common import console, print_json, runtime

app = typer.Typer(help="Follow-ups created by decisions.", no_args_is_help=True)


@app.command("list")
def list_(
    open_: Annotated[bool, typer.Option("--open", help="Only the open ones.")] = False,
    json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List follow-ups: what, who, by when, from which decision."""
    from hoering.services.followups import list_followups

    rows = list_followups(runtime(), open_only=open_)
    if json:
        print_json(rows)
        return
    table = Table("Id", "Hvad", "Hvem", "Frist", "Fra sag", "Status")
    for r in rows:
        who = r["who"] + (" (delegeret)" if r["delegated_to"] else "")
        if r["hearing"]:
            who += f" – høring {r['hearing']}"
        table.add_row(str(r["id"]), r["what"], who, r["due_da"], f"{r['item']}: {r['item_title']}",
                      "åben" if r["status"] == "open" else "lukket")
    console.print(table if rows else "Ingen opfølgninger.")


@app.command()
def close(followup_id: Annotated[int, typer.Argument(min=1)],
          note: Annotated[str, typer.Option(help="How it was done.")]) -> None:
    """Close a follow-up; it leaves the agendas."""
    from hoering.services.followups import close_followup

    close_followup(runtime(), followup_id, note=note)
    typer.echo(f"Opfølgning {followup_id} er lukket")


@app.command()
def hearing(
    followup_id: Annotated[int, typer.Argument(help="The follow-up's id.", min=1)],
    file: Annotated[Path, typer.Argument(help="The hearing file (YAML), as for 'hoering hearing open'.")],
    allow_closed_day: Annotated[bool, typer.Option(
        "--allow-closed-day", help="Accept a deadline on a weekend or Danish closing day.")] = False,
    again: Annotated[bool, typer.Option(
        "--again", help="Open it although a hearing with the same title, body and deadline exists.")] = False,
) -> None:
    """Answer a follow-up by opening a hearing from it (e.g. "sekretariatet skriver rundt til
    kommunerne ..."). When the hearing closes, its result is attached to the follow-up and goes
    to the body that decides: FU, under competence DAS delegated, or DAS as orientation."""
    from hoering.cli.hearing import warn_closed_day
    from hoering.services.hearing_results import open_hearing_for_followup
    from hoering.services.hearings import opened_deadline

    rt = runtime()
    hearing_id = open_hearing_for_followup(rt, followup_id, file, allow_closed_day=allow_closed_day, again=again)
    if allow_closed_day:
        warn_closed_day(opened_deadline(rt, hearing_id))
    typer.echo(f"Høring {hearing_id} er åbnet fra opfølgning {followup_id}; resultatet følger opfølgningen, "
               "når høringen lukker")
