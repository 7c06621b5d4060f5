"""Lay a notat's blocks out as an A4 PDF (reportlab), with a running footer and page numbers.

The standard Helvetica fonts cover Danish (æ, ø, å, «, », –); characters outside that set are
replaced rather than drawn as empty boxes.
"""

from __future__ import annotations

# Imports inside functions are for start-up speed (reportlab loads only when a PDF is written);
# none hides an import cycle.
import io
from typing import Any
from xml.sax.saxutils import escape

from hoering.domain.text import clean_text
from hoering.reports.blocks import Grid, Heading, Notat, Para

SECRETARIAT = "Sekretariat for Nordjysk Socialaftale"


def _safe(text: str) -> str:
    """Escape for reportlab's mini-markup; keep what cp1252 (Helvetica) can draw, and no control
    character (text stored before the boundary cleaned it)."""
    return escape(clean_text(text).encode("cp1252", errors="replace").decode("cp1252")).replace("\n", "<br/>")


def write_pdf(notat: Notat) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from hoering.page_numbers import numbered_canvas

    styles = getSampleStyleSheet()
    blue = colors.HexColor("#004f6e")
    normal = ParagraphStyle("normal", parent=styles["BodyText"], fontName="Helvetica",
                            fontSize=10.5, leading=14, spaceAfter=5)
    looks: dict[str, ParagraphStyle] = {
        "normal": normal,
        "strong": ParagraphStyle("strong", parent=normal, fontName="Helvetica-Bold"),
        "muted": ParagraphStyle("muted", parent=normal, textColor=colors.HexColor("#5b6770"),
                                fontSize=9.5, spaceAfter=2),
        "quote": ParagraphStyle("quote", parent=normal, leftIndent=8 * mm,
                                fontName="Helvetica-Oblique", backColor=colors.HexColor("#eef5f8"),
                                borderPadding=4, spaceBefore=4, spaceAfter=8),
        "bullet": ParagraphStyle("bullet", parent=normal, leftIndent=8 * mm, bulletIndent=3 * mm),
    }
    headings = {
        0: ParagraphStyle("h0", parent=styles["Title"], fontName="Helvetica-Bold", textColor=blue,
                          alignment=0, fontSize=20, spaceAfter=6),
        1: ParagraphStyle("h1", parent=styles["Heading2"], fontName="Helvetica-Bold",
                          textColor=blue, fontSize=13, spaceBefore=10),
        2: ParagraphStyle("h2", parent=styles["Heading3"], fontName="Helvetica-Bold",
                          textColor=blue, fontSize=11, spaceBefore=9, spaceAfter=2),
    }
    cell = ParagraphStyle("cell", parent=normal, fontSize=9, leading=11.5, spaceAfter=0)
    cell_right = ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT)

    story: list[Any] = []
    for block in notat.blocks:
        if isinstance(block, Heading):
            story.append(Paragraph(_safe(block.text), headings[min(block.level, 2)]))
        elif isinstance(block, Para):
            bullet = {"bulletText": "\u2022"} if block.style == "bullet" else {}
            story.append(Paragraph(_safe(block.text), looks[block.style], **bullet))
        elif isinstance(block, Grid):
            rows = [block.header, *block.rows]
            data = []
            for i, values in enumerate(rows):
                bold = i == 0 or (block.total_last and i == len(rows) - 1)
                data.append([Paragraph(f"<b>{_safe(v)}</b>" if bold else _safe(v),
                                       cell_right if j in block.numeric else cell)
                             for j, v in enumerate(values)])
            table = Table(data, repeatRows=1, hAlign="LEFT",
                          colWidths=_widths(len(block.header), 170 * mm))
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#c8d3d8")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef5f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story += [table, Spacer(1, 4 * mm)]

    footer = clean_text(f"{notat.title} – {notat.subject}").encode("cp1252", errors="replace").decode("cp1252")

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#5b6770"))
        if notat.draft:
            canvas.setFillColor(colors.HexColor("#b00020"))
        canvas.drawString(20 * mm, 287 * mm, notat.running_header)
        canvas.drawString(20 * mm, 12 * mm, footer[:95])
        canvas.restoreState()

    def page_number(canvas: Any, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#5b6770"))
        canvas.drawRightString(190 * mm, 12 * mm, f"Side {page} af {pages}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=22 * mm, lang="da-DK",
                            title=f"{notat.title}: {notat.subject}",
                            author="Sekretariat for Nordjysk Socialaftale")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=numbered_canvas(page_number))
    return buffer.getvalue()


def _widths(columns: int, width: float) -> list[float]:
    if columns == 4:
        return [width * f for f in (0.24, 0.38, 0.16, 0.22)]
    if columns == 2:
        return [width * 0.7, width * 0.3]
    if columns == 5:
        return [width * f for f in (0.25, 0.08, 0.27, 0.22, 0.18)]
    if columns == 3:
        return [width * f for f in (0.12, 0.53, 0.35)]
    return [width / columns] * columns
