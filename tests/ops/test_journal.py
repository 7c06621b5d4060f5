"""The journal export: every mail sent and received, the bilag, the answers and the notat, with an
index (CSV and JSON) whose checksums match the files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from hoering.danish import local
from hoering.db.inbox import InboxMessage
from hoering.services.answers import record_answer
from hoering.services.due import run_due_work
from hoering.services.hearings import open_hearing
from hoering.services.journal import Scope, journal_export
from hoering.services.outbox import send_outbox
from tests.support import JYFE_DEADLINE, ROOT, cli_runner, jyfe, make_runtime


def read_zip(path: Path) -> tuple[dict[str, bytes], list[dict], list[dict]]:
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    index_json = json.loads(files.pop("index.json"))["documents"]
    index_csv = list(csv.DictReader(io.StringIO(files.pop("index.csv").decode("utf-8-sig"))))
    return files, index_json, index_csv


def check_index(files: dict[str, bytes], index_json: list[dict], index_csv: list[dict]) -> None:
    assert [r["file"] for r in index_json] == [r["file"] for r in index_csv]
    assert set(files) == {r["file"] for r in index_json}
    for row in index_json:
        assert hashlib.sha256(files[row["file"]]).hexdigest() == row["sha256"]
        assert row["date"] and row["direction"] in ("sendt", "modtaget", "intern") and row["parties"]
        assert row["description"]


def test_hearing_journal_holds_every_mail_answer_and_the_notat(tmp_path, sqlite_url, clock, smtp):
    controller, sink = smtp
    rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port)
    hid = open_hearing(rt, jyfe())
    send_outbox(rt)
    for kommune in ("Aalborg", "Hjørring", "Læsø"):
        record_answer(rt, hid, kommune=kommune, option="pulje", comment=f"Bemærkning fra {kommune}")
    raw = (b"From: socialdirektoer@thisted.kommune.example\r\nTo: sekretariat@socialaftale.example\r\n"
           b"Subject: Svar vedr. JYFE\r\nMessage-ID: <svar-1@thisted.example>\r\n\r\nVi tilslutter os puljen.\r\n")
    with rt.db.transaction() as s:
        s.add(InboxMessage(sha256=hashlib.sha256(raw).hexdigest(), message_id="<svar-1@thisted.example>",
                           received_at=clock.now, source="import", from_addr="socialdirektoer@thisted.kommune.example",
                           subject="Svar vedr. JYFE", raw=raw, status="processed", hearing_id=hid, detail={}))
    clock.set(JYFE_DEADLINE.replace(minute=5))
    assert run_due_work(rt).closed == [hid]
    send_outbox(rt)

    entries = journal_export(rt, Scope(hearing_id=hid), tmp_path / "j.zip")
    files, index_json, index_csv = read_zip(tmp_path / "j.zip")
    check_index(files, index_json, index_csv)
    assert len(entries) == len(files)
    sent_ids = {str(m["Message-ID"]) for m in sink.messages}
    in_zip = {str(message_from_bytes(files[r["file"]], policy=policy.default)["Message-ID"])
              for r in index_json if r["file"].endswith(".eml")}
    assert sent_ids <= in_zip, "a mail sent is missing from the journal"
    assert "<svar-1@thisted.example>" in in_zip, "the received mail is missing"
    descriptions = [r["description"] for r in index_json]
    assert "Høringsnotat" in descriptions
    notat = next(files[r["file"]] for r in index_json if r["description"] == "Høringsnotat")
    assert notat.startswith(b"%PDF")
    # each row names its case and title; dates and file names in Copenhagen time, as the secretariat reads them
    title = "Tilbagebetaling af tiloversblevne midler fra JYFE"
    assert {(r["case"], r["title"]) for r in index_json} == {(f"høring {hid}", title)}
    assert {(r["case"], r["title"]) for r in index_csv} == {(f"høring {hid}", title)}
    for row in index_json:
        at = datetime.fromisoformat(row["date"])
        assert at.utcoffset() == local(at).utcoffset() and row["file"][5:18] == f"{local(at):%Y%m%d-%H%M}"
    answers = [r for r in index_json if r["description"].startswith("Høringssvar fra")]
    assert len(answers) == 3 and {r["direction"] for r in answers} == {"modtaget"}
    assert "Bemærkning fra Læsø" in files[next(r["file"] for r in answers if "Læsø" in r["description"])].decode()
    # the same export twice gives the same documents (the PDF's ReportLab id and time aside)
    journal_export(rt, Scope(hearing_id=hid), tmp_path / "again.zip")
    again = read_zip(tmp_path / "again.zip")[0]
    assert set(again) == set(files)
    assert {n: b for n, b in again.items() if not n.endswith(".pdf")} == \
        {n: b for n, b in files.items() if not n.endswith(".pdf")}


def test_cli_usage_errors(tmp_path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    for args in (["journal", "export"], ["journal", "export", "--hearing", "1", "--meeting", "2"],
                 ["journal", "export", "--from", "2014-05-01"], ["journal", "export", "--hearing", "99"]):
        result = run(*args)
        assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr, args
    result = run("journal", "export", "--from", "2014-05-01", "--to", "2014-05-31", "-o", str(tmp_path / "p.zip"))
    assert result.returncode == 0 and "0 dokument(er)" in result.stdout


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_journal_of_the_demo_hearing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOERING_", "PREFECT_"))}
    demo = subprocess.run([sys.executable, "-m", "hoering.demo", "--var", str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    env.update(HOERING_HOME=str(tmp_path / "demo"),
               HOERING_DATABASE_URL=f"sqlite:///{tmp_path / 'demo' / 'hoering.db'}")
    out = subprocess.run([sys.executable, "-m", "hoering.cli.main", "journal", "export", "--hearing", "1",
                          "-o", str(tmp_path / "jyfe.zip")], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    files, index_json, index_csv = read_zip(tmp_path / "jyfe.zip")
    check_index(files, index_json, index_csv)
    received = {str(message_from_bytes(p.read_bytes(), policy=policy.default)["Message-ID"])
                for p in (tmp_path / "demo" / "mail").glob("*.eml")}
    in_zip = {str(message_from_bytes(files[r["file"]], policy=policy.default)["Message-ID"])
              for r in index_json if r["file"].endswith(".eml")}
    assert received and received <= in_zip, f"mails missing from the journal: {received - in_zip}"
    assert any(r["description"] == "Høringsnotat" for r in index_json)
    assert sum(r["description"].startswith("Høringssvar fra") for r in index_json) >= 11
