"""Running a hearing from its page: a phoned-in answer, extend and reopen with a reason, the
notat and exports downloaded; each through the CLI's services, each named in the audit log."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select

from hoering.db.models import Answer, AuditEntry, Hearing
from tests.console.conftest import csrf_of, login_as
from tests.web.conftest import open_example


def _flash(c, hid: int) -> str:
    return c.get(f"/sekretariat/hoering/{hid}").text


def test_phoned_answer_extend_close_download_and_reopen(people, make_client, clock):
    hid = open_example(people)
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    page = anna.get(f"/sekretariat/hoering/{hid}")
    assert "Registrér et svar" in page.text and "Forlæng fristen" in page.text
    csrf = csrf_of(page.text)

    r = anna.post(f"/sekretariat/hoering/{hid}/svar", data={
        "csrf": csrf, "kommune": "773", "option": "pulje", "comment": "Ringede kl. 10",
        "received": "telefon", "who": "socialdirektør i Morsø"})
    assert r.status_code == 303
    shown = _flash(anna, hid)
    assert "Svaret er registreret (version 1)" in shown and "Ringede kl. 10" in shown
    with people.db.read() as s:
        answer = s.scalar(select(Answer).where(Answer.hearing_id == hid))
        assert answer.channel == "manual" and answer.option == "pulje"
        assert answer.answered_by == "socialdirektør i Morsø (telefonisk, registreret af Anna Andersen)"
        recorded = s.scalar(select(AuditEntry).where(AuditEntry.action == "answer.recorded"))
        assert recorded.actor == "Anna Andersen (anna@sekretariat.example)"

    r = anna.post(f"/sekretariat/hoering/{hid}/svar", data={"csrf": csrf, "kommune": "773", "option": "nej",
                                                            "comment": "Skrevet i røret", "who": "borgmesteren"})
    # refused on the page itself, with what was typed kept
    assert r.status_code == 422 and "Svaret er ikke registreret: vælg en af svarmulighederne." in r.text
    assert ">Skrevet i røret</textarea>" in r.text and 'value="borgmesteren"' in r.text
    assert '<option value="773" selected>' in r.text

    r = anna.post(f"/sekretariat/hoering/{hid}/frist", data={"csrf": csrf, "date": "2014-05-20",
                                                             "clock": "12:00", "reason": ""})
    assert "Fristen er ikke ændret: skriv en begrundelse" in _flash(anna, hid)
    r = anna.post(f"/sekretariat/hoering/{hid}/frist", data={"csrf": csrf, "date": "2014-05-20",
                                                             "clock": "12:00", "reason": "Pinse"})
    assert "Fristen er forlænget" in _flash(anna, hid)
    with people.db.read() as s:
        assert s.get(Hearing, hid).deadline.isoformat() == "2014-05-20T10:00:00+00:00"

    page = anna.get(f"/sekretariat/hoering/{hid}")
    anna.post(f"/sekretariat/hoering/{hid}/luk", data={"csrf": csrf_of(page.text), "force": "ja"})
    page = anna.get(f"/sekretariat/hoering/{hid}")
    assert "Høringsnotat (Word)" in page.text and "Genåbn høringen" in page.text
    docx = anna.get(f"/sekretariat/hoering/{hid}/hent/notat.docx")
    assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Tilbagebetaling af tiloversblevne midler fra JYFE" in text
    assert anna.get(f"/sekretariat/hoering/{hid}/hent/notat.pdf").content.startswith(b"%PDF")
    assert "Morsø" in anna.get(f"/sekretariat/hoering/{hid}/hent/svar.csv").text
    assert anna.get(f"/sekretariat/hoering/{hid}/hent/hemmelig.txt").status_code == 404

    r = anna.post(f"/sekretariat/hoering/{hid}/frist", data={"csrf": csrf_of(page.text), "date": "2014-05-27",
                                                             "clock": "12:00", "reason": "Svar fra Læsø mangler"})
    assert "Høringen er genåbnet" in _flash(anna, hid)


def test_reader_cannot_record(people, make_client):
    hid = open_example(people)
    c = make_client()
    login_as(c, "laeser@sekretariat.example")
    page = c.get(f"/sekretariat/hoering/{hid}")
    assert "Registrér et svar" not in page.text
    r = c.post(f"/sekretariat/hoering/{hid}/svar", data={"csrf": csrf_of(page.text), "kommune": "773",
                                                         "option": "pulje"})
    assert r.status_code == 403
    assert c.get(f"/sekretariat/hoering/{hid}/hent/svar.csv").status_code == 200
