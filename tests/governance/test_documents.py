"""Agenda and minutes of the DAS meeting of 15 March 2021 as HTML, PDF and DOCX, checked by
reading them back: the PDF through pdftotext, the DOCX through python-docx."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from docx import Document

from hoering.services.documents import meeting_document

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext is missing: run `bash .ci/system-deps.sh` (Debian package poppler-utils)")


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=content,
                         capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", out.stdout.decode("utf-8"))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


HEADER = ["Møde i Den Administrative Styregruppe (DAS)", "mandag den 15. marts 2021, kl. 13.00-16.00",
          "Virtuelt møde (Teams)", "Deltagere", "Socialdirektør, Aalborg Kommune (formand)",
          "Afbud", "Socialdirektør, Læsø Kommune", "Sagsnr./Dok.nr.", "2021-0112 / 2021-8731"]
AGENDA = ["Punkt 1. Godkendelse af dagsorden", "Punkt 2. Godkendelse af referat fra seneste møde",
          "Sager til behandling", "Punkt 3. Plan for arbejdet med fokusområde 2",
          "Punkt 8. Forlængelse af periode for takststigning på Svenstrupgård",
          "Punkt 9. KKR temadrøftelse om rekruttering og fastholdelse på SOSU området",
          "Sager til orientering", "Punkt 10. FU orienterer", "Punkt 14. Eventuelt",
          "Punkt 15. Næste møde", "Resumé", "Indstilling", "Det indstilles, at:",
          "Den Administrative Styregruppe godkender kommissorium for arbejdsgruppen",
          "Sagsbeskrivelse", "Økonomi", "Bilag 2: Kommissorium for arbejdsgruppe vedr. fokusområde 2",
          "365 dage x 50 kr. = 18.250 kr."]
MINUTES = ["Beslutning:", "Dagsordenen godkendes uden bemærkninger",
           "FU får kompetence til at udvælge de endelige fokuskommuner/region",
           "På baggrund af indmeldingerne vil FU vælge fire indsatser ud",
           "DAS kredsen godkender, at takststigningen forlænges til 14 år.",
           "Hjørring Kommune melder sig til denne opgave"]


@needs_pdftotext
def test_agenda_pdf_reads_like_the_seed(das2021):
    replay, _ = das2021
    text = flat(pdf_text(meeting_document(replay.rt, replay.das, mode="agenda", fmt="pdf")))
    # the page header (body, date), then the secretariat; every page says "Side N af M"
    assert text.lstrip().startswith("Den Administrative Styregruppe – 15. marts 2021 "
                                    "Sekretariat for Nordjysk Socialaftale Dagsorden:")
    pages = int(re.search(r"Side 1 af (\d+)", text).group(1))
    assert pages > 1 and f"Side {pages} af {pages}" in text
    assert "Punkt 14. Eventuelt Eventuelt" not in text  # a heading is not repeated as its kind
    for phrase in HEADER + AGENDA:
        assert phrase in text, phrase
    assert "Beslutning:" not in text  # an agenda has no decisions yet
    assert text.index("Punkt 9.") < text.index("Sager til orientering") < text.index("Punkt 10.")


@needs_pdftotext
def test_minutes_pdf_has_every_beslutning_and_the_open_follow_ups(das2021):
    replay, _ = das2021
    text = flat(pdf_text(meeting_document(replay.rt, replay.das, mode="minutes", fmt="pdf")))
    assert "Referat: Møde i Den Administrative Styregruppe" in text
    for phrase in HEADER + MINUTES:
        assert phrase in text, phrase
    assert text.count("Beslutning:") == 15
    assert "Opfølgning: FU udvælger de endelige fokuskommuner/region" in text


def test_minutes_docx_reads_back_with_python_docx(das2021):
    replay, _ = das2021
    doc = Document(io.BytesIO(meeting_document(replay.rt, replay.das, mode="minutes", fmt="docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Sager til behandling" in headings and "Sager til orientering" in headings
    assert "Punkt 3. Plan for arbejdet med fokusområde 2" in headings
    assert [h for h in headings if h.startswith("Punkt ")][-1] == "Punkt 15. Næste møde"
    cells = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert cells["Tid"] == "mandag den 15. marts 2021, kl. 13.00-16.00"
    assert cells["Afbud"] == "Socialdirektør, Læsø Kommune\nSocialdirektør, Morsø Kommune"  # a list
    text = "\n".join(paragraphs)
    for phrase in MINUTES:
        assert phrase in text, phrase
    assert doc.core_properties.title == "Referat DAS 15. marts 2021"


def test_agenda_html_is_escaped_and_structured(das2021):
    replay, _ = das2021
    html = meeting_document(replay.rt, replay.das, mode="agenda", fmt="html").decode()
    assert '<html lang="da">' in html and "<h2 class=\"section\">Sager til behandling</h2>" in html
    assert "Punkt 4. Undersøgelse om uvisiterede og midlertidige indsatser efter SEL §82a, b og c" in html
    assert "&#34;Den gode modtagelse&#34;" not in html  # a decision: not on the agenda
    assert "KKR temadrøftelse" in html and "sendes videre til KKR" in html
