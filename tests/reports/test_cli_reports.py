"""``hoering hearing notat``, ``hoering hearing export`` and ``hoering status preview`` as a
person runs them (the hearings are set up in-process; only the commands under test are spawned)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from hoering.db.models import OutboxMessage
from hoering.services.answers import record_answer
from hoering.services.hearings import close_hearing, open_hearing
from tests.support import BOTH_CONTACTS, JYFE_DEADLINE, Clock, make_runtime
from tests.support import jyfe as jyfe_definition

LAESOE = "socialdirektoer@laesoe.kommune.example"


def cli(tmp_path: Path, url: str):
    env = {**os.environ, "HOERING_HOME": str(tmp_path / "var"), "HOERING_SECRET_KEY": "test-secret-key",
           "HOERING_DATABASE_URL": url}

    def run(*args: str, at: str = "2014-05-14T09:00") -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "hoering.cli.main", "--at", at, *args],
                              capture_output=True, env=env, cwd=tmp_path, timeout=120)

    return run


def test_notat_and_exports_through_the_cli(tmp_path: Path, sqlite_url: str):
    clock = Clock()
    rt = make_runtime(tmp_path, sqlite_url, clock)
    jyfe = jyfe_definition(contacts=BOTH_CONTACTS)
    hid, still_open = open_hearing(rt, jyfe), open_hearing(rt, jyfe, again=True)
    for code, option in [("851", "udbetaling"), ("860", "pulje"), ("825", "pulje")]:
        record_answer(rt, hid, kommune=code, option=option)
    clock.set(JYFE_DEADLINE + timedelta(minutes=30))
    close_hearing(rt, hid)
    run = cli(tmp_path, sqlite_url)

    data = json.loads(run("hearing", "export", str(hid), "--format", "json").stdout)
    assert data["result"]["payouts"].keys() == {"851"} and len(data["rows"]) == 11
    assert run("hearing", "export", str(hid), "--format", "csv", "--output", "svar.csv").returncode == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "svar.csv").read_text("utf-8-sig")), delimiter=";"))
    assert [r["Part"] for r in rows if r["Status"] == "svar modtaget"] == [
        "Aalborg Kommune", "Hjørring Kommune", "Læsø Kommune"]
    assert run("hearing", "export", str(hid), "--format", "xlsx").returncode == 0
    assert load_workbook(tmp_path / f"hoering-{hid}.xlsx")["Svar"].max_row == 13  # header, 11 parties, I alt

    made = run("hearing", "notat", str(hid), "--format", "docx")
    assert made.returncode == 0 and f"hoeringsnotat-{hid}.docx".encode() in made.stdout
    doc = Document(str(tmp_path / f"hoeringsnotat-{hid}.docx"))
    assert any("120.000,00 kr." in cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert run("hearing", "notat", str(hid), "--format", "pdf", "-o", "n.pdf").returncode == 0
    assert (tmp_path / "n.pdf").read_bytes().startswith(b"%PDF-")

    for args, message in [
        (("hearing", "notat", str(still_open), "--format", "pdf"), "er stadig åben".encode()),
        (("hearing", "export", str(hid), "--format", "ods"), b"ukendt eksportformat 'ods'"),
        (("hearing", "notat", str(hid), "-o", str(tmp_path / "no" / "dir.docx")), b"kan ikke skrive"),
    ]:
        wrong = run(*args)
        out = wrong.stdout + wrong.stderr
        assert wrong.returncode == 2 and message in out and b"Traceback" not in out, out


def test_status_preview_through_the_cli(tmp_path: Path, sqlite_url: str):
    rt = make_runtime(tmp_path, sqlite_url, Clock())
    hid = open_hearing(rt, jyfe_definition(contacts=BOTH_CONTACTS))
    record_answer(rt, hid, kommune="Aalborg", option="pulje")
    with rt.db.transaction() as s:
        queued = s.scalar(select(func.count()).select_from(OutboxMessage))
    run = cli(tmp_path, sqlite_url)

    shown = run("status", "preview", "--director", LAESOE, at="2014-05-05T08:00")
    text = shown.stdout.decode()
    assert shown.returncode == 0 and text.startswith("Emne: Status fra Nordjysk Socialaftale, uge 19, 2014")
    assert "Frist: tirsdag den 13. maj 2014 kl. 12.00 (8 dage og 4 timer tilbage)" in text
    assert "/svar/" in text
    nothing = run("status", "preview", "--director", "socialdirektoer@aalborg.kommune.example")
    assert nothing.returncode == 0 and b"Intet at melde" in nothing.stdout
    assert run("status", "preview", "--director", LAESOE, "--output", "s.html").returncode == 0
    assert "Status, uge 20, 2014</h1>" in (tmp_path / "s.html").read_text()
    wrong = run("status", "preview", "--director", "x@example.org")
    assert wrong.returncode == 2 and b"ingen person med e-mailadressen 'x@example.org'" in wrong.stdout
    assert b"Traceback" not in wrong.stdout + wrong.stderr
    with rt.db.transaction() as s:  # previews queue nothing
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == queued
