"""The agenda or minutes as PDF (reportlab; Helvetica covers æ, ø and å)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hoering.documents import closing_lines, document_title, header_rows, kind_line, page_header
from hoering.domain.text import clean_tree
from hoering.page_numbers import numbered_canvas

BLUE = colors.HexColor("#004f6e")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()["Normal"]
    body = ParagraphStyle("body", parent=base, fontName="Helvetica", fontSize=10, leading=13.5)
    return {
        "body": body,
        "muted": ParagraphStyle("muted", parent=body, fontSize=8, textColor=colors.HexColor("#5b6770")),
        "h1": ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=16, leading=20,
                             textColor=BLUE, spaceAfter=8),
        "section": ParagraphStyle("section", parent=body, fontName="Helvetica-Bold", fontSize=13,
                                  leading=17, textColor=BLUE, spaceBefore=12, spaceAfter=6, keepWithNext=1),
        "item": ParagraphStyle("item", parent=body, fontName="Helvetica-Bold", fontSize=11.5,
                               leading=15, spaceBefore=12, spaceAfter=2, keepWithNext=1),
        "label": ParagraphStyle("label", parent=body, fontName="Helvetica-Bold", textColor=BLUE,
                                spaceBefore=6, spaceAfter=2, keepWithNext=1),
        "th": ParagraphStyle("th", parent=body, fontName="Helvetica-Bold"),
    }


def _p(text: str | None, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _bullets(lines: list[str], style: ParagraphStyle) -> ListFlowable:
    return ListFlowable([_p(t, style) for t in lines], bulletType="bullet", start="•", leftIndent=12)


def render_pdf(doc: dict[str, Any]) -> bytes:
    doc = clean_tree(doc)  # text stored before the boundary cleaned it: no control character reaches the file
    st = _styles()
    story: list[Any] = [_p(doc["secretariat"], st["muted"]),
                        _p(document_title(doc), st["h1"])]
    head = header_rows(doc)
    table = Table([[_p(k, st["th"]), _p(v, st["body"])] for k, v in head], colWidths=[32 * mm, 133 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [table, Spacer(1, 6)]
    for section in doc["sections"]:
        if section["title"]:
            story.append(_p(section["title"], st["section"]))
        for item in section["items"]:
            story += _item(item, doc["mode"], st)
    if doc["followups"]:
        story.append(_p("Opfølgning på tidligere beslutninger", st["section"]))
        story.append(_bullets([f"{f['what']} ({f['who']}; frist: {f['due_da']}; fra «{f['item_title']}»)"
                               for f in doc["followups"]], st["body"]))
    for line in closing_lines(doc):
        story += [Spacer(1, 6), _p(line, st["body"])]
    buffer = io.BytesIO()
    title = f"{doc['title']} {doc['body']['name']} {doc['date_da']}"

    def _footer(canvas: Any, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(22 * mm, 287 * mm, page_header(doc))
        canvas.drawString(22 * mm, 10 * mm, f"{doc['body']['name']} – {doc['title'].lower()} {doc['date_da']}")
        canvas.drawRightString(188 * mm, 10 * mm, f"Side {page} af {pages}")
        canvas.restoreState()

    SimpleDocTemplate(buffer, pagesize=A4, title=title, author=doc["secretariat"], lang="da",
                      leftMargin=22 * mm, rightMargin=22 * mm, topMargin=18 * mm,
                      bottomMargin=18 * mm).build(story, canvasmaker=numbered_canvas(_footer))
    return buffer.getvalue()


def _item(item: dict[str, Any], mode: str, st: dict[str, ParagraphStyle]) -> list[Any]:
    out: list[Any] = [_p(f"Punkt {item['number']}. {item['title']}", st["item"])]
    if kind := kind_line(item):
        out.append(_p(kind, st["muted"]))
    if item["resume"]:
        out += [_p("Resumé", st["label"]), _p(item["resume"], st["body"])]
    if item["indstillinger"]:
        out += [_p("Indstilling", st["label"]), _p("Det indstilles, at:", st["body"]),
                _bullets(item["indstillinger"], st["body"])]
    if mode == "minutes":
        out += [_p("Beslutning:", st["label"]),
                _p(item["beslutning"] or "Ingen beslutning registreret.", st["body"])]
        if item["followups"]:
            out.append(_bullets([f"Opfølgning: {f['what']} – {f['who']}, frist: {f['due_da']}"
                                 for f in item["followups"]], st["body"]))
    if item["sagsbeskrivelse"]:
        out.append(_p("Sagsbeskrivelse", st["label"]))
        for part in item["sagsbeskrivelse"]:
            out += [_p(part["heading"], st["th"]), _p(part["text"], st["body"])]
    if item["bilag"]:
        out += [_p("Bilag", st["label"]),
                _bullets([f"Bilag {b['number']}: {b['title']}" for b in item["bilag"]], st["body"])]
    if item.get("links"):
        out += [_p("Links", st["label"]), _bullets([f"{x['title']}: {x['url']}" for x in item["links"]], st["body"])]
    return out
