"""What every command shares: the runtime, a console, and parsing of user-given values."""

from __future__ import annotations

# Imports inside functions are for start-up speed (hoering --help and every command start fast);
# none hides an import cycle.
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from hoering.domain.text import clean_text
from hoering.errors import HoeringError

if TYPE_CHECKING:
    from hoering.runtime import Runtime

console = Console(highlight=False)


_fixed_now: datetime | None = None


def set_clock(moment: datetime) -> None:
    """``hoering --at WHEN ...``: run the command as if it were ``moment``."""
    global _fixed_now
    _fixed_now = moment


def runtime(*, check_schema: bool = True) -> Runtime:
    """The runtime for a command (imported lazily: ``hoering --help`` needs no database).

    Unless ``check_schema`` is off (``init``, ``backup``, ``restore``: they migrate or copy the
    schema themselves), a database whose migrations are behind or ahead of the code stops the
    command with one line. The check is one ``SELECT`` on ``alembic_version`` against the head read
    from the migration files' text (``db.schema_version``): Alembic itself is never imported here.
    """
    from hoering.db.schema_version import revisions
    from hoering.runtime import bootstrap

    if _fixed_now is not None:
        fixed = _fixed_now
        rt = bootstrap(clock=lambda: fixed)
    else:
        rt = bootstrap()
    if check_schema:
        current, heads = revisions(rt.db)
        if not current:
            raise HoeringError("databasen er ikke oprettet endnu: kør `hoering init`")
        if current != heads:
            raise HoeringError(f"databasen er på migration {', '.join(sorted(current))}, koden på "
                               f"{', '.join(sorted(heads))}: kør `hoering init`")
    return rt


def parse_when(text: str, *, option: str = "--deadline") -> datetime:
    """ISO 8601 date-time; without an offset it is Copenhagen local time; a bare date means 12.00."""
    from hoering.domain.calendar import as_aware

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise HoeringError(f"{option}: {text!r} er ikke et tidspunkt som 2014-05-13T12:00") from None
    if len(text.strip()) == 10:
        value = value.replace(hour=12)
    return as_aware(value)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def read_password(*, stdin: bool) -> str:
    """A password from standard input (one line) or asked for twice, cleaned like every option
    (``cli.main``) and every web form, so the login page's password matches the one set here."""
    if stdin:
        return clean_text(sys.stdin.readline().rstrip("\n"))
    return clean_text(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
