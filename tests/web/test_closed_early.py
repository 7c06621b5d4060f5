"""Issue 12 item 13: a hearing closed before its deadline says so ("lukket før fristen, den …")
in the result mail, on the pages and in the notat; the kommuner that had not answered are not
said to have missed the deadline; silence counted as consent before the deadline is stated."""

from __future__ import annotations

from datetime import timedelta

from hoering.services.answers import record_answer
from hoering.services.hearing_reports import write_notat
from hoering.services.hearings import close_hearing, open_hearing
from tests.reports.test_notat import docx_tables
from tests.support import BOTH_CONTACTS, jyfe
from tests.web.conftest import invitation_links, login, path_of, send_mail

CLOSED = "Høringen blev lukket før fristen, den 2. maj 2014 kl. 10.00 (fristen var 13. maj 2014 kl. 12.00)."
SILENCE = ("Stiltiende accept er anvendt før fristen: 9 hørte parter havde ikke svaret, da høringen blev lukket, "
           "og tælles som «Kommunen kan tilslutte sig forslaget».")


def test_closing_early_is_said_everywhere(web_rt, clock, sink, client):
    hid = open_hearing(web_rt, jyfe(kind="consent", options=None, allocation=None, silence="enig",
                                    contacts=BOTH_CONTACTS))
    links = invitation_links(web_rt, sink)
    sink.received.clear()
    clock.advance(days=3)  # 2 May 2014, 10.00
    record_answer(web_rt, hid, kommune="Aalborg", option="enig")
    record_answer(web_rt, hid, kommune="Hjørring", option="indsigelse")
    close_hearing(web_rt, hid, force=True)
    send_mail(web_rt)

    results = [m for m in sink.messages if str(m["Subject"]).startswith("Resultat")]
    assert results
    text = results[0].get_body(preferencelist=("plain",)).get_content()
    html = results[0].get_body(preferencelist=("html",)).get_content()
    for body in (text, html.replace("\n", " ")):
        assert "lukket før fristen, den 2. maj 2014 kl. 10.00" in body
        assert "Stiltiende accept er anvendt før fristen" in body
        assert "er afsluttet (frist" not in body

    silent_page = client.get(path_of(links["socialdirektoer@laesoe.kommune.example"])).text
    assert "blev lukket før fristen, den 2. maj 2014 kl. 10.00" in silent_page
    assert "havde ikke svaret, da høringen blev lukket" in silent_page and "inden fristen" not in silent_page

    login(client)
    page = client.get(f"/sekretariat/hoering/{hid}").text
    assert CLOSED in page and SILENCE in page

    paragraphs, _ = docx_tables(write_notat(web_rt, hid, "docx"))
    assert CLOSED + " " + SILENCE in paragraphs


def test_a_hearing_closed_at_its_deadline_says_nothing_of_the_kind(web_rt, clock, sink, client):
    hid = open_hearing(web_rt, jyfe(contacts=BOTH_CONTACTS))
    links = invitation_links(web_rt, sink)
    clock.set(clock.now + timedelta(days=15))
    close_hearing(web_rt, hid)
    send_mail(web_rt)
    text = next(m for m in sink.messages if str(m["Subject"]).startswith("Resultat")).get_body(
        preferencelist=("plain",)).get_content()
    assert "lukket før fristen" not in text and "er afsluttet (frist tirsdag den 13. maj 2014 kl. 12.00)" in text
    page = client.get(path_of(links["socialdirektoer@laesoe.kommune.example"])).text
    assert "afgav ikke svar inden fristen" in page
