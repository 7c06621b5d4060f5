"""Exports read back (csv, openpyxl, json) and checked against the tally of the same hearing."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from hoering.errors import RuleViolation
from hoering.reports.export import COLUMNS, TOTAL
from hoering.services.hearing_reports import export_hearing
from hoering.views.result import hearing_result

Rows = list[dict[str, object]]


def read_csv(data: bytes) -> Rows:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Danish Excel needs to see UTF-8
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    assert tuple(reader.fieldnames or ()) == COLUMNS
    *rows, total = list(reader)
    assert total["Part"] == TOTAL
    return rows


def read_xlsx(data: bytes) -> Rows:
    sheet = load_workbook(io.BytesIO(data))["Svar"]
    header, *rows, total = list(sheet.iter_rows(values_only=True))
    assert header == COLUMNS and total[1] == TOTAL
    return [dict(zip(header, row, strict=True)) for row in rows]


def amount(value: object) -> Decimal | None:
    """A CSV amount ("44969,70"), an XLSX number, or empty."""
    if value in (None, ""):
        return None
    if isinstance(value, float):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return Decimal(str(value).replace(",", "."))


def check_against_tally(rows: Rows, result: dict) -> None:
    """Every row agrees with the frozen tally: who counted as what, who gets paid, the pool."""
    lines = {ln["code"]: ln for ln in result["lines"]}
    labels = {o["key"]: o["label"] for o in result["options"]}
    assert sorted(int(r["Kommunekode"]) for r in rows) == sorted(lines)  # one row per hørt part
    assert [r["Part"] for r in rows] == sorted(r["Part"] for r in rows)  # alphabetical
    for r in rows:
        line = lines[int(r["Kommunekode"])]
        assert (r["Tæller med som"] or None) == labels.get(line["counted_as"])
        assert r["Status"] == {"answered": "svar modtaget", "late": "svar modtaget efter fristen",
                               "silent": "intet svar"}[line["status"]]
        assert (r["Svar"] or None) == (line["answer"]["option"] if line["answer"] else None)
        assert int(r["Antal svarversioner"]) == line["versions"]
    counted = Counter(r["Tæller med som"] for r in rows if r["Tæller med som"])
    assert {labels[k]: v for k, v in result["counts"].items() if v} == dict(counted)
    payouts = {str(r["Kommunekode"]): amount(r["Udbetaling"]) for r in rows if amount(r["Udbetaling"])}
    assert payouts == {c: Decimal(a) for c, a in result["allocation"]["payouts"].items()}
    assert sum(payouts.values()) + Decimal(result["allocation"]["pool"]) == Decimal("120000.00")
    assert sum(amount(r["Andel"]) or 0 for r in rows) == Decimal("120000.00")


def test_csv_export_matches_the_tally(jyfe):
    rows = read_csv(export_hearing(jyfe.rt, jyfe.mixed, "csv"))
    check_against_tally(rows, hearing_result(jyfe.rt, jyfe.mixed).as_json())
    by_name = {r["Part"]: r for r in rows}
    aalborg = by_name["Aalborg Kommune"]
    assert aalborg["Udbetaling"].endswith(",70") or aalborg["Udbetaling"].endswith(",69")
    assert aalborg["Modtaget"] == "30-04-2014 10:00"  # Copenhagen time, not UTC; the sheet's date form
    assert aalborg["Kanal"] == "via sekretariatet"
    assert aalborg["Bemærkning"].startswith("Aalborg Kommune ønsker")
    assert "socialdirektoer@aalborg.kommune.example" in aalborg["Kontakt"]
    assert by_name["Læsø Kommune"]["Kanal"] == "via svarlink"
    assert by_name["Thisted Kommune"]["For sent"] == "ja"
    assert by_name["Morsø Kommune"]["Svar"] == "" and by_name["Morsø Kommune"]["Status"] == "intet svar"


def test_xlsx_export_matches_the_tally(jyfe):
    data = export_hearing(jyfe.rt, jyfe.mixed, "xlsx")
    rows = read_xlsx(data)
    check_against_tally(rows, hearing_result(jyfe.rt, jyfe.mixed).as_json())
    aalborg = next(r for r in rows if r["Kommunekode"] == 851)
    assert aalborg["Modtaget"] == datetime(2014, 4, 30, 10, 0)
    assert isinstance(aalborg["Udbetaling"], float)
    summary = {row[0]: row[1] for row in load_workbook(io.BytesIO(data))["Resultat"].iter_rows(
        values_only=True) if row[0]}
    assert summary["I alt"] == 120000.0 and summary["Besvaret"] == "9 af 11"
    assert Decimal(str(summary["Samles i fælles pulje"])) == Decimal(
        hearing_result(jyfe.rt, jyfe.mixed).as_json()["allocation"]["pool"])


def test_json_export_keeps_every_version(jyfe):
    data = json.loads(export_hearing(jyfe.rt, jyfe.mixed, "json"))
    result = hearing_result(jyfe.rt, jyfe.mixed).as_json()
    rows = data["rows"]
    labels = {o["key"]: o["label"] for o in result["options"]}
    flat = [{"Kommunekode": r["code"], "Part": r["name"], "Tæller med som": labels.get(r["counted_as"]),
             "Svar": (r["answer"] or {}).get("option"),
             "Status": {"answered": "svar modtaget", "late": "svar modtaget efter fristen",
                        "silent": "intet svar"}[r["status"]],
             "Antal svarversioner": len(r["versions"]), "Udbetaling": r["payout"], "Andel": r["share"]}
            for r in rows]
    check_against_tally(flat, result)
    assert data["result"]["counts"] == result["counts"] and data["result"]["pool"] == result["allocation"]["pool"]
    assert data["result"]["summary"] == result["summary"]
    hjoerring = next(r for r in rows if r["code"] == 860)
    assert [(v["version"], v["option"]) for v in hjoerring["versions"]] == [(1, "udbetaling"), (2, "pulje")]
    assert hjoerring["answer"]["comment"] == "Vi har genovervejet."
    thisted = next(r for r in rows if r["code"] == 787)
    assert thisted["status"] == "late" and thisted["counted_as"] is None
    assert thisted["versions"][0]["late"] is True and thisted["payout"] is None
    assert data["hearing"]["deadline"] == "2014-05-13T10:00:00+00:00"


def test_an_open_hearing_exports_the_tally_so_far(jyfe):
    rows = read_csv(export_hearing(jyfe.rt, jyfe.still_open, "csv"))
    assert [r["Part"] for r in rows if r["Status"] != "intet svar"] == ["Aalborg Kommune"]


def test_unknown_format_is_a_clear_error(jyfe):
    with pytest.raises(RuleViolation, match="csv, xlsx, json"):
        export_hearing(jyfe.rt, jyfe.mixed, "ods")


def test_the_csv_a_person_opens_has_danish_dates_an_i_alt_row_and_the_secretariats_comment(jyfe):
    from hoering.services.responses import respond

    respond(jyfe.rt, jyfe.mixed, kommune="Aalborg", stance="imoedekommet",
            text="Aalborgs andel udbetales, som kommunen har ønsket.")
    text = export_hearing(jyfe.rt, jyfe.mixed, "csv").decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    assert "Tæller med som" in (reader.fieldnames or ()) and "Tæller som" not in (reader.fieldnames or ())
    assert "Versioner" not in (reader.fieldnames or ())
    *rows, total = list(reader)
    aalborg = next(r for r in rows if r["Part"] == "Aalborg Kommune")
    assert aalborg["Sekretariatets bemærkning"] == "Imødekommet. Aalborgs andel udbetales, som kommunen har ønsket."
    assert aalborg["Tæller med som"] == "Andelen udbetales til egen kommune"
    assert aalborg["Modtaget"] == "30-04-2014 10:00"
    assert total["Part"] == "I alt" and total["Status"] == "9 af 11 har svaret"
    assert amount(total["Andel"]) == Decimal("120000.00")
    assert amount(total["Udbetaling"]) == sum(amount(r["Udbetaling"]) or 0 for r in rows)
