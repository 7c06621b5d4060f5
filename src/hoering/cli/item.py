"""``hoering item ...``: add, list, show, edit, route, decide, correct, postpone, attach a hearing, moves."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
from pathlib import Path
from typing import Annotated

import typer

from hoering.cli.common import print_json, runtime

app = typer.Typer(help="Agenda items: raise, route and decide them.", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(help="The item's id.", min=1)]


@app.command()
def add(
    file: Annotated[Path, typer.Argument(help="The item file (YAML, or Markdown with front matter).")],
    again: Annotated[bool, typer.Option("--again", help="Raise it although an undecided item has its title.")] = False,
) -> None:
    """Raise an item from a file; prints the new item's id."""
    from hoering.services.items import add_item, read_item_file

    typer.echo(add_item(runtime(), read_item_file(file), source=str(file), base_dir=file.parent, again=again))


@app.command("list")
def list_(
    state: Annotated[str | None, typer.Option(help="Only items in this state: rejst, hos_fu, returneret, "
                                                   "paa_dagsorden, besluttet.")] = None,
    json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List items, newest first, with where each is."""
    from rich.table import Table

    from hoering.cli.common import console
    from hoering.services.items import list_items

    rows = list_items(runtime(), state=state)
    if json:
        print_json(rows)
        return
    table = Table("Id", "Titel", "Status", "Møde", "Punkt", "Rejst af")
    for r in rows:
        table.add_row(str(r["id"]), str(r["title"]), str(r["state_da"]), str(r["meeting"] or ""),
                      str(r["number"] or ""), str(r["raised_by"]))
    console.print(table if rows else "Ingen punkter.")


@app.command()
def show(item_id: IdArg, json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One item whole: texts, bilag, decision, follow-ups and its way so far (sagens gang)."""
    from hoering.cli.common import console
    from hoering.services.items import show_item

    data = show_item(runtime(), item_id)
    if json:
        print_json(data)
        return
    console.print(f"[bold]Punkt {data['id']}: {data['title']}[/bold] "
                  f"({data['state_da']}, rejst af {data['raised_by']})")
    if data["resume"]:
        console.print(f"Resumé: {data['resume']}")
    for text in data["indstillinger"]:  # type: ignore[attr-defined]
        console.print(f"Indstilling: {text}")
    if data["beslutning"]:
        console.print(f"Beslutning: {data['beslutning']}")
    for f in data["followups"]:  # type: ignore[attr-defined]
        console.print(f"Opfølgning {f['id']} ({'åben' if f['status'] == 'open' else 'lukket'}): {f['what']} – "
                      f"{f['who']}" + (f" (høring {f['hearing']})" if f["hearing"] else ""), markup=False)
    console.print("Sagens gang:")
    for step in data["journey"]:  # type: ignore[attr-defined]
        console.print(f"  {_local(step['at'])}  {step['text']}", markup=False, soft_wrap=True)


def _local(iso: str) -> str:
    from datetime import datetime

    from hoering.danish import format_datetime

    return format_datetime(datetime.fromisoformat(iso))


@app.command()
def edit(
    item_id: IdArg,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    resume: Annotated[str | None, typer.Option(help="New resumé.")] = None,
    indstilling: Annotated[list[str] | None, typer.Option(help="The indstillinger (repeat; replaces them).")] = None,
) -> None:
    """Change an item's texts until its agenda is sent."""
    from hoering.services.items import edit_item

    edit_item(runtime(), item_id, title=title, resume=resume, indstillinger=indstilling or None)
    typer.echo(f"Punkt {item_id} er ændret")


@app.command()
def route(
    item_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="fu, das, kkr, back (FU sends it back) or a body's key.")],
    meeting: Annotated[int | None, typer.Option(help="This meeting instead of the next one.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (required with --to back).")] = None,
) -> None:
    """Move an item along: raised → FU → DAS agenda → decided → KKR."""
    from hoering.services.items import route_item

    landed = route_item(runtime(), item_id, to=to, meeting_id=meeting, reason=reason)
    typer.echo(_routed(item_id, to.strip().lower(), landed))


def _routed(item_id: int, to: str, landed: int | None) -> str:
    """The confirmation of ``item route``, in Danish."""
    if to == "back":
        return f"Punkt {item_id} er sendt retur til den, der rejste det"
    body = to.upper() if len(to) <= 4 else to
    if landed is None:
        return f"Punkt {item_id} er sendt til {body}"
    return f"Punkt {item_id} er sat på dagsordenen for {body} (møde {landed})"


@app.command()
def decide(
    item_id: IdArg,
    outcome: Annotated[str | None, typer.Option(help="godkendt, godkendt_med_bemaerkninger, droeftet, "
                                                     "taget_til_efterretning, udsat or afvist")] = None,
    text: Annotated[str | None, typer.Option(help="The beslutning, as it goes in the minutes.")] = None,
    followup: Annotated[list[str], typer.Option(
        help='A follow-up "what|who|due" (due: YYYY-MM-DD or naeste_moede; add "|fu" to '
             "delegate competence to FU). Repeat for more.")] = [],  # noqa: B006
    from_file: Annotated[Path | None, typer.Option(
        "--from-file", help="Take outcome, text and follow-ups from an item file's decision (replays).")] = None,
) -> None:
    """Record the beslutning (FU decides items it holds under delegated competence)."""
    from hoering.domain.meetings import OUTCOME_LABELS
    from hoering.errors import HoeringError
    from hoering.services.items import decide_item, read_item_file

    followups = [_followup(f, i) for i, f in enumerate(followup)]
    if from_file is not None:
        decision = read_item_file(from_file).decision
        if decision is None:
            raise HoeringError(f"{from_file} indeholder ingen beslutning")
        outcome, text, followups = decision.outcome, decision.text, list(decision.followups)
    if outcome is None or text is None:
        raise HoeringError("angiv --outcome og --text (eller --from-file)")
    moved_to = decide_item(runtime(), item_id, outcome=outcome, text=text, followups=followups)
    typer.echo(f"Punkt {item_id} er udsat til møde {moved_to}" if moved_to
               else f"Punkt {item_id} er besluttet: {OUTCOME_LABELS.get(outcome, outcome).lower()}")


@app.command()
def correct(
    item_id: IdArg,
    text: Annotated[str, typer.Option(help="The corrected beslutning.")],
    reason: Annotated[str | None, typer.Option(help="Why (required once the minutes are approved).")] = None,
) -> None:
    """Correct a decided item's beslutning (after approval: kept and shown as a correction)."""
    from hoering.services.items import correct_decision

    correct_decision(runtime(), item_id, text=text, reason=reason)
    typer.echo(f"Beslutningen i punkt {item_id} er rettet")


@app.command()
def postpone(item_id: IdArg, reason: Annotated[str | None, typer.Option()] = None) -> None:
    """Move an item to the same body's next meeting."""
    from hoering.services.items import postpone_item

    typer.echo(f"Punkt {item_id} er flyttet til møde {postpone_item(runtime(), item_id, reason=reason)}")


@app.command("attach-hearing")
def attach_hearing(item_id: IdArg, hearing: Annotated[int, typer.Option(min=1)]) -> None:
    """Attach a mail hearing: its result goes on the next DAS agenda when it closes."""
    from hoering.services.items import attach_hearing as attach

    attach(runtime(), item_id, hearing)
    typer.echo(f"Høring {hearing} er knyttet til punkt {item_id}")


@app.command()
def moves(item_id: IdArg) -> None:
    """Every routing move of an item."""
    from hoering.services.items import item_moves

    print_json(item_moves(runtime(), item_id))


def _followup(text: str, index: int):  # type: ignore[no-untyped-def]
    from hoering.definitions import validate
    from hoering.domain.meetings import FollowupDef

    parts = [p.strip() for p in text.split("|")]
    data: dict[str, str] = dict(zip(("what", "who", "due", "delegated_to"), parts, strict=False))
    return validate(FollowupDef, data, source=f"--followup {index + 1}")
