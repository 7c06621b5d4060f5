"""Answers with documents over real HTTP (TestClient): several files per answer, each version
keeps its own, the wrong type or size refused in Danish with the typed comment kept and nothing
stored, downloads guarded by the token, a submission answered by a document alone."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hoering.db.models import Answer, AnswerFile, Document
from hoering.services.answers import GivenFile, record_answer
from hoering.services.hearings import open_hearing
from hoering.services.outbox import send_outbox
from hoering.web.app import create_app
from tests.documents import files
from tests.support import jyfe, make_runtime, with_bilag
from tests.web.conftest import API_TOKEN, csrf_of, invitation_links, login, open_example, path_of, web_runtime

DIRECTOR = "socialdirektoer@hjoerring.kommune.example"
OTHER = "socialdirektoer@aalborg.kommune.example"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def counts(rt) -> tuple[int, int, int]:
    with rt.db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Answer, AnswerFile, Document))


def post(client: TestClient, path: str, hid: int, upload: list, **fields: str | list[str]):
    csrf = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf": csrf, "hearing": str(hid), **fields}, files=[("files", f) for f in upload])


def test_answer_with_two_files_then_a_new_version_keeps_one(web_rt, sink, client) -> None:
    hid = open_example(web_rt)
    links = invitation_links(web_rt, sink)
    path = path_of(links[DIRECTOR])
    pdf, docx = files.pdf("Hjørrings høringssvar"), files.docx_file("Uddybning")
    r = post(client, path, hid, [("svar.pdf", pdf, PDF), ("uddybning.docx", docx, DOCX)],
             option="pulje", comment="Se vedlagte")
    assert r.status_code == 303, r.text
    receipt = client.get(path + "/kvittering").text
    assert "svar.pdf" in receipt and "uddybning.docx" in receipt
    send_outbox(web_rt)
    mail = next(m for m in sink.messages if "Kvittering" in str(m["Subject"]))
    assert "Dokumenter: svar.pdf (" in mail.get_body(preferencelist=("plain",)).get_content()
    with web_rt.db.read() as s:
        rows = s.scalars(select(AnswerFile).order_by(AnswerFile.position)).all()
        assert [(f.filename, f.document.sha256) for f in rows] == [
            ("svar.pdf", hashlib.sha256(pdf).hexdigest()), ("uddybning.docx", hashlib.sha256(docx).hexdigest())]
        first_ids = [f.id for f in rows]
    got = client.get(f"{path}/fil/{first_ids[0]}")
    assert got.status_code == 200 and got.content == pdf
    assert got.headers["content-type"] == PDF and "attachment" in got.headers["content-disposition"]
    # another kommune's link cannot fetch it; a made-up token neither
    other = path_of(links[OTHER])
    assert client.get(f"{other}/fil/{first_ids[0]}").status_code == 404
    assert client.get(f"/svar/{'x' * 43}/fil/{first_ids[0]}").status_code == 404
    # version 2 keeps the PDF, drops the DOCX, adds an XLSX; version 1 still has both
    xlsx = files.xlsx("Tal")
    r = post(client, path, hid, [("tal.xlsx", xlsx, "application/octet-stream")], option="pulje",
             comment="Rettet", keep=[str(first_ids[0])])
    assert r.status_code == 303, r.text
    with web_rt.db.read() as s:
        by_version = {a.version: [f.filename for f in s.scalars(select(AnswerFile).where(
            AnswerFile.answer_id == a.id).order_by(AnswerFile.position))] for a in s.scalars(select(Answer))}
    assert by_version == {1: ["svar.pdf", "uddybning.docx"], 2: ["svar.pdf", "tal.xlsx"]}


@pytest.mark.parametrize(("upload", "words"), [
    (("stor.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF", PDF), "en fil må højst fylde 2,0 MB"),
    (("program.pdf", files.exe(), PDF), "er et program"),
    (("falsk.pdf", b"Dette er ikke en PDF", PDF), "hedder .pdf, men indholdet er ikke en PDF"),
    (("tom.pdf", b"", PDF), "er tom"),
    (("", files.pdf(), PDF), "Filen har intet navn"),
    (("../../etc/passwd.pdf", files.pdf(), PDF), "må ikke indeholde / eller"),
    (("svar\u202efdp.exe", files.pdf(), PDF), "kontroltegn"),  # right-to-left override: looks like svarexe.pdf
    (("bombe.docx", files.zip_bomb_docx(30), DOCX), "zip-bombe"),
    (("noter.txt", b"bare tekst\n", "text/plain"), "vi modtager kun PDF"),
])
def test_bad_files_are_refused_in_danish_and_nothing_is_lost_or_stored(
        tmp_path, sqlite_url, clock, smtp, password_hash, upload, words) -> None:
    rt = web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash, max_upload_mb=2)
    with TestClient(create_app(rt), follow_redirects=False) as client:
        hid = open_example(rt)
        path = path_of(invitation_links(rt, smtp[1])[DIRECTOR])
        r = post(client, path, hid, [upload, ("ok.pdf", files.pdf(), PDF)], option="udbetaling",
                 comment="Min lange bemærkning")
        assert r.status_code == 422
        assert words in r.text, r.text[:3000]
        assert "Svaret er ikke gemt" in r.text
        assert "Min lange bemærkning</textarea>" in r.text
        assert re.search(r'value="udbetaling" required\s+checked', r.text)
        assert counts(rt) == (0, 0, 0)


def test_bilag_download_needs_a_live_token(tmp_path, web_rt, sink, client) -> None:
    (tmp_path / "k.pdf").write_bytes(files.pdf("Kommissorium"))
    d = jyfe(contacts=["direktoer"], bilag=[{"title": "Kommissorium", "file": str(tmp_path / "k.pdf")}])
    open_hearing(web_rt, with_bilag(d))
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    page = client.get(path).text
    assert "Bilag 1: Kommissorium" in page and f'href="{path}/bilag/1"' in page
    got = client.get(f"{path}/bilag/1")
    assert got.status_code == 200 and got.content == (tmp_path / "k.pdf").read_bytes()
    assert client.get(f"{path}/bilag/2").status_code == 404
    assert client.get(f"/svar/{'A' * 43}/bilag/1").status_code == 404


def test_a_submission_may_be_a_document_alone(tmp_path, sqlite_url, clock, smtp) -> None:
    rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host=smtp[0].hostname, smtp_port=smtp[0].port)
    d = jyfe(kind="submission", options=None, allocation=None, rule="majority_of_answers")
    hid = open_hearing(rt, d)
    r = record_answer(rt, hid, kommune="Thisted", option=None, files=[GivenFile("bidrag.odt", files.odt())])
    assert r.version == 1
    assert counts(rt) == (1, 1, 1)


def test_secretariat_lists_and_serves_answer_files(web_rt, sink, client) -> None:
    hid = open_example(web_rt)
    pdf = files.pdf("Aalborgs svar")
    record_answer(web_rt, hid, kommune="Aalborg", option="pulje", files=[GivenFile("aalborg.pdf", pdf)])
    assert client.get(f"/sekretariat/hoering/{hid}").status_code in (302, 303)  # login first
    login(client)
    page = client.get(f"/sekretariat/hoering/{hid}").text
    assert "aalborg.pdf" in page
    with web_rt.db.read() as s:
        file_id = s.scalar(select(AnswerFile.id))
    assert f'/sekretariat/hoering/{hid}/fil/{file_id}' in page
    got = client.get(f"/sekretariat/hoering/{hid}/fil/{file_id}")
    assert got.status_code == 200 and got.content == pdf
    api = client.get(f"/api/hearings/{hid}", headers={"Authorization": f"Bearer {API_TOKEN}"}).json()
    line = next(ln for ln in api["lines"] if ln["kommune"] == 851)
    assert [{k: f[k] for k in ("id", "filename", "size", "sha256", "kind")} for f in line["files"]] == [
        {"filename": "aalborg.pdf", "size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest(), "kind": "pdf",
         "id": file_id}]


def test_a_file_is_kept_under_a_name_with_its_detected_types_extension(web_rt, sink, client) -> None:
    """A polyglot (HTML that is also a PDF) named ``x.html`` is a PDF by its bytes: it is kept,
    shown and downloaded as ``x.html.pdf``, never under a name a browser would open as a page."""
    hid = open_example(web_rt)
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    polyglot = b"<html><script>alert(document.cookie)</script>\n" + files.pdf("Polyglot")
    r = post(client, path, hid, [("x.html", polyglot, "text/html"), ("notat", files.pdf("Notat"), PDF),
                                 ("Svar.PDF", files.pdf("Svar"), PDF)], option="pulje")
    assert r.status_code == 303, r.text
    with web_rt.db.read() as s:
        rows = s.scalars(select(AnswerFile).order_by(AnswerFile.position)).all()
        assert [f.filename for f in rows] == ["x.html.pdf", "notat.pdf", "Svar.PDF"]
        first = rows[0].id
    got = client.get(f"{path}/fil/{first}")
    assert got.headers["content-type"] == PDF and 'x.html.pdf"' in got.headers["content-disposition"]
    assert "x.html.pdf" in client.get(path + "/kvittering").text
