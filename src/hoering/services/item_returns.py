"""FU sends an item back to whoever raised it, with a note, and the raiser is told by mail.

The raiser is found in the registry the way a follow-up's owner is (``followups.resolve_owner``):
a person gets the mail, a body's members get it; a raiser the registry does not know (free text
in an old item file) is not guessed at: the secretariat gets the mail instead, saying so. The
move and its mails are one transaction (the outbox), keyed by the move, so nothing goes twice.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering.audit import SECRETARIAT
from hoering.db.lookup import get_item
from hoering.db.models import Item, ItemMove, Person
from hoering.domain import routing
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.followups import resolve_owner
from hoering.services.moves import apply_move, item_facts
from hoering.services.outgoing.common import queue_to_person, secretariat


def send_back(rt: Runtime, item_id: int, *, note: str, actor: str = SECRETARIAT) -> int:
    """Send the item back with ``note``; returns the number of mails queued to the raiser."""
    with rt.db.transaction() as s:
        return return_to_raiser(s, rt, get_item(s, item_id, lock=True), note=note, actor=actor)


def return_to_raiser(s: Session, rt: Runtime, item: Item, *, note: str, actor: str) -> int:
    apply_move(s, rt, item, routing.send_back(item_facts(s, item), reason=note), actor=actor, note=note.strip())
    item.returned_reason = note.strip()
    s.flush()
    move_id = s.scalar(select(func.max(ItemMove.id)).where(ItemMove.item_id == item.id))
    people, known = raisers(s, rt, item)
    ctx = {"item": {"id": item.id, "title": item.title, "raised_by": item.raised_by}, "note": note.strip(),
           "raiser_known": known, "secretariat": secretariat(rt, s)}
    return sum(queue_to_person(rt, s, template="item_returned", context=ctx, person=p,
                               key=f"item:{item.id}:returned:{move_id}:person:{p.id}", kommune_id=p.kommune_id)
               for p in people)


def raisers(s: Session, rt: Runtime, item: Item) -> tuple[list[Person], bool]:
    """(who is told, whether that is the raiser): the raiser's person or body members, or else
    the secretariat (``False``)."""
    try:
        _, person, body = resolve_owner(s, item.raised_by, secretariat_email=rt.settings.secretariat_email)
    except RuleViolation:
        person = body = None
    if person is not None:
        return [person], True
    if body is not None:
        people = sorted((m.person for m in body.members if m.person.active), key=lambda p: p.id)
        if people:
            return people, True
    sec = s.scalar(select(Person).where(func.lower(Person.email) == rt.settings.secretariat_email.lower()))
    return ([sec] if sec is not None else []), False
