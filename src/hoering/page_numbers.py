""""Side N af M" on every page of a PDF (reportlab) and a DOCX (Word fields), for every document
the secretariat sends: agendas, minutes and the høringsnotat; and the page a Danish Word document
is set on (A4, Danish margins, the document language da-DK so that Word checks Danish spelling).

reportlab knows the page count only at the end, so the canvas keeps each page's state and draws
the footers when the document is saved (the usual two-pass "numbered canvas"). Word computes its
PAGE and NUMPAGES fields itself when it lays the document out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm
from reportlab.pdfgen.canvas import Canvas

from hoering.domain.text import clean_text

Footer = Callable[[Canvas, int, int], None]  # (canvas, page, pages)


def numbered_canvas(footer: Footer) -> type[Canvas]:
    """A canvas class for ``SimpleDocTemplate.build(..., canvasmaker=...)`` that calls ``footer``
    on each page with the page number and the total."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                footer(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


DANISH = "da-DK"


def docx_danish_a4(document: Any) -> None:
    """A4 portrait with the margins of Danish Word (top and bottom 3 cm, left and right 2 cm), and
    da-DK as the language of the document defaults and of every style that names a language
    (python-docx's template is US Letter and en-US)."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Cm(3)
        section.left_margin = section.right_margin = Cm(2)
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr = defaults.find(qn("w:rPrDefault"))
    if rpr is None:
        rpr = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr)
    props = rpr.find(qn("w:rPr"))
    if props is None:
        props = OxmlElement("w:rPr")
        rpr.append(props)
    if props.find(qn("w:lang")) is None:
        props.append(OxmlElement("w:lang"))
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), DANISH)
    document.core_properties.language = DANISH


def docx_page_footer(section: Any, *, left: str, header: str | None = None) -> None:
    """A DOCX section's footer "``left``   Side N af M" (Word fields) and an optional header line."""
    if header is not None:
        section.header.paragraphs[0].text = clean_text(header)  # XML takes no control characters
    paragraph = section.footer.paragraphs[0]
    paragraph.text = ""
    paragraph.add_run(f"{clean_text(left)}\t\tSide ")
    _field(paragraph.add_run(), "PAGE")
    paragraph.add_run(" af ")
    _field(paragraph.add_run(), "NUMPAGES")


def _field(run: Any, code: str) -> None:
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = code
    end.set(qn("w:fldCharType"), "end")
    run._r.extend([begin, instr, end])
