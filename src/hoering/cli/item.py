"""``hoering item ...``: add, route, decide, postpone, attach a hearing, show its moves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hoering.cli.common import print_json, runtime

app = typer.Typer(help="Agenda items: raise, route and decide them.", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(help="The item's id.", min=1)]


@app.command()
def add(file: Annotated[Path, typer.Argument(help="The item file (YAML, or Markdown with front matter).")]) -> None:
    """Raise an item from a file; prints the new item's id."""
    from hoering.services.items import add_item, read_item_file

    typer.echo(add_item(runtime(), read_item_file(file), source=str(file), base_dir=file.parent))


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
    typer.echo(f"Item {item_id} routed to {to}" + (f" (meeting {landed})" if landed else ""))


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
    from hoering.errors import HoeringError
    from hoering.services.items import decide_item, read_item_file

    followups = [_followup(f, i) for i, f in enumerate(followup)]
    if from_file is not None:
        decision = read_item_file(from_file).decision
        if decision is None:
            raise HoeringError(f"{from_file} has no decision")
        outcome, text, followups = decision.outcome, decision.text, list(decision.followups)
    if outcome is None or text is None:
        raise HoeringError("give --outcome and --text (or --from-file)")
    moved_to = decide_item(runtime(), item_id, outcome=outcome, text=text, followups=followups)
    typer.echo(f"Item {item_id} postponed to meeting {moved_to}" if moved_to
               else f"Item {item_id} decided: {outcome}")


@app.command()
def postpone(item_id: IdArg, reason: Annotated[str | None, typer.Option()] = None) -> None:
    """Move an item to the same body's next meeting."""
    from hoering.services.items import postpone_item

    typer.echo(f"Item {item_id} moved to meeting {postpone_item(runtime(), item_id, reason=reason)}")


@app.command("attach-hearing")
def attach_hearing(item_id: IdArg, hearing: Annotated[int, typer.Option(min=1)]) -> None:
    """Attach a mail hearing: its result goes on the next DAS agenda when it closes."""
    from hoering.services.items import attach_hearing as attach

    attach(runtime(), item_id, hearing)
    typer.echo(f"Hearing {hearing} attached to item {item_id}")


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
