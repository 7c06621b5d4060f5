"""The høringsnotat by lovkvalitetsvejledningen 9.1.6, read back as a director reads it (PDF by
pdftotext, DOCX by python-docx): the parties table with each answer, the essential points per
subject with the secretariat's comment on each, "Ændringer som følge af høringen", the sagsnr. and a
contact person, one date form, no internal words; UDKAST on every page while summaries are missing."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from hoering.services.hearing_reports import write_notat
from hoering.services.hearings import close_hearing, open_hearing
from hoering.services.responses import respond
from tests.reports.test_notat import needs_pdftotext, pdf_text
from tests.support import jyfe as jyfe_definition

WEEKDAY_DATE = re.compile(r"(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag) den \d")
INTERNAL = ("ikke angivet", "svar modtaget", "resultat version", "tages til efterretning. svaret tages")


def _clean(text: str) -> None:
    low = " ".join(text.split()).lower()
    for bad in INTERNAL:
        assert bad not in low, bad
    assert not WEEKDAY_DATE.search(text), WEEKDAY_DATE.search(text)


@needs_pdftotext
def test_a_notat_without_summaries_is_an_udkast_on_every_page(jyfe, tmp_path):
    text = pdf_text(write_notat(jyfe.rt, jyfe.mixed, "pdf"), tmp_path)
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) > 1 and all("UDKAST" in p for p in pages)
    flat = " ".join(text.split())
    assert "UDKAST – sekretariatets resumé mangler for 10 af 10 svar." in flat
    assert "4. Ændringer som følge af høringen Høringen har ikke givet anledning til ændringer." in flat
    assert "Svar, som sekretariatet endnu ikke har resumeret" in flat
    rows = [" ".join(line.split()) for line in text.splitlines()]
    assert any(r.startswith("Aalborg Kommune «Andelen udbetales til egen") and "30. april 2014" in r for r in rows)
    assert any(r.startswith("Morsø Kommune Intet svar") for r in rows)
    assert any(r.startswith("Thisted Kommune Svar efter fristen: «Andelen udbetales") for r in rows)
    assert "Kontaktperson: " in flat and "sekretariat@socialaftale.example" in flat
    _clean(text)


@pytest.fixture(scope="module")
def summarised(jyfe):
    """The mixed JYFE hearing with the secretariat's subject, summary and comment on every answer."""
    rt = jyfe.rt
    for kommune in ("Brønderslev", "Frederikshavn", "Jammerbugt", "Mariagerfjord", "Rebild", "Vesthimmerland"):
        respond(rt, jyfe.mixed, kommune=kommune, stance="efterretning", text="Svaret tages til efterretning.",
                subject="Fælles pulje", summary="Kommunen tilslutter sig en fælles pulje.")
    respond(rt, jyfe.mixed, kommune="Hjørring", stance="efterretning", text="Svaret tages til efterretning.",
            subject="Fælles pulje", summary="Hjørring har genovervejet og støtter nu puljen.")
    respond(rt, jyfe.mixed, kommune="Aalborg", stance="imoedekommet",
            text="Aalborgs andel udbetales, som kommunen har ønsket.",
            subject="Udbetaling af andelen", summary="Aalborg ønsker sin andel til egne aktiviteter.")
    respond(rt, jyfe.mixed, kommune="Læsø", stance="delvist",
            text="Andelen udbetales; puljens udmøntning tager hensyn til de små kommuner.",
            subject="Udbetaling af andelen", summary="Læsø ønsker andelen udbetalt.")
    respond(rt, jyfe.mixed, kommune="Thisted", stance="ikke_imoedekommet",
            text="Svaret kom efter fristen og kan ikke indgå i fordelingen.",
            subject="Udbetaling af andelen", summary="Thisted ønsker andelen udbetalt (efter fristen).")
    return jyfe


def test_a_summarised_notat_groups_the_points_by_subject_with_a_comment_on_each(summarised):
    doc = Document(io.BytesIO(write_notat(summarised.rt, summarised.mixed, "docx")))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    text = "\n".join(t for _, t in paragraphs)
    header = doc.sections[0].header.paragraphs[0].text
    assert "udkast" not in (text + header).lower()
    headings = [t for style, t in paragraphs if style == "Heading 2"]
    assert headings[:2] == ["Udbetaling af andelen", "Fælles pulje"]
    under = text.split("Udbetaling af andelen", 1)[1].split("Fælles pulje", 1)[0]
    assert "Aalborg Kommune («Andelen udbetales til egen kommune»): Aalborg ønsker sin andel til egne aktiviteter." \
        in under
    assert "Sekretariatets bemærkning: Imødekommet. Aalborgs andel udbetales, som kommunen har ønsket." in under
    assert ("Thisted Kommune (Svar efter fristen: «Andelen udbetales til egen kommune»): Thisted ønsker "
            "andelen udbetalt (efter fristen).") in under
    # the stance is not said twice when the secretariat's words say it
    assert text.count("Sekretariatets bemærkning: Svaret tages til efterretning.") == 7
    changes = text.split("4. Ændringer som følge af høringen", 1)[1].split("5. Optælling", 1)[0]
    assert "Aalborg Kommune: Imødekommet. Aalborgs andel udbetales" in changes
    assert "Læsø Kommune: Delvist imødekommet. Andelen udbetales; puljens udmøntning" in changes
    assert "Thisted" not in changes and "Hjørring" not in changes
    parties = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows[1:]}
    assert parties["Morsø Kommune"] == "Intet svar"
    assert parties["Hjørring Kommune"] == "«Midlerne samles i en fælles pulje»"
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert {e.get(qn("w:val")) for e in doc.styles.element.iter(qn("w:lang"))} == {"da-DK"}
    _clean(text)


def test_the_sagsnr_and_the_hearing_files_contact_person_stand_in_the_notat(jyfe):
    rt = jyfe.rt
    deadline = jyfe.clock.now + timedelta(days=10)
    hid = open_hearing(rt, jyfe_definition(sagsnr="2014-209", contact="Konsulent Anne Hansen, tlf. 99 31 31 31",
                                           deadline=deadline), again=True, allow_closed_day=True)
    close_hearing(rt, hid, force=True)
    text = "\n".join(p.text for p in Document(io.BytesIO(write_notat(rt, hid, "docx"))).paragraphs)
    assert "Sagsnr.: 2014-209" in text
    assert "Kontaktperson: Konsulent Anne Hansen, tlf. 99 31 31 31." in text
