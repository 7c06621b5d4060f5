"""The governance commands as a person uses them: real processes, exit codes, one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.support import EXAMPLES, cli_runner

HOERING = [sys.executable, "-m", "hoering.cli.main"]
EX = EXAMPLES / "das-2021"


@pytest.fixture
def run(tmp_path: Path):
    run = cli_runner(tmp_path, HOERING_SMTP_PORT="9")
    assert run("init").returncode == 0
    return run


def plan_without_standard_items(tmp_path: Path) -> Path:
    """The DAS plan of 2021 for a walk-through of one item (standard items: test_standard_items)."""
    plan = tmp_path / "plan.yaml"
    plan.write_text((EX / "plan-das-2021.yaml").read_text(encoding="utf-8") + "standard_items: []\n",
                    encoding="utf-8")
    return plan


def test_an_item_through_the_cli(run, tmp_path):
    planned = run("meeting", "plan", str(plan_without_standard_items(tmp_path)), at="2021-02-15T10:00")
    assert planned.returncode == 0 and planned.stdout.strip() == "5 møde(r): 1, 2, 3, 4, 5"
    das = 2  # the second meeting of the plan: 15 March 2021
    item = run("item", "add", str(EX / "items" / "08-svenstrupgaard.yaml"), at="2021-02-15T10:00").stdout.strip()

    refused = run("item", "route", item, "--to", "das", at="2021-02-15T10:00")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stdout.strip() == ("fejl: item 1 (rejst): cannot put it on the DAS agenda: "
                                      "FU prepares every case first (route it to FU)")
    assert run("item", "route", item, "--to", "fu", at="2021-02-16T10:00").returncode == 0
    routed = run("item", "route", item, "--to", "das", at="2021-03-01T10:00")
    assert routed.stdout.strip() == f"Punkt {item} er sat på dagsordenen for DAS (møde {das})"
    decided = run("item", "decide", item, "--outcome", "godkendt",
                  "--text", "DAS kredsen godkender, at takststigningen forlænges til 14 år.",
                  "--followup", "Ny takst meldes ud|Aalborg Kommune|2021-04-01", at="2021-03-15T15:00")
    assert decided.returncode == 0, decided.stdout + decided.stderr
    bad = run("item", "decide", item, "--outcome", "afvist", "--text", "x", at="2021-03-15T15:05")
    assert bad.returncode == 2 and "decided already" in bad.stdout
    followups = json.loads(run("followup", "list", "--open", "--json").stdout)
    assert [(f["what"], f["who"], f["due"]) for f in followups] == [
        ("Ny takst meldes ud", "Socialdirektør, Aalborg Kommune", "2021-04-01")]  # the kommune's director
    out = tmp_path / "referat.docx"
    assert run("meeting", "minutes", str(das), "--format", "docx", "--out", str(out)).returncode == 0
    assert out.read_bytes()[:2] == b"PK"
    due = run("cycle", "due", "--no-send", at="2021-03-16T09:00")
    assert due.stdout.strip() == f"møde {das}: udkast til referat (1 mail(s) i udbakken)"
    assert run("cycle", "due", "--no-send", at="2021-03-16T09:00").stdout.strip() == "Intet at gøre nu."
    shown = json.loads(run("meeting", "show", str(das), "--json").stdout)
    assert [(i["id"], i["state"], i["outcome"]) for i in shown["items"]] == [(int(item), "besluttet", "godkendt")]
    moves = json.loads(run("item", "moves", item).stdout)
    assert [m["action"] for m in moves] == ["to_fu", "to_meeting", "decide"]
