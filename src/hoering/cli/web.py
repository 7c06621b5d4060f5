"""``hoering web``: serve the answer portal, the secretariat's overview and the API."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
from typing import Annotated

import typer

from hoering import collector
from hoering.cli.common import read_password, runtime
from hoering.errors import HoeringError

app = typer.Typer(help="The answer portal and the secretariat's overview (FastAPI).",
                  invoke_without_command=True)


@app.callback()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to listen on (default HOERING_WEB_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default HOERING_WEB_PORT, 8000).",
                                             min=1, max=65535)] = None,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes (production: about one per core).",
                                         min=1, max=64)] = 1,
) -> None:
    """Serve the web app with uvicorn (127.0.0.1:8000 unless configured otherwise)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from hoering.cli.logformat import log_config
    from hoering.web.app import serving_app

    rt = runtime()
    settings = rt.settings
    host = host or settings.web_host
    port = port or settings.web_port
    typer.echo(f"Kører på http://{host}:{port} (links i mails peger på {settings.portal_url})")
    if not settings.admin_password_hash:
        typer.echo("Bemærk: HOERING_ADMIN_PASSWORD_HASH er ikke sat; man kan ikke logge ind på /sekretariat "
                   "(lav en med: hoering web hash-password).")
    if workers > 1:
        # Each worker process builds its own app from the environment (the same HOERING_* settings).
        collector.for_long_work()  # this process only watches the workers from now on
        uvicorn.run("hoering.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                    proxy_headers=False, server_header=False, log_level="info",
                    log_config=log_config(settings.log_format))
        return
    served = serving_app(rt)
    collector.for_long_work()  # the app is built: what it imported stays out of every collection
    uvicorn.run(served, host=host, port=port, proxy_headers=False, server_header=False,
                log_level="info", log_config=log_config(settings.log_format))


@app.command("hash-password")
def hash_password_command(
    stdin: Annotated[bool, typer.Option("--stdin", help="Read the password from standard input.")] = False,
) -> None:
    """Print a hash of a password for HOERING_ADMIN_PASSWORD_HASH (the password is not stored)."""
    from hoering.passwords import hash_password

    password = read_password(stdin=stdin)
    if len(password) < 8:
        raise HoeringError("adgangskoden skal have mindst 8 tegn")
    typer.echo(hash_password(password))
