"""Rendering a meeting's agenda and minutes (HTML, PDF, DOCX) and its invitation (ICS) from
plain data (``services.documents.meeting_view``): no database here."""

from __future__ import annotations

from typing import Any


def header_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The meeting header of an agenda or minutes, as (label, text) rows: Tid, Sted, Deltagere,
    Afbud, Sagsnr. (the same in every format). Participants and apologies one per line."""
    rows = [("Tid", f"{doc['weekday_date_da']}, {doc['time_da']}"), ("Sted", str(doc["place"]))]
    for label, key in (("Deltagere", "deltagere"), ("Afbud", "afbud")):
        if doc[key]:
            rows.append((label, "\n".join(doc[key])))
    if doc["sagsnr"]:
        rows.append(("Sagsnr./Dok.nr.", str(doc["sagsnr"])))
    if doc.get("cancelled"):
        rows.append(("Status", "Mødet er aflyst"))
    return rows


def closing_lines(doc: dict[str, Any]) -> list[str]:
    """What the minutes end with: who approved them and when, and any later corrections."""
    lines = [doc["approved"]] if doc.get("approved") else []
    lines += [f"Rettelse efter godkendelsen, {c}" for c in doc.get("corrections", [])]
    return lines


def kind_line(item: dict[str, Any]) -> str | None:
    """The line under an item's title: its kind where the title does not say it, and KKR."""
    parts = [item["kind_label"]] if item["kind_label"] else []
    if item["for_kkr"]:
        parts.append("sendes videre til KKR")
    return " · ".join(parts) or None
