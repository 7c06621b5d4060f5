"""The høringsnotat and the exports of a hearing: its report view (``views.report``, from the
stored result record once it is closed), rendered by ``reports``."""

from __future__ import annotations

from hoering.errors import RuleViolation
from hoering.reports.export import FORMATS, export
from hoering.reports.notat import NOTAT_FORMATS, render_notat
from hoering.runtime import Runtime
from hoering.views.report import hearing_report


def write_notat(rt: Runtime, hearing_id: int, fmt: str) -> bytes:
    """The høringsnotat of a closed hearing as DOCX or PDF bytes."""
    if fmt not in NOTAT_FORMATS:
        raise RuleViolation(f"ukendt format til høringsnotatet {fmt!r}; brug en af: {', '.join(NOTAT_FORMATS)}")
    return render_notat(hearing_report(rt, hearing_id), fmt, written=rt.now())


def export_hearing(rt: Runtime, hearing_id: int, fmt: str) -> bytes:
    """A hearing (open or closed) exported as CSV, XLSX or JSON bytes."""
    if fmt not in FORMATS:
        raise RuleViolation(f"ukendt eksportformat {fmt!r}; brug en af: {', '.join(FORMATS)}")
    return export(hearing_report(rt, hearing_id), fmt)
