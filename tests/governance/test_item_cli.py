"""Items in the CLI: list (by state), show (with sagens gang), edit until the agenda is sent; the
same item file added twice asks for --again."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.support import EXAMPLES, cli_runner

HOERING = [sys.executable, "-m", "hoering.cli.main"]
FILE = EXAMPLES / "das-2021" / "items" / "08-svenstrupgaard.yaml"


@pytest.fixture
def run(tmp_path: Path):
    run = cli_runner(tmp_path, HOERING_SMTP_PORT="9")
    assert run("init").returncode == 0
    return run


def test_list_show_edit_and_adding_twice(run):
    item = run("item", "add", str(FILE), at="2031-02-01T10:00").stdout.strip()
    twice = run("item", "add", str(FILE), at="2031-02-01T10:05")
    assert twice.returncode == 2 and "Traceback" not in twice.stderr
    assert "allerede rejst" in twice.stdout and "--again" in twice.stdout
    assert run("item", "add", str(FILE), "--again", at="2031-02-01T10:06").returncode == 0
    assert run("item", "route", item, "--to", "fu", at="2031-02-02T10:00").returncode == 0

    listed = json.loads(run("item", "list", "--state", "hos_fu", "--json").stdout)
    assert [r["id"] for r in listed] == [int(item)]
    bad = run("item", "list", "--state", "glemt")
    assert bad.returncode == 2 and "glemt" in bad.stdout

    edited = run("item", "edit", item, "--title", "Takststigning på Svenstrupgård forlænges",
                 "--indstilling", "DAS godkender forlængelsen", at="2031-02-03T10:00")
    assert edited.returncode == 0, edited.stdout + edited.stderr
    shown = json.loads(run("item", "show", item, "--json").stdout)
    assert shown["title"] == "Takststigning på Svenstrupgård forlænges"
    assert shown["indstillinger"] == ["DAS godkender forlængelsen"]
    assert [m["action"] for m in shown["moves"]] == ["to_fu"]
    text = run("item", "show", item).stdout
    assert "Sagens gang:" in text and "Punkt 1: sat på FU's liste" in text
