"""A DAS meeting from plan to approved minutes in Debian's chromium (Playwright), as the
secretariat runs it in the console, on SQLite and on PostgreSQL: plan it (its standard items
appear), raise two cases with bilag (one given its file later, on the meeting's page), route them
through FU onto the agenda, send it (the mail carries the PDF and an ICS invitation, parsed with
icalendar), move the meeting (the updated ICS keeps the UID with
SEQUENCE 1), record attendance and the decisions with one case postponed, send the draft to
the chair, who approves it from the personal link in the mail; the minutes PDF (pdftotext)
holds the postponed case, the approval line and the page numbers, and the postponed case is on
the next meeting's agenda. axe-core checks every new console page (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from playwright.sync_api import expect

from hoering.db.models import Meeting
from hoering.services.agenda_builder import plan_meeting
from tests.console.test_console_browser import (  # noqa: F401 - fixtures
    SCREENSHOTS,
    Axe,
    axe_source,
    browser,
    live,
    login,
    wait_for,
)

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPROVAL = re.compile(r"https?://[^\s\"<>]+/referat/\d+/\d+/[A-Za-z0-9_-]{43}")


def _attachments(message: Any, content_type: str) -> list[bytes]:
    return [part.get_content() if isinstance(part.get_content(), bytes) else part.get_content().encode()
            for part in message.iter_attachments() if part.get_content_type() == content_type]


def _event(message: Any) -> Any:
    (ics,) = _attachments(message, "text/calendar")
    return next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))


def _raise(page: Any, title: str, bilag: str, file: Path | None) -> None:
    page.get_by_label("Titel", exact=True).fill(title)
    page.get_by_label("Resumé").fill(f"Resumé af {title.lower()}.")
    page.get_by_label("Indstillinger (én pr. linje)").fill(f"Det indstilles, at DAS godkender {title.lower()}")
    page.get_by_label("Sagsbeskrivelse: baggrund").fill(f"Se bilaget «{bilag}».")  # agenda numbers come later
    page.get_by_label("Bilag 1: titel").fill(bilag)
    if file is not None:
        page.get_by_label("Bilag 1: fil").set_input_files(str(file))
    page.get_by_role("button", name="Rejs sagen").click()
    assert f"Sagen «{title}» er rejst" in page.inner_text("main")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_a_das_meeting_from_plan_to_approved_minutes(browser, axe_source, live, sink, clock, tmp_path):  # noqa: F811
    rt, server = live
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bilag = tmp_path / "notat.pdf"
    bilag.write_bytes(PDF)
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    axe = Axe(browser, axe_source)
    try:
        login(page, server.url, "anna@sekretariat.example")
        page.get_by_role("link", name="Møder").click()
        assert page.locator("h1").inner_text() == "Møder"
        page.get_by_label("Organ").select_option("das")
        page.get_by_label("Dato").fill("2014-06-16")
        page.get_by_label("Sted").fill("Aalborg Rådhus")
        page.get_by_role("button", name="Planlæg mødet").click()
        assert page.locator("h1").inner_text() == "Møde i DAS 16. juni 2014 kl. 13.00"
        das = int(page.url.rsplit("/", 1)[1])
        agenda = page.inner_text("ol.agenda")
        for standard in ("Godkendelse af dagsorden", "Godkendelse af referat", "Eventuelt", "Næste møde"):
            assert standard in agenda
        nxt = plan_meeting(rt, body="das", day=date(2014, 9, 15), start=time(13), end=time(16), place="Hjørring")

        _raise(page, "Fokusområde 2", "Notat om fokusområdet", bilag)
        _raise(page, "Standardkontrakter", "Udkast til kontrakt", None)  # its file comes later
        for title in ("Fokusområde 2", "Standardkontrakter"):  # FU prepares each, then the DAS agenda
            page.get_by_role("button", name=f"Send «{title}» til FU").click()
            page.get_by_role("button", name=f"Sæt «{title}» på dagsordenen").click()
            assert "Sagen er sat på dagsordenen." in page.inner_text("main")
        agenda = page.inner_text("ol.agenda")
        assert "Punkt 3: Fokusområde 2" in agenda and "Bilag 1: Notat om fokusområdet" in agenda
        assert "Punkt 4: Standardkontrakter" in agenda and "Bilag 2: Udkast til kontrakt" in agenda
        assert "mangler fil" in agenda
        page.get_by_label("Fil til bilag 2").set_input_files(str(bilag))
        page.get_by_role("button", name="Gem filen").click()
        assert "Filen er gemt på bilaget." in page.inner_text("main")
        assert "mangler fil" not in page.inner_text("ol.agenda")
        axe.context.add_cookies(context.cookies())
        axe.scan(server.url + "/sekretariat/moeder", name="møder")
        refused = axe.context.new_page()
        refused.goto(server.url + "/sekretariat/moeder")
        refused.get_by_label("Dato").fill("2014-01-06")
        refused.get_by_role("button", name="Planlæg mødet").click()
        assert "er passeret; vælg en kommende dato" in refused.inner_text("#fejl-date")
        axe.scan("", name="møder (fejl)", page=refused)
        axe.scan(server.url + f"/sekretariat/moede/{das}", name="møde (dagsorden i arbejde)")
        page.get_by_role("link", name="Fokusområde 2").click()
        assert "Sendt til FU" in page.inner_text("#sagens-gang ~ ol")
        axe.scan(page.url, name="punkt")
        page.go_back()

        page.get_by_role("button", name="Send dagsordenen").click()
        expect(page.locator("h1")).to_have_text("Send dagsordenen?")
        page.get_by_role("button", name="Ja, send").click()
        assert "Dagsordenen er lagt i udbakken til 12 modtager(e)" in page.inner_text("main")
        agendas = wait_for(lambda: [m for m in sink.messages if str(m["Subject"]).startswith("Dagsorden")], 12)
        assert len(agendas) == 12
        assert _attachments(agendas[0], "application/pdf")[0].startswith(b"%PDF")
        invitation = _event(agendas[0])
        uid = str(invitation["UID"])
        assert int(invitation.get("SEQUENCE", 0)) == 0

        page.get_by_label("Ny dato").fill("2014-06-18")
        page.get_by_label("Begrundelse (sendes til de inviterede)").fill("Formanden er forhindret")
        page.get_by_role("button", name="Flyt mødet").click()
        assert "Mødet er flyttet. 12 inviteret(e)" in page.inner_text("main")
        moved = wait_for(lambda: [m for m in sink.messages if str(m["Subject"]).startswith("Ændret mødetidspunkt")],
                         12)
        assert len(moved) == 12
        update = _event(moved[0])
        assert str(update["UID"]) == uid and int(update["SEQUENCE"]) == 1
        assert update.decoded("DTSTART").date().isoformat() == "2014-06-18"

        with rt.db.read() as s:
            meeting = s.get(Meeting, das)
            clock.set(meeting.ends_at + timedelta(minutes=10))
        login(page, server.url, "anna@sekretariat.example")  # the April session has long ended
        page.goto(server.url + f"/sekretariat/moede/{das}")
        page.get_by_label("Socialdirektør, Aalborg Kommune").select_option("deltager")
        page.get_by_label("Socialdirektør, Hjørring Kommune").select_option("deltager")
        page.get_by_label("Socialdirektør, Læsø Kommune").select_option("afbud")
        page.get_by_role("button", name="Gem fremmødet").click()
        assert "Fremmødet er gemt: 2 deltagere, 1 afbud." in page.inner_text("main")
        page.get_by_label("Udfald for punkt 3").select_option("godkendt")
        page.get_by_label("Beslutning for punkt 3").fill("DAS godkendte fokusområdet.")
        page.get_by_label("Udfald for punkt 4").select_option("udsat")
        page.get_by_label("Beslutning for punkt 4").fill("Afventer juridisk vurdering")
        axe.context.add_cookies(context.cookies())
        axe.scan(server.url + f"/sekretariat/moede/{das}", name="møde (beslutninger)")
        page.get_by_role("button", name="Gem beslutningerne").click()
        assert "6 beslutning(er) gemt." in page.inner_text("main")
        page.get_by_role("button", name="Send udkast til formanden").click()
        assert "Udkastet til referat er lagt i udbakken til formanden" in page.inner_text("main")

        (draft,) = wait_for(lambda: [m for m in sink.messages if "Udkast til referat" in str(m["Subject"])], 1)
        assert draft["To"].addresses[0].addr_spec == "socialdirektoer@aalborg.kommune.example"
        link = APPROVAL.search(draft.get_body(preferencelist=("plain",)).get_content()).group(0)  # type: ignore[union-attr]
        chair = context.new_page()
        chair.goto(link)
        axe.scan(link, name="godkend referatet")
        chair.get_by_role("button", name="Godkend referatet").click()
        assert "Referatet er godkendt af Socialdirektør, Aalborg Kommune (formand)" in chair.inner_text("main")

        page.reload()
        with page.expect_download() as download:
            page.get_by_role("link", name="Referat (PDF)").click()
        minutes = subprocess.run(["pdftotext", "-layout", download.value.path(), "-"], capture_output=True,
                                 text=True, check=True).stdout
        assert "Standardkontrakter" in minutes and "Punktet blev udsat" in minutes
        assert "Referatet er godkendt af Socialdirektør, Aalborg Kommune (formand)" in re.sub(r"\s+", " ", minutes)
        assert "Side 1 af" in minutes
        assert "Socialdirektør, Læsø Kommune" in minutes

        page.goto(server.url + f"/sekretariat/moede/{nxt}")
        assert "Standardkontrakter" in page.inner_text("ol.agenda")
        page.screenshot(path=str(SCREENSHOTS / "moede-naeste.png"), full_page=True)
    finally:
        axe.close()
        context.close()
    assert len(axe.scanned) == 6
