"""What directors and the secretariat read: ``hoering hearing notat``, ``hoering hearing export``
(registered on the ``hearing`` group) and ``hoering status preview``."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
import sys
from pathlib import Path
from typing import Annotated

import typer

from hoering.cli.common import console, runtime
from hoering.cli.hearing import IdArg
from hoering.cli.hearing import app as hearing_app
from hoering.errors import HoeringError

status_app = typer.Typer(help="The directors' status mail.", no_args_is_help=True)


OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write here ('-': standard output).")]


def deliver(data: bytes, output: Path | None, *, default: Path | None) -> None:
    """Write ``data`` to ``output`` (``-`` or no default: standard output) and say where."""
    target = output if output is not None else default
    if target is None or str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise HoeringError(f"kan ikke skrive {target}: {exc.strerror or exc}") from None
    from hoering.danish import format_size

    console.print(f"Skrev {target} ({format_size(len(data))})")


@hearing_app.command()
def notat(
    hearing_id: IdArg,
    format: Annotated[str, typer.Option("--format", "-f", help="docx or pdf.")] = "docx",
    output: OutputOpt = None,
) -> None:
    """Write the høringsnotat of a closed hearing (default file: hoeringsnotat-ID.FORMAT)."""
    from hoering.services.hearing_reports import write_notat

    data = write_notat(runtime(), hearing_id, format.lower())
    deliver(data, output, default=Path(f"hoeringsnotat-{hearing_id}.{format.lower()}"))


@hearing_app.command()
def export(
    hearing_id: IdArg,
    format: Annotated[str, typer.Option("--format", "-f", help="csv, xlsx or json.")] = "csv",
    output: OutputOpt = None,
) -> None:
    """One row per hørt part: answer, comment, channel, time, late (JSON: every version).

    CSV and JSON go to standard output unless --output is given; XLSX to hoering-ID.xlsx."""
    from hoering.services.hearing_reports import export_hearing

    data = export_hearing(runtime(), hearing_id, format.lower())
    default = Path(f"hoering-{hearing_id}.xlsx") if format.lower() == "xlsx" else None
    deliver(data, output, default=default)


@status_app.command()
def preview(
    director: Annotated[str, typer.Option("--director", help="The director's e-mail address.")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write the mail here (.html: the HTML part).")] = None,
) -> None:
    """Show the status mail a director would get now, without queuing or sending it."""
    from hoering.services.outgoing.status import preview_status

    mail = preview_status(runtime(), director=director)
    if mail is None:
        console.print(f"Intet at melde til {director} nu; der ville ikke blive sendt en statusmail.")
        return
    if output is not None:
        body = mail.html if output.suffix.lower() in (".html", ".htm") else \
            f"Emne: {mail.subject}\n\n{mail.text}"
        deliver(body.encode("utf-8"), output, default=None)
        return
    typer.echo(f"Emne: {mail.subject}\n")
    typer.echo(mail.text)
