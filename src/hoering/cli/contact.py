"""``hoering contact ...``: take a contact's answer links back, or give them a new one."""

from __future__ import annotations

from typing import Annotated

import typer

from hoering.cli.common import runtime

app = typer.Typer(help="A contact's personal answer links: revoke or reissue.", no_args_is_help=True)

Email = Annotated[str, typer.Argument(help="The contact's e-mail address (as in the registry).")]


@app.command()
def revoke(
    email: Email,
    hearing: Annotated[int | None, typer.Option("--hearing", help="Only the link in this hearing.")] = None,
) -> None:
    """Revoke the contact's live answer links (every hearing, or one): they open nothing after."""
    from hoering.services.contacts import revoke_contact  # lazy: keeps `hoering --help` fast

    done = revoke_contact(runtime(), email, hearing_id=hearing)
    where = ", ".join(str(h) for h in done.hearings)
    typer.echo(f"{done.links} svarlink(s) for {done.email} er tilbagekaldt" + (f" (høring {where})." if where else "."))


@app.command()
def reissue(
    email: Email,
    hearing: Annotated[int, typer.Option("--hearing", help="The hearing whose link is replaced.")],
) -> None:
    """Revoke the contact's link in the hearing and queue a mail with a new one."""
    from hoering.services.contacts import reissue_link  # lazy: keeps `hoering --help` fast

    queued = reissue_link(runtime(), email, hearing_id=hearing)
    typer.echo(f"Nyt svarlink til {email.strip()} i høring {hearing}: {queued} mail(s) i udbakken "
               "(send med: hoering outbox send).")
