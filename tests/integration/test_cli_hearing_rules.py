"""Issue 12 items 11 and 18 as the secretariat meets them in the CLI: a deadline on a closed day
needs --allow-closed-day (and is still warned about), the same file twice needs --again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import cli_runner

SATURDAY_HEARING = """\
title: Interesse for at være fokuskommune
body: das
kind: interest
question: Ønsker kommunen at indgå som fokuskommune?
deadline: 2031-03-08T12:00:00+01:00
"""


@pytest.fixture
def run(tmp_path: Path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    return run


def test_closed_day_deadline_and_opening_twice(run, tmp_path):
    file = tmp_path / "h.yaml"
    file.write_text(SATURDAY_HEARING, encoding="utf-8")
    refused = run("hearing", "open", str(file), at="2031-02-24T10:00")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "falder på lørdag" in refused.stdout and "--allow-closed-day" in refused.stdout
    opened = run("hearing", "open", str(file), "--allow-closed-day", at="2031-02-24T10:00")
    assert opened.returncode == 0, opened.stdout + opened.stderr
    assert opened.stdout.strip() == "1"
    assert "advarsel: fristen 8. marts 2031 kl. 12.00 falder på lørdag" in opened.stderr
    twice = run("hearing", "open", str(file), "--allow-closed-day", at="2031-02-24T10:05")
    assert twice.returncode == 2 and "--again" in twice.stdout and len(twice.stdout.strip().splitlines()) == 1
    again = run("hearing", "open", str(file), "--allow-closed-day", "--again", at="2031-02-24T10:05")
    assert again.returncode == 0 and again.stdout.strip() == "2"
    extend = run("hearing", "extend", "1", "--deadline", "2031-03-09T12:00", "--reason", "Mere tid",
                 at="2031-02-25T10:00")
    assert extend.returncode == 2 and "søndag" in extend.stdout and "--allow-closed-day" in extend.stdout
