"""Real sample files for the document tests: PDF (reportlab), DOCX (python-docx), XLSX
(openpyxl), ODT (a minimal OpenDocument zip), and the bad ones (a zip bomb dressed as DOCX,
a renamed program)."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
from reportlab.pdfgen import canvas


def pdf(text: str = "Høringssvar") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


def docx_file(text: str = "Høringssvar") -> bytes:
    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx(value: str = "Høringssvar") -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def odt(text: str = "Høringssvar") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", "<manifest/>", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", f"<office:document-content>{text}</office:document-content>",
                   compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def zip_bomb_docx(unpacked_mb: int = 50) -> bytes:
    """A DOCX-shaped zip whose document.xml unpacks to ``unpacked_mb`` MB of zeros (a few kB packed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                f.write(chunk)
    return buf.getvalue()


def exe() -> bytes:
    """The start of a Windows program (an MZ header and the DOS stub's message)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 48 + \
        b"This program cannot be run in DOS mode.\r\r\n$" + bytes(range(256)) * 8
