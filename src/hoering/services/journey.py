"""The case's whole journey (sagens gang): from any item of a case, every step of the case in
time order, across the items it became.

A case is the items linked to each other: an orientation made from an item (``origin_item_id``:
the KKR orientation, a hearing's result on DAS's agenda, FU's decision reported to DAS) and an
item decided under competence an item delegated (``under_delegation_of``). Its steps: each item
raised, routed, decided (at which meeting), the follow-ups its decision created, the hearing
opened from a follow-up (or attached to an item), that hearing closed with its result, and the
follow-up answered. What ``hoering item show`` prints and the console's item page shows
(:func:`journey_of`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hoering.danish import format_date
from hoering.db.lookup import get_item
from hoering.db.models import Hearing, Item, ItemMove, Meeting
from hoering.db.results import latest_rows
from hoering.domain.meetings import OUTCOME_LABELS
from hoering.services.followups import describe


def journey_of(s: Session, item: Item) -> list[dict[str, Any]]:
    """The journey of the case ``item`` belongs to, oldest step first. Each step: ``at`` (ISO
    time), ``text`` (Danish), ``kind``, and the ``item``, ``meeting``, ``hearing`` and
    ``followup`` it concerns (ids or None)."""
    steps: list[tuple[datetime, int, dict[str, Any]]] = []

    def add(at: datetime | None, kind: str, text: str, *, item: Item, meeting: int | None = None,
            hearing: int | None = None, followup: int | None = None) -> None:
        if at is not None:
            steps.append((at, len(steps), {"at": at.isoformat(), "kind": kind, "text": text, "item": item.id,
                                           "meeting": meeting, "hearing": hearing, "followup": followup}))

    hearings_seen: set[int] = set()
    for it in case_items(s, item):
        add(it.created_at, "raised", f"Punkt {it.id} «{it.title}» rejst af {it.raised_by}", item=it)
        for m in s.scalars(select(ItemMove).where(ItemMove.item_id == it.id).order_by(ItemMove.id)):
            meeting = s.get(Meeting, m.to_meeting_id) if m.to_meeting_id else None
            add(m.at, m.action, _move_da(it, m, meeting), item=it, meeting=m.to_meeting_id)
        if it.hearing_id is not None and it.origin_item_id is None:  # a hearing attached to the item
            _hearing_steps(s, add, it, it.hearing_id, hearings_seen, followup=None)
        for f in it.followups:
            shown = describe(f)
            add(f.created_at, "followup", f"Opfølgning {f.id} fra beslutningen: «{f.what}» – {f.who}, frist "
                f"{shown['due_da']}" + (" (kompetence delegeret til FU)" if f.delegated_to else ""),
                item=it, followup=f.id)
            if f.hearing_id is not None:
                _hearing_steps(s, add, it, f.hearing_id, hearings_seen, followup=f.id)
            if f.status == "closed" and f.closed_at is not None:
                add(f.closed_at, "followup_closed", f"Opfølgning {f.id} lukket: {f.closed_note}", item=it,
                    followup=f.id, hearing=f.hearing_id)
    # at the same moment, a follow-up is closed after what closed it
    return [step for _, _, step in sorted(steps, key=lambda x: (x[0], x[2]["kind"] == "followup_closed", x[1]))]


def case_items(s: Session, item: Item) -> list[Item]:
    """Every item of the case ``item`` belongs to, by id."""
    root = item
    seen_up = {root.id}
    while (up := root.origin_item_id or root.under_delegation_of) is not None and up not in seen_up:
        root = get_item(s, up)
        seen_up.add(root.id)
    found: dict[int, Item] = {}
    todo = [root]
    while todo:
        it = todo.pop()
        if it.id in found:
            continue
        found[it.id] = it
        todo.extend(s.scalars(select(Item).where(or_(Item.origin_item_id == it.id,
                                                     Item.under_delegation_of == it.id))))
    return [found[k] for k in sorted(found)]


def _hearing_steps(s: Session, add: Any, it: Item, hearing_id: int, seen: set[int], *,
                   followup: int | None) -> None:
    if hearing_id in seen:
        return
    seen.add(hearing_id)
    hearing = s.get(Hearing, hearing_id)
    if hearing is None:
        return
    source = f" fra opfølgning {followup}" if followup is not None else f" til punkt {it.id}"
    add(hearing.opened_at, "hearing_opened", f"Høring {hearing.id} «{hearing.title}» åbnet{source}, frist "
        f"{format_date(hearing.deadline)}", item=it, hearing=hearing.id, followup=followup)
    if hearing.status == "closed" and hearing.closed_at is not None:
        row = latest_rows(s, [hearing.id]).get(hearing.id)
        summary = f": {row.payload.get('summary')}" if row is not None and row.payload.get("summary") else ""
        add(hearing.closed_at, "hearing_closed", f"Høring {hearing.id} lukket med resultat{summary}",
            item=it, hearing=hearing.id, followup=followup)


def _move_da(it: Item, m: ItemMove, meeting: Meeting | None) -> str:
    where = f"{meeting.body.name} {format_date(meeting.starts_at)}" if meeting is not None else ""
    texts = {
        "to_fu": "sat på FU's liste",
        "to_meeting": f"sat på dagsordenen til {where}",
        "send_back": f"sendt retur til {it.raised_by}" + (f": {m.note}" if m.note else ""),
        "fu_decides": f"FU besluttede under delegeret kompetence: {m.note}",
        "decide": f"besluttet på mødet i {where}: {_outcome(it, m)}",
        "postpone": f"udsat til mødet i {where}",
        "meeting_cancelled": "mødet blev aflyst; punktet er tilbage på FU's liste",
        "to_kkr": f"sendt videre til KKR ({where}) til orientering",
    }
    return f"Punkt {it.id}: {texts.get(m.action, m.action)}"


def _outcome(it: Item, m: ItemMove) -> str:
    """The outcome and the beslutning's first paragraph, shortened (the item shows it whole)."""
    label = OUTCOME_LABELS.get(it.outcome or "", "") if m.to_state == "besluttet" else ""
    first = (m.note or "").strip().split("\n")[0].strip()
    if len(first) > 160:
        first = first[:159].rsplit(" ", 1)[0] + " …"
    return f"{label} – {first}" if label and first else (label or first)

