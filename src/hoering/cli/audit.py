"""``hoering audit verify``: check the audit log's hash chain and every answer against it."""

from __future__ import annotations

from typing import Annotated

import typer

from hoering.cli.common import runtime

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command()
def verify(
    all_problems: Annotated[bool, typer.Option("--all", help="List every problem, not only the first.")] = False,
) -> None:
    """Quiet with exit 0 when the chain holds; otherwise name the first edited, deleted or forged
    row and exit 1."""
    from hoering.services.audit_verify import verify_audit  # lazy: keeps `hoering --help` fast

    problems = verify_audit(runtime())
    if not problems:
        return
    for line in problems if all_problems else problems[:1]:
        typer.echo(f"audit verify: {line}", err=True)
    if len(problems) > 1 and not all_problems:
        typer.echo(f"audit verify: {len(problems) - 1} more problem(s); --all lists them", err=True)
    raise typer.Exit(1)
