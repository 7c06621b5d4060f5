"""``hoering user ...``: the secretariat's accounts (add, list, disable, API token, reset-2fa)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from hoering.cli.common import console, print_json, read_password, runtime
from hoering.errors import HoeringError

app = typer.Typer(help="Accounts for the secretariat's console and the API.", no_args_is_help=True)
ACTOR = "cli"


@app.command()
def add(
    email: Annotated[str, typer.Argument(help="The person's e-mail address (their login).")],
    name: Annotated[str, typer.Option("--name", help="Full name, as the audit log shows it.")],
    role: Annotated[str, typer.Option("--role", help="sekretariat | formand | laeser")] = "sekretariat",
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from standard input.")] = False,
) -> None:
    """Add an account (argon2-hashed password). The first account ends the shared bootstrap login."""
    from hoering.services.users import add_user

    password = read_password(stdin=password_stdin)
    user = add_user(runtime(), email, name=name, role=role, password=password, actor=ACTOR)
    console.print(f"{user.email} er oprettet ({user.name}, {user.role}).")


@app.command("list")
def list_(json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every account: e-mail, name, role, active, API token yes/no."""
    from hoering.services.users import list_users

    users = list_users(runtime())
    if json:
        print_json(users)
        return
    if not users:
        console.print("Ingen konti endnu: den fælles HOERING_ADMIN_PASSWORD_HASH giver adgang (opstart).")
        return
    table = Table("E-mail", "Navn", "Rolle", "Aktiv", "API-token")
    for u in users:
        table.add_row(str(u["email"]), str(u["name"]), str(u["role"]),
                      "ja" if u["active"] else "deaktiveret", "ja" if u["api_token"] else "-")
    console.print(table)


@app.command()
def disable(email: Annotated[str, typer.Argument(help="The account's e-mail address.")]) -> None:
    """Disable an account: its sessions and API token stop working at the next request."""
    from hoering.services.users import disable_user

    disable_user(runtime(), email, actor=ACTOR)
    console.print(f"{email} er deaktiveret.")


@app.command()
def token(email: Annotated[str, typer.Argument(help="The account's e-mail address.")]) -> None:
    """Print a new API token for the account (replaces its earlier one; shown only now)."""
    from hoering.services.users import issue_api_token

    value = issue_api_token(runtime(), email, actor=ACTOR)
    if not value:
        raise HoeringError("der blev ikke udstedt et token")
    typer.echo(value)


@app.command("reset-2fa")
def reset_2fa(email: Annotated[str, typer.Argument(help="The account's e-mail address.")]) -> None:
    """Remove the account's second factor and recovery codes (a lost phone): its sessions end, and
    where HOERING_REQUIRE_2FA is set it enrols again at its next sign-in."""
    from hoering.services.second_factor import reset

    reset(runtime(), email, actor=ACTOR)
    console.print(f"Totrinsbekræftelsen for {email} er nulstillet.")
