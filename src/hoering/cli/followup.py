"""``hoering followup ...``: list and close follow-ups (opfølgning)."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
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
        table.add_row(str(r["id"]), r["what"], who, r["due_da"], f"{r['item']}: {r['item_title']}",
                      "åben" if r["status"] == "open" else "lukket")
    console.print(table if rows else "No follow-ups.")


@app.command()
def close(followup_id: Annotated[int, typer.Argument(min=1)],
          note: Annotated[str, typer.Option(help="How it was done.")]) -> None:
    """Close a follow-up; it leaves the agendas."""
    from hoering.services.followups import close_followup

    close_followup(runtime(), followup_id, note=note)
    typer.echo(f"Follow-up {followup_id} closed")
