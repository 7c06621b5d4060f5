"""Lay a notat's blocks out as a Word document (python-docx).

Every string is passed through ``clean_text`` on its way in: a control character stored before
the boundary cleaned them would otherwise make lxml refuse the whole document."""

from __future__ import annotations

# Imports inside functions are for start-up speed (python-docx loads only when a DOCX is written);
# none hides an import cycle.
import io

from hoering.domain.text import clean_text as t
from hoering.reports.blocks import Grid, Heading, Notat, Para


def write_docx(notat: Notat) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    from hoering.page_numbers import docx_danish_a4, docx_page_footer

    doc = Document()
    doc.core_properties.title = t(f"{notat.title}: {notat.subject}")
    doc.core_properties.author = "Sekretariat for Nordjysk Socialaftale"
    docx_danish_a4(doc)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    docx_page_footer(doc.sections[0], left=notat.subject[:90],
                     header=notat.running_header)
    for block in notat.blocks:
        if isinstance(block, Heading):
            doc.add_heading(t(block.text), level=block.level)
        elif isinstance(block, Para):
            if block.style == "bullet":
                doc.add_paragraph(t(block.text), style="List Bullet")
                continue
            paragraph = doc.add_paragraph(style="Quote" if block.style == "quote" else None)
            run = paragraph.add_run(t(block.text))
            run.bold = block.style == "strong"
            if block.style == "muted":
                run.font.color.rgb = RGBColor(0x5B, 0x67, 0x70)
        elif isinstance(block, Grid):
            table = doc.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            rows = [block.header, *block.rows]
            for i, values in enumerate(rows):
                cells = table.rows[0].cells if i == 0 else table.add_row().cells
                bold = i == 0 or (block.total_last and i == len(rows) - 1)
                for j, value in enumerate(values):
                    paragraph = cells[j].paragraphs[0]
                    paragraph.add_run(t(value)).bold = bold
                    if j in block.numeric:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            doc.add_paragraph()
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
