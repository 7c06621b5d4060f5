"""Issue 17 item 4: commands that read start light and check the migrations with a version read.

`hoering hearing status`, `hearing list` and `due --no-send` import neither Alembic nor Prefect,
FastAPI or reportlab (seen with ``python -X importtime``, every module the process imported); the
head revision the CLI compares with ``alembic_version`` is the one Alembic itself computes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from hoering.db.migrate import alembic_config, upgrade
from hoering.db.schema_version import code_heads, revisions
from hoering.db.session import Database
from tests.support import EXAMPLES, cli_runner

HEAVY = ("alembic", "prefect", "fastapi", "starlette", "uvicorn", "reportlab", "mako")
#: made lazy in round 2 of issue 17: the web limiter's ``limits``, mail rendering (Jinja2,
#: css_inline), the hearing files' YAML; and the tables these commands never read
LAZY = ("limits", "jinja2", "css_inline", "yaml", "hoering.db.models", "hoering.db.meetings",
        "hoering.db.rate_limits", "hoering.mail.render", "hoering.templating",
        # issue 17 part 4: Babel (danish.py formats itself), the command groups a reading command
        # does not run (the root group builds a group when it is named), the outbox's progress bar
        "babel", "hoering.cli.meeting", "hoering.cli.item", "hoering.cli.inbox", "hoering.cli.web",
        "hoering.cli.user", "hoering.cli.ops", "hoering.cli.outbox", "rich.progress")
#: only a writing transaction seals audit entries; ``hearing status`` and ``hearing list`` only read
WRITERS_ONLY = ("hoering.db.audit",)
READING = (("hearing", "status", "1"), ("hearing", "list"), ("due", "--no-send"))


def imported_modules(tmp_path: Path, *args: str) -> set[str]:
    env = {**os.environ, "HOERING_HOME": str(tmp_path / "var"), "HOERING_SECRET_KEY": "cli-test",
           "HOERING_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    command = [sys.executable, "-X", "importtime", "-m", "hoering.cli.main", "--at", "2014-04-30T10:00", *args]
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    names = {m.group(1) for m in re.finditer(r"^import time:.*\|\s+(\S+)$", out.stderr, re.M)}
    return names | {n.split(".")[0] for n in names}


def test_reading_commands_import_nothing_heavy(tmp_path: Path) -> None:
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    opened = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00")
    assert opened.returncode == 0, opened.stderr
    for args in READING:
        modules = imported_modules(tmp_path, *args)
        assert "sqlalchemy" in modules  # the parse really saw the imports
        assert not modules & set(HEAVY), f"hoering {' '.join(args)} imported {sorted(modules & set(HEAVY))}"
        assert not modules & set(LAZY), f"hoering {' '.join(args)} imported {sorted(modules & set(LAZY))}"
        if args[0] == "hearing":
            assert not modules & set(WRITERS_ONLY), f"hoering {' '.join(args)} imported the audit chain"


def test_code_heads_agree_with_alembic(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    assert code_heads() == frozenset(ScriptDirectory.from_config(alembic_config(db)).get_heads())
    assert len(code_heads()) == 1


def test_revisions_read_the_version_table(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    assert revisions(db) == (set(), set(code_heads()))
    upgrade(db)
    assert revisions(db) == (set(code_heads()), set(code_heads()))


@pytest.mark.parametrize("command", READING[:2])
def test_a_stale_schema_stops_a_command_with_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_other_code'"))
    out = run(*command)
    assert out.returncode == 2
    assert "kør `hoering init`" in out.stdout and "ffff_from_other_code" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": min(code_heads())})
    db.dispose()
    assert "hoering init" not in run(*command).stdout  # current again: the command runs


def test_due_with_nothing_to_send_builds_no_sender(tmp_path: Path) -> None:
    """`hoering due` from cron, most runs: nothing due, nothing to send. It reads whether there
    is anything to send and stops there: no SMTP client, no templates, no sender."""
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    modules = imported_modules(tmp_path, "due")
    assert "sqlalchemy" in modules
    sending = {"hoering.mail.sender", "aiosmtplib", "jinja2", "hoering.services.outgoing.hearings"}
    assert not modules & sending, f"hoering due imported {sorted(modules & sending)}"
