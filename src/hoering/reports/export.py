"""Exports of a hearing, one row per hørt part: CSV and XLSX for people (Danish headers, local
time, amounts the Danish way), JSON for machines (ISO times in UTC, amounts as decimal strings,
every answer version)."""

from __future__ import annotations

# Imports inside functions are for start-up speed (openpyxl loads only when a spreadsheet is written);
# none hides an import cycle.
import csv
import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hoering.danish import channel_da, local
from hoering.domain.text import clean_text
from hoering.errors import RuleViolation
from hoering.reports.cells import csv_text, xlsx_text_only
from hoering.reports.notat import comment_text

if TYPE_CHECKING:  # the exports render the report view; they do not read it
    from hoering.views.report import HearingReport, PartyRow, Version

FORMATS: tuple[str, ...] = ("csv", "xlsx", "json")

COLUMNS = ("Kommunekode", "Part", "Kontakt", "Status", "Svar", "Svarmulighed", "Tekst",
           "Bemærkning", "Sekretariatets bemærkning", "Kanal", "Modtaget", "For sent", "Besvaret af",
           "Tæller med som", "Antal svarversioner", "Andel", "Udbetaling", "Dokumenter")
TOTAL = "I alt"  # the last row of the CSV and the sheet: answers, shares and payouts summed
STATUS_DA = {"answered": "svar modtaget", "late": "svar modtaget efter fristen",
             "silent": "intet svar"}


def export(report: HearingReport, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "json":
        return to_json(report)
    raise RuleViolation(f"ukendt eksportformat {fmt!r}; brug en af: {', '.join(FORMATS)}")


def _cells(row: PartyRow) -> list[Any]:
    """The row's values, typed (int, str, datetime, Decimal or None)."""
    a = row.answer
    return [
        row.code, row.display_name, "; ".join(row.contacts), STATUS_DA[row.status],
        a.option if a else None, a.label if a else None, a.text if a else None,
        a.comment if a else None, comment_text(row.response) if row.response else None,
        channel_da(a.channel) if a else None,
        local(a.received_at).replace(tzinfo=None) if a else None,
        ("ja" if a.late else "nej") if a else None, a.answered_by if a else None,
        row.counted_label, len(row.versions), row.share, row.payout,
        "; ".join(f"{f.filename} ({f.size} byte, SHA-256 {f.sha256})" for f in a.files) if a and a.files else None,
    ]


def _total(report: HearingReport) -> list[Any]:
    """The "I alt" row: how many answered, and the shares and payouts summed (allocation)."""
    def summed(values: list[Decimal | None]) -> Decimal | None:
        given = [v for v in values if v is not None]
        return sum(given, Decimal(0)) if given else None

    cells: list[Any] = [None] * len(COLUMNS)
    cells[1], cells[3] = TOTAL, f"{report.answered} af {len(report.rows)} har svaret"
    cells[15] = summed([r.share for r in report.rows])
    cells[16] = summed([r.payout for r in report.rows])
    return cells


def to_csv(report: HearingReport) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark: what Danish Excel opens as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for cells in [*(_cells(row) for row in report.rows), _total(report)]:
        writer.writerow([_csv_value(v) for v in cells])
    return out.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y %H:%M")  # as the spreadsheet shows it (dd-mm-yyyy hh:mm)
    if isinstance(value, str):
        return csv_text(value)
    return str(value)


def to_xlsx(report: HearingReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheet = wb.active
    sheet.title = "Svar"
    sheet.append(COLUMNS)
    for values in [*(_cells(row) for row in report.rows), _total(report)]:
        _append(sheet, [float(v) if isinstance(v, Decimal) else v for v in values])
    money = '#,##0.00 "kr."'
    for cells in sheet.iter_rows(min_row=2):
        cells[10].number_format = "dd-mm-yyyy hh:mm"
        cells[15].number_format = money
        cells[16].number_format = money
    for cell in [*sheet[1], *sheet[sheet.max_row]]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGHIJKLMNOPQR", (12, 26, 40, 24, 12, 36, 30, 40, 40, 24, 17, 9, 30,
                                                    30, 10, 14, 14, 60), strict=True):
        sheet.column_dimensions[letter].width = width

    summary = wb.create_sheet("Resultat")
    _append(summary, ["Høring", report.title])
    _append(summary, ["Spørgsmål", report.question])
    _append(summary, ["Frist", local(report.deadline).replace(tzinfo=None)])
    summary["B3"].number_format = "dd-mm-yyyy hh:mm"
    _append(summary, ["Besvaret", f"{report.answered} af {len(report.rows)}"])
    _append(summary, ["Resultat", report.summary])
    _append(summary, [])
    _append(summary, ["Svarmulighed", "Antal"])
    for _, label, count in report.counts:
        _append(summary, [label, count])
    if report.total is not None and report.pool is not None:
        _append(summary, [])
        names = {r.code: r.display_name for r in report.rows}
        amounts = [(f"Udbetales til {names[c]}", a) for c, a in report.payouts.items()]
        amounts += [("Samles i fælles pulje", report.pool), ("I alt", report.total)]
        for label, amount in amounts:
            _append(summary, [label, float(amount)])
            summary.cell(row=summary.max_row, column=2).number_format = money
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 80
    xlsx_text_only(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _append(sheet: Any, values: list[Any]) -> None:
    """``sheet.append`` with text cleaned: openpyxl refuses control characters."""
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])


def to_json(report: HearingReport) -> bytes:
    data = {
        "hearing": {
            "id": report.id, "title": report.title, "kind": report.kind, "status": report.status,
            "body": report.body, "question": report.question,
            "options": [{"key": k, "label": label} for k, label in report.options],
            "opened_at": report.opened_at.isoformat(), "deadline": report.deadline.isoformat(),
            "closed_at": report.closed_at.isoformat() if report.closed_at else None,
            "result_version": report.version,
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
            "counted_as": r.counted_as, "key_value": None if r.key_value is None else str(r.key_value),
            "share": _amount(r.share), "payout": _amount(r.payout),
            "versions": [_version_json(v) for v in r.versions],
        } for r in report.rows],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _version_json(v: Version) -> dict[str, Any]:
    return {"version": v.version, "option": v.option, "label": v.label, "text": v.text,
            "comment": v.comment, "channel": v.channel, "answered_by": v.answered_by,
            "received_at": v.received_at.isoformat(), "late": v.late,
            "files": [{"filename": f.filename, "size": f.size, "sha256": f.sha256, "kind": f.kind}
                      for f in v.files]}
