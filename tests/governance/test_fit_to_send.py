"""The DAS meeting of 15 March 2021 as the directors receive it, read back the way they read it:
the Word file through python-docx, the PDFs through pdftotext, the mails' attachments by name."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Mm

from hoering.services.documents import meeting_document
from tests.governance.das2021 import queued_messages
from tests.governance.test_documents import flat, needs_pdftotext, pdf_text

TWIPS_TOLERANCE = Mm(1)


def _a4_danish(doc) -> None:
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) < TWIPS_TOLERANCE
        assert abs(section.page_height - Mm(297)) < TWIPS_TOLERANCE
        for margin, cm in ((section.top_margin, 3), (section.bottom_margin, 3), (section.left_margin, 2),
                           (section.right_margin, 2)):
            assert abs(margin - Cm(cm)) < TWIPS_TOLERANCE
    langs = [e.get(qn("w:val")) for e in doc.styles.element.iter(qn("w:lang"))]
    assert langs and set(langs) == {"da-DK"}
    assert doc.core_properties.language == "da-DK"
    footer = doc.sections[0].footer.paragraphs[0]
    assert "Side " in footer.text and ">PAGE<" in footer._p.xml and ">NUMPAGES<" in footer._p.xml


def test_the_minutes_docx_is_a4_danish_with_real_headings(das2021):
    replay, _ = das2021
    doc = Document(io.BytesIO(meeting_document(replay.rt, replay.das, mode="minutes", fmt="docx")))
    _a4_danish(doc)
    styles = {p.style.name for p in doc.paragraphs if p.text.startswith("Punkt ")}
    assert styles == {"Heading 2"}
    assert any(p.style.name == "Heading 1" and p.text == "Sager til behandling" for p in doc.paragraphs)


@needs_pdftotext
def test_the_draft_minutes_say_udkast_on_every_page_and_the_approved_ones_do_not(das2021):
    replay, _ = das2021
    drafts = [m for m in queued_messages(replay.rt) if str(m["Subject"]).startswith("Udkast til referat")]
    assert len(drafts) == 1
    pdf = next(a for a in drafts[0].iter_attachments() if a.get_filename().endswith(".pdf"))
    text = pdf_text(pdf.get_payload(decode=True))
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 1 and all("UDKAST – ikke godkendt" in p for p in pages)
    assert "Referat (UDKAST – ikke godkendt): Møde i Den Administrative Styregruppe" in flat(text)
    approved = pdf_text(meeting_document(replay.rt, replay.das, mode="minutes", fmt="pdf"))
    assert "udkast" not in approved.lower()
