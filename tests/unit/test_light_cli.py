"""`hoering --help` stays light: the CLI's modules import no database, web or Prefect code."""

import subprocess
import sys

HEAVY = ("sqlalchemy", "prefect", "fastapi", "uvicorn", "babel", "jinja2", "aiosmtplib", "reportlab", "docx")


def test_cli_import_pulls_in_nothing_heavy():
    code = ("import sys, hoering.cli.main as m; m.app; "
            f"print(','.join(x for x in {HEAVY!r} if x in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_help_lists_the_command_groups():
    out = subprocess.run([sys.executable, "-m", "hoering.cli.main", "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0
    for group in ("init", "due", "hearing", "outbox"):
        assert group in out.stdout


def test_help_shows_every_global_option():
    """Issue 12 item 19: `hoering --help` names --at and every other option of the root command."""
    import typer.main

    from hoering.cli.main import app

    root = typer.main.get_command(app)
    out = subprocess.run([sys.executable, "-m", "hoering.cli.main", "--help"], capture_output=True, text=True,
                         timeout=60, env={**__import__("os").environ, "COLUMNS": "200"})
    assert out.returncode == 0
    options = [name for p in root.params for name in p.opts if name.startswith("--")]
    assert "--at" in options
    for name in options:
        assert name in out.stdout, f"{name} missing from hoering --help"
    assert "2014-04-29T10:00" in out.stdout


def test_every_command_loads_in_the_order_help_lists_it():
    """hoering.cli.lazy: each entry of COMMANDS names a command or group that exists, under its own
    name; the root group offers them in the table's order (``hoering --help`` shows that order)."""
    import typer.main

    from hoering.cli.main import COMMANDS, app

    root = typer.main.get_command(app)
    ctx = root.make_context("hoering", ["--help"], resilient_parsing=True)
    assert root.list_commands(ctx) == list(COMMANDS)
    for name in COMMANDS:
        command = root.get_command(ctx, name)
        assert command is not None and command.name == name
    hearing = root.get_command(ctx, "hearing")
    assert {"open", "status", "notat", "export"} <= set(hearing.list_commands(ctx))  # notat, export: cli.reports
