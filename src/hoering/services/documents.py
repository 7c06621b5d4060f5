"""A meeting's agenda (dagsorden) or minutes (referat) as plain data, then as HTML, PDF, DOCX;
and its invitation as ICS. The renderers in ``hoering.documents`` take the plain data only."""

from __future__ import annotations

# Imports inside functions are for start-up speed (reportlab and python-docx load only when a document is rendered);
# none hides an import cycle.
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.danish import format_clock, format_date, format_weekday_date
from hoering.db.lookup import get_meeting
from hoering.db.models import Item, ItemMove, Meeting, MeetingCorrection
from hoering.documents import bilag_filename
from hoering.domain.meetings import KIND_LABELS, OUTCOME_LABELS, SECTION_ORDER, agenda_order, section_of
from hoering.errors import HoeringError
from hoering.runtime import Runtime
from hoering.services.followups import describe as describe_followup
from hoering.services.followups import followups_due_for, meeting_day
from hoering.services.registry import secretariat

Mode = Literal["agenda", "minutes"]
Format = Literal["html", "pdf", "docx"]
SECTION_TITLES = {"behandling": "Sager til behandling", "orientering": "Sager til orientering"}
DRAFT_MINUTES = "UDKAST – ikke godkendt"  # said on every page of the minutes until the chair approves them
SAGSBESKRIVELSE = (("baggrund", "Baggrund"), ("sagsfremstilling", "Sagsfremstilling"),
                   ("oekonomi", "Økonomi"))


def meeting_view(s: Session, meeting: Meeting, mode: Mode, *, secretariat: str) -> dict[str, Any]:
    """The agenda or minutes as plain data. Once the agenda is sent its numbers are fixed; the
    minutes keep an item postponed at the meeting under its number ("Punktet blev udsat")."""
    body = meeting.body
    sections: list[dict[str, Any]] = []
    bilag_no = 0
    supplement = supplement_items(s, meeting.id) if meeting.agenda_sent_at is not None else set()
    for number, item, postponed in _entries(s, meeting, mode):
        section = section_of(item.kind)
        if not sections or sections[-1]["key"] != section:
            sections.append({"key": section, "title": SECTION_TITLES.get(section), "items": []})
        bilag = []
        for b in item.bilag:
            bilag_no += 1
            bilag.append({"id": b.id, "number": bilag_no, "title": b.title, "filename": b.filename,
                          "sha256": b.sha256, "size": b.size,
                          "attached_as": bilag_filename(bilag_no, b.title, b.filename) if b.filename else None})
        label = KIND_LABELS[item.kind]
        entry = {
            "id": item.id, "number": number, "title": item.title, "kind": item.kind,
            "kind_label": _kind_label(label, item.title, supplement=item.id in supplement), "resume": item.resume,
            "indstillinger": [i.text for i in item.indstillinger],
            "sagsbeskrivelse": [{"heading": h, "text": item.sagsbeskrivelse.get(k)}
                                for k, h in SAGSBESKRIVELSE if item.sagsbeskrivelse.get(k)],
            "bilag": bilag, "links": list(item.links or []), "for_kkr": item.for_kkr,
            "beslutning": item.beslutning if mode == "minutes" else None,
            "outcome_label": OUTCOME_LABELS[item.outcome] if mode == "minutes" and item.outcome else None,
            "followups": [describe_followup(f) for f in item.followups] if mode == "minutes" else [],
        }
        if postponed is not None:
            entry.update(beslutning=_postponed_text(s, postponed), outcome_label=OUTCOME_LABELS["udsat"],
                         followups=[])
        sections[-1]["items"].append(entry)
    start, end = meeting.starts_at, meeting.ends_at
    approved = None
    if mode == "minutes" and meeting.minutes_approved_at is not None:
        approved = (f"Referatet er godkendt af {meeting.minutes_approved_by} "
                    f"den {format_date(meeting.minutes_approved_at)} kl. {format_clock(meeting.minutes_approved_at)}.")
    corrections = [] if mode != "minutes" else [
        f"{format_date(c.at)}: {c.what} ({c.reason}; {c.actor})"
        for c in s.scalars(select(MeetingCorrection).where(MeetingCorrection.meeting_id == meeting.id)
                           .order_by(MeetingCorrection.id))]
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
        "followups": [describe_followup(f, on=meeting_day(meeting)) for f in followups_due_for(s, meeting)],
        "approved": approved, "corrections": corrections,
        "draft": DRAFT_MINUTES if mode == "minutes" and meeting.minutes_approved_at is None else None,
        "cancelled": meeting.cancelled_at is not None,
        "secretariat": secretariat,
    }


def supplement_items(s: Session, meeting_id: int) -> set[int]:
    """The ids of the items that joined the meeting's sent agenda on a tillægsdagsorden."""
    return set(s.scalars(select(ItemMove.item_id).where(ItemMove.to_meeting_id == meeting_id,
                                                        ItemMove.action == "to_supplement")))


def _kind_label(label: str, title: str, *, supplement: bool) -> str | None:
    # the kind is said once: not under a title that says it already ("Eventuelt / Eventuelt")
    shown = None if title.startswith(label) else label
    if supplement:
        return f"Tillægsdagsorden – {shown}" if shown else "Tillægsdagsorden"
    return shown


def _entries(s: Session, meeting: Meeting, mode: Mode) -> list[tuple[int, Item, ItemMove | None]]:
    """(number, item, the postponement that took it away or None), in agenda order."""
    items = agenda_order(meeting.items)
    if meeting.agenda_sent_at is None:
        return [(n, item, None) for n, item in enumerate(items, start=1)]
    entries: list[tuple[int, Item, ItemMove | None]] = [(item.number or 0, item, None) for item in items]
    if mode == "minutes":
        moves = s.scalars(select(ItemMove).where(ItemMove.from_meeting_id == meeting.id,
                                                 ItemMove.action == "postpone", ItemMove.from_number.is_not(None)))
        entries += [(m.from_number or 0, s.get_one(Item, m.item_id), m) for m in moves]
    return sorted(entries, key=lambda e: (SECTION_ORDER[section_of(e[1].kind)], e[0], e[1].id))


def _postponed_text(s: Session, move: ItemMove) -> str:
    to = s.get(Meeting, move.to_meeting_id) if move.to_meeting_id else None
    where = f" og behandles på mødet den {format_date(to.starts_at)}" if to is not None else ""
    reason = f" ({move.note})" if move.note else ""
    return f"Punktet blev udsat{where}.{reason}"


def document_view(rt: Runtime, meeting_id: int, mode: Mode) -> dict[str, Any]:
    with rt.db.transaction() as s:
        return meeting_view(s, get_meeting(s, meeting_id), mode, secretariat=secretariat(rt, s)["name"])


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
