"""The høringsnotat and the exports of a hearing: its report view (``views.report``, from the
stored result record once it is closed), rendered by ``reports``."""

from __future__ import annotations

from datetime import datetime

from hoering.errors import RuleViolation
from hoering.reports.export import FORMATS, export
from hoering.reports.notat import NOTAT_FORMATS, render_notat
from hoering.runtime import Runtime
from hoering.services.registry import secretariat
from hoering.views.report import HearingReport, hearing_report


def write_notat(rt: Runtime, hearing_id: int, fmt: str, *, written: datetime | None = None) -> bytes:
    """The høringsnotat of a closed hearing as DOCX or PDF bytes (dated ``written``, default now)."""
    if fmt not in NOTAT_FORMATS:
        raise RuleViolation(f"ukendt format til høringsnotatet {fmt!r}; brug en af: {', '.join(NOTAT_FORMATS)}")
    report = hearing_report(rt, hearing_id)
    return render_notat(report, fmt, written=written or rt.now(), contact=contact_person(rt, report))


def contact_person(rt: Runtime, report: HearingReport) -> str:
    """The notat's contact person: the hearing file's ``contact``, else the secretariat and its address."""
    if report.contact:
        return report.contact
    with rt.db.read() as s:
        who = secretariat(rt, s)
    return f"{who['name']}, {who['email']}"


def export_hearing(rt: Runtime, hearing_id: int, fmt: str) -> bytes:
    """A hearing (open or closed) exported as CSV, XLSX or JSON bytes."""
    if fmt not in FORMATS:
        raise RuleViolation(f"ukendt eksportformat {fmt!r}; brug en af: {', '.join(FORMATS)}")
    return export(hearing_report(rt, hearing_id), fmt)
