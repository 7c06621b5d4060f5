""""Side N af M" on every page of a PDF (reportlab) and a DOCX (Word fields), for every document
the secretariat sends: agendas, minutes and the høringsnotat.

reportlab knows the page count only at the end, so the canvas keeps each page's state and draws
the footers when the document is saved (the usual two-pass "numbered canvas"). Word computes its
PAGE and NUMPAGES fields itself when it lays the document out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
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
