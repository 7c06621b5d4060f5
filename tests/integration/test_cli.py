"""The CLI as a person uses it: real processes, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import EXAMPLES, cli_runner

HOERING = [sys.executable, "-m", "hoering.cli.main"]


@pytest.fixture
def run(tmp_path: Path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    return run


def test_jyfe_through_the_cli(run):
    opened = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00")
    assert opened.returncode == 0, opened.stderr
    hid = opened.stdout.strip()
    for code in ["851", "810", "813", "860", "849", "825", "846", "773", "840", "787", "820"]:
        r = run("hearing", "answer", hid, "--kommune", code, "--option", "pulje", at="2014-05-02T09:00")
        assert r.returncode == 0, r.stdout + r.stderr
    assert run("hearing", "close", hid, at="2014-05-13T12:30").returncode == 0
    result = json.loads(run("hearing", "result", hid, "--json").stdout)
    assert result["outcome"] == "passed" and result["allocation"]["pool"] == "120000.00"
    assert result["allocation"]["payouts"] == {} and result["silent"] == []
    status = json.loads(run("hearing", "status", hid, "--json").stdout)
    assert status["answered"] == 11


def test_broken_hearing_file_names_each_field_and_stores_nothing(run):
    r = run("hearing", "open", str(EXAMPLES / "broken-hearing.yaml"))
    assert r.returncode == 2
    out = r.stdout + r.stderr
    for field in ("deadline:", "reminders:", "rule:", "colour: unknown field"):
        assert field in out
    assert "Traceback" not in out
    assert "Ingen høringer endnu" in run("hearing", "list").stdout


@pytest.mark.parametrize("args, message", [
    (["hearing", "status", "42"], "høring 42 findes ikke"),
    (["hearing", "answer", "42", "--kommune", "Aalborg", "--option", "pulje"], "høring 42 findes ikke"),
    (["hearing", "close", "42"], "høring 42 findes ikke"),
    (["hearing", "open", "missing.yaml"], "file not found"),
    (["outbox", "retry", "7"], "besked i udbakken 7 findes ikke"),
])
def test_user_mistakes_exit_2_with_one_line(run, args, message):
    r = run(*args)
    assert r.returncode == 2 and message in r.stdout and "Traceback" not in r.stdout + r.stderr


@pytest.mark.parametrize("args", [["hearing", "status", "abc"], ["hearing", "list", "--status"], ["nonsense"]])
def test_usage_errors_exit_2_without_traceback(run, args):
    r = run(*args)
    assert r.returncode == 2 and "Traceback" not in r.stdout + r.stderr
    assert "Error" in r.stderr


def test_unknown_kommune_and_option(run):
    hid = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00").stdout.strip()
    r = run("hearing", "answer", hid, "--kommune", "Odense", "--option", "pulje", at="2014-05-01T10:00")
    assert r.returncode == 2 and "ukendt kommune 'Odense'" in r.stdout
    r = run("hearing", "answer", hid, "--kommune", "Læsø Kommune", "--option", "ja", at="2014-05-01T10:00")
    assert r.returncode == 2 and "ingen svarmulighed 'ja'" in r.stdout


def test_bad_setting_is_a_clear_error(run, tmp_path):
    env = {**os.environ, "HOERING_SMTP_SECURITY": "ssl3", "HOERING_HOME": str(tmp_path)}
    r = subprocess.run([*HOERING, "outbox", "status"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and "HOERING_SMTP_SECURITY" in r.stdout and "Traceback" not in r.stderr


def test_a_database_never_initialised_is_named_not_a_traceback(tmp_path: Path):
    """Before `hoering init` a command says so in one line (it used to print SQLAlchemy's
    "no such table" traceback: the schema check let an empty database through)."""
    run = cli_runner(tmp_path)
    r = run("hearing", "status", "1")
    assert r.returncode == 2
    assert (r.stdout + r.stderr).strip() == "fejl: databasen er ikke oprettet endnu: kør `hoering init`"
    assert "Traceback" not in r.stdout + r.stderr
