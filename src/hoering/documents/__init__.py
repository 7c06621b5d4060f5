"""Rendering a meeting's agenda and minutes (HTML, PDF, DOCX) and its invitation (ICS) from
plain data (``services.documents.meeting_view``): no database here."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def bilag_filename(number: int, title: str, filename: str | None) -> str:
    """The name a bilag is attached under: ``Bilag 7 Overblik over indmeldinger ….pdf`` (its number
    and title, the upload's own extension), never the upload's own name."""
    suffix = PurePath(filename).suffix.lower() if filename else ""
    stem = " ".join(_UNSAFE.sub(" ", title).split()).rstrip(". ")
    if len(stem) > 100:
        stem = stem[:100].rsplit(" ", 1)[0] + " …"
    return f"Bilag {number} {stem}{suffix}"


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


def page_header(doc: dict[str, Any]) -> str:
    """The line at the top of every page: the body and date, and UDKAST while minutes are a draft."""
    line = f"{doc['body']['long_name']} – {doc['date_da']}"
    return f"{doc['draft']} · {line}" if doc.get("draft") else line


def document_title(doc: dict[str, Any]) -> str:
    """The heading: "Referat (UDKAST – ikke godkendt): Møde i …" while the minutes are a draft."""
    title = f"{doc['title']} ({doc['draft']})" if doc.get("draft") else doc["title"]
    return f"{title}: Møde i {doc['body']['long_name']} ({doc['body']['name']})"


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
