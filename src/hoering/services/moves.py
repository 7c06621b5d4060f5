"""An item's facts for the routing rules, and making a move: the step every item use case
(raise, route, decide, send to KKR, orient on a hearing result) ends with. Kept apart from
``items`` so that ``orientation`` can move items without importing the item use cases."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.lookup import get_item
from hoering.db.models import Item, ItemMove
from hoering.domain.routing import ItemFacts, Move
from hoering.runtime import Runtime
from hoering.services.meetings import facts


def item_facts(s: Session, item: Item) -> ItemFacts:
    delegated_to = None
    if item.under_delegation_of is not None:
        delegated_to = get_item(s, item.under_delegation_of).delegated_to
    return ItemFacts(id=item.id, kind=item.kind, state=item.state, meeting=facts(item.meeting),
                     decided_by=item.decided_by, outcome=item.outcome, kkr_item_id=item.kkr_item_id,
                     delegated_to=delegated_to)


def apply_move(s: Session, rt: Runtime, item: Item, move: Move, *, actor: str, note: str | None = None) -> None:
    """Make the move on the row, keep it in ``item_move`` and write it to the audit log."""
    from_meeting, from_number = item.meeting_id, None
    item.state = move.to_state
    if move.action == "postpone":  # the next agenda numbers it afresh; the minutes keep this number
        from_number, item.number = item.number, None
    if move.action in ("to_meeting", "to_supplement", "postpone"):
        item.meeting_id = move.meeting_id
        s.flush()
        s.expire(item, ["meeting"])
    s.add(ItemMove(item_id=item.id, at=rt.now(), actor=actor, action=move.action,
                   from_state=move.from_state, to_state=move.to_state, from_meeting_id=from_meeting,
                   to_meeting_id=move.meeting_id, note=note, from_number=from_number))
    audit.record(s, at=rt.now(), actor=actor, action=f"item.{move.action}", entity="item",
                 entity_id=item.id, hearing_id=item.hearing_id, from_state=move.from_state,
                 to_state=move.to_state, from_meeting=from_meeting, to_meeting=move.meeting_id,
                 outcome=move.outcome, note=note)
