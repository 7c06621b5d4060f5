"""The tillægsdagsorden (supplementary agenda): once an agenda is sent it is locked, and a case
FU has prepared can only join it this way. The item gets the next number after the agenda's
last, and everyone the agenda went to gets the updated agenda (PDF) in a short mail naming the
new item, keyed by the item so it goes once.
"""

from __future__ import annotations

from sqlalchemy import func, select

from hoering.audit import SECRETARIAT
from hoering.db.lookup import get_item, get_meeting
from hoering.db.models import Item
from hoering.domain import routing
from hoering.runtime import Runtime
from hoering.services.documents import meeting_view, render_document
from hoering.services.meetings import facts
from hoering.services.moves import apply_move, item_facts
from hoering.services.outgoing import meetings as mails
from hoering.services.outgoing.common import secretariat


def add_to_supplement(rt: Runtime, item_id: int, meeting_id: int, *, actor: str = SECRETARIAT) -> int:
    """Put the item on the sent agenda of ``meeting_id``; returns the number of mails queued."""
    with rt.db.transaction() as s:
        meeting = get_meeting(s, meeting_id, lock=True)
        item = get_item(s, item_id, lock=True)
        move = routing.to_supplement(item_facts(s, item), facts(meeting), now=rt.now())
        number = (s.scalar(select(func.max(Item.number)).where(Item.meeting_id == meeting.id)) or 0) + 1
        apply_move(s, rt, item, move, actor=actor, note="tillægsdagsorden")
        item.number = number
        s.flush()
        s.refresh(meeting, ["items"])
        view = meeting_view(s, meeting, "agenda", secretariat=secretariat(rt, s)["name"])
        people = mails.invitees(s, meeting) or mails.members(meeting.body)
        name = f"Tillægsdagsorden {meeting.body.name} {view['date_da']}.pdf"
        attachments = [mails.document(name, render_document(view, "pdf"), "pdf")]
        ours = [entry for section in view["sections"] for entry in section["items"] if entry["id"] == item.id]
        attachments += mails.bilag_attachments([item], {"sections": [{"items": ours}]})[0]
        return mails.queue_to(rt, s, meeting, f"supplement:{item.id}", people,
                              {"item": {"number": number, "title": item.title}},
                              attachments=attachments, template="supplement", kind="supplement")

