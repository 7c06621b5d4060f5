"""Exports of a hearing, one row per hørt part: CSV and XLSX for people (Danish headers, local
time, amounts the Danish way), JSON for machines (ISO times in UTC, amounts as decimal strings,
every answer version)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from hoering.danish import local
from hoering.errors import RuleViolation
from hoering.reports.report import HearingReport, PartyRow, Version, channel_da, hearing_report
from hoering.runtime import Runtime

FORMATS: tuple[str, ...] = ("csv", "xlsx", "json")

COLUMNS = ("Kommunekode", "Part", "Kontakt", "Status", "Svar", "Svarmulighed", "Tekst",
           "Bemærkning", "Kanal", "Modtaget", "For sent", "Besvaret af", "Tæller som",
           "Versioner", "Andel", "Udbetaling")
STATUS_DA = {"answered": "svar modtaget", "late": "svar modtaget efter fristen",
             "silent": "intet svar"}


def export_hearing(rt: Runtime, hearing_id: int, fmt: str) -> bytes:
    """A hearing (open or closed) exported as CSV, XLSX or JSON bytes."""
    if fmt not in FORMATS:
        raise RuleViolation(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return export(hearing_report(rt, hearing_id), fmt)


def export(report: HearingReport, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "json":
        return to_json(report)
    raise RuleViolation(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")


def _cells(row: PartyRow) -> list[Any]:
    """The row's values, typed (int, str, datetime, Decimal or None)."""
    a = row.answer
    return [
        row.code, row.display_name, "; ".join(row.contacts), STATUS_DA[row.status],
        a.option if a else None, a.label if a else None, a.text if a else None,
        a.comment if a else None, channel_da(a.channel) if a else None,
        local(a.received_at).replace(tzinfo=None) if a else None,
        ("ja" if a.late else "nej") if a else None, a.answered_by if a else None,
        row.counted_as, len(row.versions), row.share, row.payout,
    ]


def to_csv(report: HearingReport) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark: what Danish Excel opens as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        writer.writerow([_csv_value(v) for v in _cells(row)])
    return out.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def to_xlsx(report: HearingReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheet = wb.active
    sheet.title = "Svar"
    sheet.append(COLUMNS)
    for row in report.rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in _cells(row)])
    money = '#,##0.00 "kr."'
    for cells in sheet.iter_rows(min_row=2):
        cells[9].number_format = "dd-mm-yyyy hh:mm"
        cells[14].number_format = money
        cells[15].number_format = money
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGHIJKLMNOP", (12, 26, 40, 24, 12, 36, 30, 40, 24, 17, 9, 30,
                                                  12, 10, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width

    summary = wb.create_sheet("Resultat")
    summary.append(["Høring", report.title])
    summary.append(["Spørgsmål", report.question])
    summary.append(["Frist", local(report.deadline).replace(tzinfo=None)])
    summary["B3"].number_format = "dd-mm-yyyy hh:mm"
    summary.append(["Besvaret", f"{report.answered} af {len(report.rows)}"])
    summary.append(["Resultat", report.summary])
    summary.append([])
    summary.append(["Svarmulighed", "Antal"])
    for _, label, count in report.counts:
        summary.append([label, count])
    if report.total is not None and report.pool is not None:
        summary.append([])
        names = {r.code: r.display_name for r in report.rows}
        amounts = [(f"Udbetales til {names[c]}", a) for c, a in report.payouts.items()]
        amounts += [("Samles i fælles pulje", report.pool), ("I alt", report.total)]
        for label, amount in amounts:
            summary.append([label, float(amount)])
            summary.cell(row=summary.max_row, column=2).number_format = money
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_json(report: HearingReport) -> bytes:
    data = {
        "hearing": {
            "id": report.id, "title": report.title, "kind": report.kind, "status": report.status,
            "body": report.body, "question": report.question,
            "options": [{"key": k, "label": label} for k, label in report.options],
            "opened_at": report.opened_at.isoformat(), "deadline": report.deadline.isoformat(),
            "closed_at": report.closed_at.isoformat() if report.closed_at else None,
            "rule": report.rule, "silence": report.silence, "late": report.late,
        },
        "result": {
            "counts": {k: n for k, _, n in report.counts}, "outcome": report.outcome,
            "summary": report.summary, "answered": report.answered, "recipients": len(report.rows),
            "total": _amount(report.total), "pool": _amount(report.pool),
            "payouts": {str(c): _amount(a) for c, a in report.payouts.items()},
        },
        "rows": [{
            "code": r.code, "name": r.name, "contacts": list(r.contacts), "status": r.status,
            "answer": _version_json(r.answer) if r.answer else None,
            "counted_as": r.counted_as, "share": _amount(r.share), "payout": _amount(r.payout),
            "versions": [_version_json(v) for v in r.versions],
        } for r in report.rows],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _version_json(v: Version) -> dict[str, Any]:
    return {"version": v.number, "option": v.option, "label": v.label, "text": v.text,
            "comment": v.comment, "channel": v.channel, "answered_by": v.answered_by,
            "received_at": v.received_at.isoformat(), "late": v.late}
