"""The agenda or minutes as DOCX (python-docx): the format the kommuner file and circulate."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Pt, RGBColor

from hoering.documents import closing_lines, document_title, header_rows, kind_line, page_header
from hoering.domain.text import clean_tree
from hoering.page_numbers import docx_danish_a4, docx_page_footer

BLUE = RGBColor(0x00, 0x4F, 0x6E)


def render_docx(doc: dict[str, Any]) -> bytes:
    doc = clean_tree(doc)  # text stored before the boundary cleaned it: no control character reaches the file
    d = Document()
    d.core_properties.title = f"{doc['title']} {doc['body']['name']} {doc['date_da']}"
    d.core_properties.author = doc["secretariat"]
    docx_danish_a4(d)
    normal = d.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10.5)
    docx_page_footer(d.sections[0], header=page_header(doc),
                     left=f"{doc['body']['name']} – {doc['title'].lower()} {doc['date_da']}")
    d.add_paragraph(doc["secretariat"])
    d.add_heading(document_title(doc), level=0)
    head = header_rows(doc)
    table = d.add_table(rows=0, cols=2)
    for key, value in head:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(key).bold = True
        cells[1].text = value
    for section in doc["sections"]:
        if section["title"]:
            d.add_heading(section["title"], level=1)
        for item in section["items"]:
            _item(d, item, doc["mode"])
    if doc["followups"]:
        d.add_heading("Opfølgning på tidligere beslutninger", level=1)
        for f in doc["followups"]:
            d.add_paragraph(f"{f['what']} ({f['who']}; frist: {f['due_da']}; fra «{f['item_title']}»)",
                            style="List Bullet")
    for line in closing_lines(doc):
        d.add_paragraph(line)
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def _label(d: Any, text: str) -> None:
    paragraph = d.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True  # never a label alone at the foot of a page
    run = paragraph.add_run(text)
    run.bold, run.font.color.rgb = True, BLUE


def _item(d: Any, item: dict[str, Any], mode: str) -> None:
    d.add_heading(f"Punkt {item['number']}. {item['title']}", level=2)
    if kind := kind_line(item):
        d.add_paragraph(kind)
    if item["resume"]:
        _label(d, "Resumé")
        d.add_paragraph(item["resume"])
    if item["indstillinger"]:
        _label(d, "Indstilling")
        d.add_paragraph("Det indstilles, at:")
        for text in item["indstillinger"]:
            d.add_paragraph(text, style="List Bullet")
    if mode == "minutes":
        _label(d, "Beslutning:")
        for para in (item["beslutning"] or "Ingen beslutning registreret.").split("\n\n"):
            d.add_paragraph(para)
        for f in item["followups"]:
            d.add_paragraph(f"Opfølgning: {f['what']} – {f['who']}, frist: {f['due_da']}",
                            style="List Bullet")
    if item["sagsbeskrivelse"]:
        _label(d, "Sagsbeskrivelse")
        for part in item["sagsbeskrivelse"]:
            d.add_paragraph().add_run(part["heading"]).bold = True
            for para in part["text"].split("\n\n"):
                d.add_paragraph(para)
    if item["bilag"]:
        _label(d, "Bilag")
        for b in item["bilag"]:
            d.add_paragraph(f"Bilag {b['number']}: {b['title']}", style="List Bullet")
    if item.get("links"):
        _label(d, "Links")
        for link in item["links"]:
            d.add_paragraph(f"{link['title']}: {link['url']}", style="List Bullet")
