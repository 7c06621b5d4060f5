"""Item 1: control characters are cleaned at the boundary. A comment with NUL and vertical tab
posted to ``hoering web`` (a real process) on SQLite and on PostgreSQL is stored cleaned, and the
XLSX export and the DOCX notat of the closed hearing are written. The CLI and files too."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from hoering.db.models import Answer, AnswerToken, Hearing
from hoering.domain.text import clean_text, clean_tree
from hoering.services.hearing_reports import export_hearing, write_notat
from hoering.services.hearings import close_hearing
from hoering.tokens import derive_token
from tests.safety.conftest import csrf_of, hoering_web
from tests.support import EXAMPLES, cli_runner, make_runtime
from tests.web.conftest import open_example

HOSTILE = "Linje et\x00\x0bLinje to\x01\r\nslut\x7f\x85"


def test_clean_text_rules():
    assert clean_text(HOSTILE) == "Linje et\nLinje to\nslut\n"
    assert clean_text("tab\tog\nlinje") == "tab\tog\nlinje"
    assert clean_text("bro\udcff\ufffeken") == "broken"
    assert clean_text("a\u030a") == "å"  # NFC
    assert clean_tree({"t\x00": ["a\x01", 3, None, {"b": "c\x02"}]}) == {"t": ["a", 3, None, {"b": "c"}]}


def test_hostile_comment_over_http_is_stored_clean_and_documents_are_written(tmp_path, database_url, clock):
    rt = make_runtime(tmp_path, database_url, clock)
    hid = open_example(rt)
    with rt.db.read() as s:
        nonce = s.scalars(select(AnswerToken.nonce)).first()
    token = derive_token(rt.secret, nonce)
    with hoering_web(rt, tmp_path, at="2014-05-01T10:00") as base, \
            httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        page = client.get(f"/svar/{token}")
        response = client.post(f"/svar/{token}", data={"csrf": csrf_of(page.text), "hearing": str(hid),
                                                        "option": "pulje\x00", "comment": HOSTILE})
        assert response.status_code == 303, response.text[:500]
        assert "Linje to" in client.get(f"/svar/{token}/kvittering").text
    with rt.db.read() as s:
        stored = s.execute(select(Answer.option, Answer.comment)).one()
    assert tuple(stored) == ("pulje", "Linje et\nLinje to\nslut")
    close_hearing(rt, hid, force=True)
    sheet = load_workbook(io.BytesIO(export_hearing(rt, hid, "xlsx")))["Svar"]
    assert "Linje et\nLinje to\nslut" in [c.value for row in sheet.iter_rows() for c in row]
    notat = Document(io.BytesIO(write_notat(rt, hid, "docx")))
    assert any("Linje to" in c.text for t in notat.tables for row in t.rows for c in row.cells) or \
        any("Linje to" in p.text for p in notat.paragraphs)


def test_writers_survive_text_stored_before_the_cleaning(tmp_path, sqlite_url, clock):
    """Old rows may hold control characters already: the writers clean what they write."""
    rt = make_runtime(tmp_path, sqlite_url, clock)
    hid = open_example(rt)
    from hoering.services.answers import record_answer

    record_answer(rt, hid, kommune="Læsø", option="pulje", comment="ren")
    with rt.db.transaction() as s:  # as an old version would have stored it
        s.scalars(select(Answer)).one().comment = "gammel\x0bkommentar\x00"
        s.get(Hearing, hid).title = "Titel\x01"
    close_hearing(rt, hid, force=True)
    assert load_workbook(io.BytesIO(export_hearing(rt, hid, "xlsx")))
    assert b"gammel" in export_hearing(rt, hid, "csv")
    assert Document(io.BytesIO(write_notat(rt, hid, "docx")))


def test_cli_options_and_hearing_files_are_cleaned(tmp_path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    text = (EXAMPLES / "jyfe.yaml").read_text(encoding="utf-8")
    title = 'title: "Tilbagebetaling\\0 af midler\\x0b fra JYFE"'
    text = re.sub(r"^title: .*$", lambda _: title, text, count=1, flags=re.M)
    (tmp_path / "h.yaml").write_text(text, encoding="utf-8")
    opened = run("hearing", "open", str(tmp_path / "h.yaml"), at="2014-04-29T10:00")
    assert opened.returncode == 0, opened.stderr
    hid = re.search(r"\d+", opened.stdout).group(0)
    answered = run("hearing", "answer", hid, "--kommune", "Læsø", "--option", "pulje",
                   "--comment", "Linje et\x0bLinje to\x01", at="2014-04-30T10:00")
    assert answered.returncode == 0, answered.stderr
    out = tmp_path / "e.xlsx"
    exported = run("hearing", "export", hid, "--format", "xlsx", "-o", str(out), at="2014-04-30T11:00")
    assert exported.returncode == 0, exported.stderr
    values = [c.value for ws in load_workbook(out) for row in ws.iter_rows() for c in row]
    assert "Linje et\nLinje to" in values
    assert "Tilbagebetaling af midler\n fra JYFE" in values


@pytest.mark.parametrize("raw", ["\x00", "a\x1b[31mb", "\ud800"])
def test_nothing_unwritable_survives(raw):
    cleaned = clean_text(raw)
    cleaned.encode("utf-8")  # no lone surrogate
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", cleaned)


