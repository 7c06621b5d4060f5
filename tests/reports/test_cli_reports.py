"""``hoering hearing notat`` and ``hoering hearing export`` as a person runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from tests.support import EXAMPLES

HOERING = [sys.executable, "-m", "hoering.cli.main"]


def test_notat_and_exports_through_the_cli(tmp_path: Path):
    env = {**os.environ, "HOERING_HOME": str(tmp_path / "var"), "HOERING_SECRET_KEY": "cli-test",
           "HOERING_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*args: str, at: str | None = None) -> subprocess.CompletedProcess[bytes]:
        prefix = ["--at", at] if at else []
        return subprocess.run([*HOERING, *prefix, *args], capture_output=True, env=env, cwd=tmp_path,
                              timeout=120)

    assert run("init").returncode == 0
    hid = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00").stdout.decode().strip()
    for code, option in [("851", "udbetaling"), ("860", "pulje"), ("825", "pulje")]:
        assert run("hearing", "answer", hid, "--kommune", code, "--option", option,
                   at="2014-05-02T09:00").returncode == 0

    too_early = run("hearing", "notat", hid, "--format", "pdf")
    assert too_early.returncode == 2 and b"still open" in too_early.stdout + too_early.stderr
    assert b"Traceback" not in too_early.stdout + too_early.stderr
    assert run("hearing", "close", hid, at="2014-05-13T12:30").returncode == 0

    data = json.loads(run("hearing", "export", hid, "--format", "json").stdout)
    assert data["result"]["payouts"].keys() == {"851"} and len(data["rows"]) == 11
    assert run("hearing", "export", hid, "--format", "csv", "--output", "svar.csv").returncode == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "svar.csv").read_text("utf-8-sig")), delimiter=";"))
    assert [r["Part"] for r in rows if r["Status"] == "svar modtaget"] == [
        "Aalborg Kommune", "Hjørring Kommune", "Læsø Kommune"]
    assert run("hearing", "export", hid, "--format", "xlsx").returncode == 0
    assert load_workbook(tmp_path / f"hoering-{hid}.xlsx")["Svar"].max_row == 12

    made = run("hearing", "notat", hid, "--format", "docx")
    assert made.returncode == 0 and f"hoeringsnotat-{hid}.docx".encode() in made.stdout
    doc = Document(str(tmp_path / f"hoeringsnotat-{hid}.docx"))
    assert any("120.000,00 kr." in cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert run("hearing", "notat", hid, "--format", "pdf", "-o", "n.pdf").returncode == 0
    assert (tmp_path / "n.pdf").read_bytes().startswith(b"%PDF-")

    wrong = run("hearing", "export", hid, "--format", "ods")
    assert wrong.returncode == 2 and b"unknown export format 'ods'" in wrong.stdout + wrong.stderr
    assert b"Traceback" not in wrong.stdout + wrong.stderr
    missing = run("hearing", "notat", "99")
    assert missing.returncode == 2 and b"no hearing with id 99" in missing.stdout + missing.stderr
    nowhere = run("hearing", "notat", hid, "-o", str(tmp_path / "no" / "such" / "dir.docx"))
    assert nowhere.returncode == 2 and b"cannot write" in nowhere.stdout + nowhere.stderr
