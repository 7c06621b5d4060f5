"""``hoering user add / list / disable / token``: real processes, argon2 hashes, audit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.support import cli_runner


@pytest.fixture
def run(tmp_path: Path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    return run


def test_add_list_disable_and_token(run, tmp_path: Path):
    added = run_stdin(tmp_path, "en-god-adgangskode\n", "user", "add", "Anna@Sekretariat.example",
                      "--name", "Anna Andersen", "--role", "sekretariat", "--password-stdin")
    assert added.returncode == 0, added.stdout + added.stderr
    assert "anna@sekretariat.example" in added.stdout
    listed = json.loads(run("user", "list", "--json").stdout)
    assert [(u["email"], u["name"], u["role"], u["active"]) for u in listed] == [
        ("anna@sekretariat.example", "Anna Andersen", "sekretariat", True)]
    with sqlite3.connect(tmp_path / "cli.db") as db:
        (stored,) = db.execute("select password_hash from console_user").fetchone()
    assert stored.startswith("$argon2id$") and "en-god-adgangskode" not in stored

    token = run("user", "token", "anna@sekretariat.example")
    assert token.returncode == 0 and token.stdout.strip().startswith("hoe_")
    assert json.loads(run("user", "list", "--json").stdout)[0]["api_token"] is True

    assert run("user", "disable", "anna@sekretariat.example").returncode == 0
    user = json.loads(run("user", "list", "--json").stdout)[0]
    assert user["active"] is False and user["api_token"] is False
    with sqlite3.connect(tmp_path / "cli.db") as db:
        actions = [a for (a,) in db.execute("select action from audit_log where entity = 'user'")]
    assert actions == ["user.added", "user.token", "user.disabled"]


def test_mistakes_are_one_line(run, tmp_path: Path):
    short = run_stdin(tmp_path, "kort\n", "user", "add", "b@x.example", "--name", "B", "--password-stdin")
    assert short.returncode == 2 and "at least 10 characters" in short.stdout
    role = run_stdin(tmp_path, "en-god-adgangskode\n", "user", "add", "b@x.example", "--name", "B",
                     "--role", "chef", "--password-stdin")
    assert role.returncode == 2 and "sekretariat, formand, laeser" in role.stdout
    assert run_stdin(tmp_path, "en-god-adgangskode\n", "user", "add", "b@x.example", "--name", "B",
                     "--password-stdin").returncode == 0
    twice = run_stdin(tmp_path, "en-god-adgangskode\n", "user", "add", "B@x.example", "--name", "B",
                      "--password-stdin")
    assert twice.returncode == 2 and "already has an account" in twice.stdout
    missing = run("user", "disable", "nobody@x.example")
    assert missing.returncode == 2 and "Traceback" not in missing.stdout + missing.stderr


def run_stdin(tmp_path: Path, stdin: str, *args: str):
    import os
    import subprocess
    import sys

    env = {**os.environ, "HOERING_HOME": str(tmp_path / "var"), "HOERING_SECRET_KEY": "cli-test",
           "HOERING_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    return subprocess.run([sys.executable, "-m", "hoering.cli.main", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
