"""A meeting's agenda (dagsorden) or minutes (referat) as plain data, then as HTML, PDF, DOCX;
and its invitation as ICS. The renderers in ``hoering.documents`` take the plain data only."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from hoering.danish import format_clock, format_date, format_weekday_date
from hoering.db.models import Item, Meeting
from hoering.domain.meetings import KIND_LABELS, OUTCOME_LABELS, SECTION_ORDER, section_of
from hoering.errors import HoeringError
from hoering.runtime import Runtime
from hoering.services.followups import describe as describe_followup
from hoering.services.followups import followups_due_for
from hoering.services.meetings import get_meeting

Mode = Literal["agenda", "minutes"]
Format = Literal["html", "pdf", "docx"]
SECTION_TITLES = {"behandling": "Sager til behandling", "orientering": "Sager til orientering"}
SAGSBESKRIVELSE = (("baggrund", "Baggrund"), ("sagsfremstilling", "Sagsfremstilling"),
                   ("oekonomi", "Økonomi"))


def ordered_items(meeting: Meeting) -> list[Item]:
    return sorted(meeting.items, key=lambda i: (SECTION_ORDER[section_of(i.kind)], i.number or 10_000, i.id))


def meeting_view(s: Session, meeting: Meeting, mode: Mode) -> dict[str, Any]:
    body = meeting.body
    sections: list[dict[str, Any]] = []
    bilag_no = 0
    for number, item in enumerate(ordered_items(meeting), start=1):
        section = section_of(item.kind)
        if not sections or sections[-1]["key"] != section:
            sections.append({"key": section, "title": SECTION_TITLES.get(section), "items": []})
        bilag = []
        for b in item.bilag:
            bilag_no += 1
            bilag.append({"number": bilag_no, "title": b.title, "filename": b.filename,
                          "sha256": b.sha256, "size": b.size})
        sections[-1]["items"].append({
            "id": item.id, "number": number, "title": item.title, "kind": item.kind,
            "kind_label": KIND_LABELS[item.kind], "resume": item.resume,
            "indstillinger": [i.text for i in item.indstillinger],
            "sagsbeskrivelse": [{"heading": h, "text": item.sagsbeskrivelse.get(k)}
                                for k, h in SAGSBESKRIVELSE if item.sagsbeskrivelse.get(k)],
            "bilag": bilag, "for_kkr": item.for_kkr,
            "beslutning": item.beslutning if mode == "minutes" else None,
            "outcome_label": OUTCOME_LABELS[item.outcome] if mode == "minutes" and item.outcome else None,
            "followups": [describe_followup(f) for f in item.followups] if mode == "minutes" else [],
        })
    start, end = meeting.starts_at, meeting.ends_at
    return {
        "mode": mode, "title": "Dagsorden" if mode == "agenda" else "Referat",
        "meeting_id": meeting.id,
        "body": {"key": body.key, "name": body.name, "long_name": body.long_name},
        "date_da": format_date(start), "weekday_date_da": format_weekday_date(start),
        "time_da": f"kl. {format_clock(start)}-{format_clock(end)}",
        "place": meeting.place, "sagsnr": meeting.sagsnr,
        "deltagere": [a.name for a in meeting.attendance if a.status == "deltager"],
        "afbud": [a.name for a in meeting.attendance if a.status == "afbud"],
        "sections": sections,
        "followups": [describe_followup(f) for f in followups_due_for(s, meeting)],
        "secretariat": "Sekretariat for Nordjysk Socialaftale",
    }


def document_view(rt: Runtime, meeting_id: int, mode: Mode) -> dict[str, Any]:
    with rt.db.transaction() as s:
        return meeting_view(s, get_meeting(s, meeting_id), mode)


def render_document(view: dict[str, Any], fmt: Format) -> bytes:
    from hoering.documents import docx, html, pdf

    if fmt == "html":
        return html.render_html(view).encode("utf-8")
    if fmt == "pdf":
        return pdf.render_pdf(view)
    if fmt == "docx":
        return docx.render_docx(view)
    raise HoeringError(f"unknown format {fmt!r}; use html, pdf or docx")


def meeting_document(rt: Runtime, meeting_id: int, *, mode: Mode, fmt: Format) -> bytes:
    return render_document(document_view(rt, meeting_id, mode), fmt)


def write_document(rt: Runtime, meeting_id: int, *, mode: Mode, fmt: Format, out: Path | None) -> Path:
    view = document_view(rt, meeting_id, mode)
    name = f"{view['body']['key']}-{view['title'].lower()}-{meeting_id}.{fmt}"
    path = out or rt.settings.home / "documents" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_document(view, fmt))
    return path
