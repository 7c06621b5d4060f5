"""Rendering a meeting's agenda and minutes (HTML, PDF, DOCX) and its invitation (ICS) from
plain data (``services.documents.meeting_view``): no database here."""

from __future__ import annotations

from typing import Any


def header_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The meeting header of an agenda or minutes, as (label, text) rows: Tid, Sted, Deltagere,
    Afbud, Sagsnr. (the same in every format)."""
    rows = [("Tid", f"{doc['weekday_date_da']}, {doc['time_da']}"), ("Sted", str(doc["place"]))]
    for label, key in (("Deltagere", "deltagere"), ("Afbud", "afbud")):
        if doc[key]:
            rows.append((label, ", ".join(doc[key])))
    if doc["sagsnr"]:
        rows.append(("Sagsnr./Dok.nr.", str(doc["sagsnr"])))
    return rows
