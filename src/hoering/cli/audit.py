"""``hoering audit verify``: check the audit log's hash chain and every row it vouches for;
``hoering audit anchor``: the chain's head, for the operator to keep outside the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hoering.cli.common import runtime

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command()
def verify(
    all_problems: Annotated[bool, typer.Option("--all", help="List every problem, not only the first.")] = False,
    anchor: Annotated[Path | None, typer.Option(
        "--anchor", help="An anchor from `hoering audit anchor`: the log must still reach it.")] = None,
) -> None:
    """Quiet with exit 0 when the chain holds; otherwise name the first edited, deleted or forged
    row and exit 1."""
    from hoering.services.audit_verify import Anchor, verify_audit  # lazy: keeps `hoering --help` fast

    problems = verify_audit(runtime(), anchor=Anchor.read(anchor) if anchor is not None else None)
    if not problems:
        return
    for line in problems if all_problems else problems[:1]:
        typer.echo(f"audit verify: {line}", err=True)
    if len(problems) > 1 and not all_problems:
        typer.echo(f"audit verify: {len(problems) - 1} more problem(s); --all lists them", err=True)
    raise typer.Exit(1)


@app.command()
def anchor(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Also write the anchor to this file (kept outside the database).")] = None,
) -> None:
    """Print the chain's newest seq and hash. Keep it where the database's users cannot write
    (mail it, print it); `hoering audit verify --anchor FILE` later shows a log cut off before it."""
    from hoering.services.audit_verify import anchor_of  # lazy: keeps `hoering --help` fast

    line = anchor_of(runtime()).line()
    if output is not None:
        output.write_text(line + "\n", encoding="utf-8")
    typer.echo(line)
