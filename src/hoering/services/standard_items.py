"""The standard items every meeting has: godkendelse af dagsorden, godkendelse af referat (naming
the previous meeting's date), eventuelt and næste møde (naming the next meeting).

A planned meeting gets them on its agenda at once (which kinds: the plan's ``standard_items``,
by default all four). Their texts depend on the neighbouring meetings, so they are written again
whenever a meeting of the body is planned, moved or cancelled, as long as the agenda is not sent.
An item file of a standard kind routed to the meeting (the secretariat's own wording, as in the
replayed DAS meeting of 2021) takes the generated item's place.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.danish import format_clock, format_date, format_weekday_date
from hoering.db.models import Indstilling, Item, ItemMove, Meeting
from hoering.domain import routing
from hoering.domain.meetings import KIND_LABELS
from hoering.runtime import Runtime
from hoering.services.meetings import facts
from hoering.services.moves import apply_move, item_facts

SOURCE = "standard"  # Item.source of a generated standard item


def add_standard_items(s: Session, rt: Runtime, meeting: Meeting, kinds: list[str], *, actor: str) -> None:
    """Put the generated standard items on a coming meeting's agenda (texts by ``refresh``)."""
    if meeting.starts_at <= rt.now():
        return  # a past meeting (a replayed year): its agenda is history
    for kind in kinds:
        item = Item(title=KIND_LABELS[kind], kind=kind, state=routing.REJST, raised_by="sekretariatet",
                    sagsbeskrivelse={}, source=SOURCE, created_at=rt.now())
        s.add(item)
        s.flush()
        apply_move(s, rt, item, routing.to_meeting(item_facts(s, item), facts(meeting), now=rt.now()), actor=actor)


def refresh(s: Session, body_id: int) -> None:
    """Write the generated items' texts from the body's meetings as they are now."""
    meetings = list(s.scalars(select(Meeting).where(Meeting.body_id == body_id, Meeting.cancelled_at.is_(None))
                              .order_by(Meeting.starts_at)))
    for i, meeting in enumerate(meetings):
        if meeting.agenda_sent_at is not None:
            continue
        before = meetings[i - 1] if i > 0 else None
        after = meetings[i + 1] if i + 1 < len(meetings) else None
        for item in meeting.items:
            if item.source == SOURCE:
                _write(item, meeting, before, after)


def replace_generated(s: Session, rt: Runtime, meeting_id: int, kind: str, *, actor: str) -> None:
    """An item of a standard kind comes onto the meeting: the generated one of that kind goes."""
    for item in s.scalars(select(Item).where(Item.meeting_id == meeting_id, Item.kind == kind,
                                             Item.source == SOURCE, Item.state == routing.PAA_DAGSORDEN)):
        audit.record(s, at=rt.now(), actor=actor, action="item.standard_replaced", entity="item",
                     entity_id=item.id, meeting=meeting_id, kind=kind)
        s.execute(delete(ItemMove).where(ItemMove.item_id == item.id))
        s.delete(item)
    s.flush()


def _write(item: Item, meeting: Meeting, before: Meeting | None, after: Meeting | None) -> None:
    body = meeting.body.name
    texts: list[str] = []
    if item.kind == "dagsorden":
        texts = [f"{body} godkender dagsordenen"]
    elif item.kind == "referat":
        if before is not None:
            item.title = f"Godkendelse af referat fra mødet den {format_date(before.starts_at)}"
            texts = [f"{body} godkender referatet fra mødet den {format_date(before.starts_at)}"]
        else:
            item.title, texts = "Godkendelse af referat fra seneste møde", [f"{body} godkender referatet"]
    elif item.kind == "naeste_moede":
        item.resume = (_next(after) if after is not None else "Næste møde er endnu ikke planlagt.")
    if [i.text for i in item.indstillinger] != texts:
        item.indstillinger.clear()
        item.indstillinger.extend(Indstilling(position=n, text=t) for n, t in enumerate(texts, start=1))


def _next(m: Meeting) -> str:
    when: datetime = m.starts_at
    return (f"Næste møde afholdes {format_weekday_date(when)} kl. {format_clock(when)}-"
            f"{format_clock(m.ends_at)}, {m.place}.")

