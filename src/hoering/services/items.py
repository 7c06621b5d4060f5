"""Agenda items: raise one from a file, route it, decide it. Every move checks the rules in
``domain.routing``, is kept in ``item_move`` and written to the audit log."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.models import Bilag, Body, Followup, Hearing, Indstilling, Item, ItemMove
from hoering.domain import routing
from hoering.domain.meetings import FollowupDef, ItemDefinition
from hoering.domain.routing import ItemFacts, Move
from hoering.errors import DefinitionError, NotFoundError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.item_files import read_item_file
from hoering.services.meetings import SECRETARIAT, facts, get_meeting, next_meeting

__all__ = ["add_item", "decide_item", "postpone_item", "read_item_file", "route_item"]

def add_item(rt: Runtime, d: ItemDefinition, *, source: str = "item", base_dir: Path | None = None,
             actor: str = SECRETARIAT) -> int:
    """Raise an item (state ``rejst``), its indstillinger and bilag (files with their SHA-256)."""
    now = rt.now()
    files = _read_bilag(d, base_dir, source)
    with rt.db.transaction() as s:
        problems = []
        if d.hearing is not None and s.get(Hearing, d.hearing) is None:
            problems.append(f"hearing: no hearing {d.hearing}")
        if d.under_delegation_of is not None and s.get(Item, d.under_delegation_of) is None:
            problems.append(f"under_delegation_of: no item {d.under_delegation_of}")
        if problems:
            raise DefinitionError(source, problems)
        item = Item(title=d.title, kind=d.kind, state=routing.REJST, raised_by=d.raised_by,
                    resume=d.resume, sagsbeskrivelse=d.sagsbeskrivelse.model_dump(), for_kkr=d.for_kkr,
                    number=d.number, hearing_id=d.hearing, under_delegation_of=d.under_delegation_of,
                    source=source, created_at=now)
        for i, text in enumerate(d.indstillinger, start=1):
            item.indstillinger.append(Indstilling(position=i, text=text))
        for i, (b, content) in enumerate(zip(d.bilag, files, strict=True), start=1):
            row = Bilag(position=i, title=b.title)
            if content is not None and b.file:
                row.filename = Path(b.file).name
                row.mime_type = mimetypes.guess_type(b.file)[0] or "application/octet-stream"
                row.size, row.sha256, row.content = len(content), hashlib.sha256(content).hexdigest(), content
            item.bilag.append(row)
        s.add(item)
        s.flush()
        audit.record(s, at=now, actor=actor, action="item.raised", entity="item", entity_id=item.id,
                     hearing_id=d.hearing, title=d.title, kind=d.kind, raised_by=d.raised_by)
        return item.id


def _read_bilag(d: ItemDefinition, base_dir: Path | None, source: str) -> list[bytes | None]:
    out: list[bytes | None] = []
    problems = []
    for i, b in enumerate(d.bilag):
        if not b.file:
            out.append(None)
            continue
        path = (base_dir or Path.cwd()) / b.file
        try:
            out.append(path.read_bytes())
        except OSError:
            problems.append(f"bilag.{i}.file: {path} cannot be read")
    if problems:
        raise DefinitionError(source, problems)
    return out


def get_item(s: Session, item_id: int, *, lock: bool = False) -> Item:
    query = select(Item).where(Item.id == item_id)
    if lock:
        query = query.with_for_update()
    item = s.scalar(query)
    if item is None:
        raise NotFoundError(f"no item {item_id}")
    return item


def item_facts(s: Session, item: Item) -> ItemFacts:
    delegated_to = None
    if item.under_delegation_of is not None:
        delegated_to = get_item(s, item.under_delegation_of).delegated_to
    return ItemFacts(id=item.id, kind=item.kind, state=item.state, meeting=facts(item.meeting),
                     decided_by=item.decided_by, outcome=item.outcome, kkr_item_id=item.kkr_item_id,
                     delegated_to=delegated_to)


def apply_move(s: Session, rt: Runtime, item: Item, move: Move, *, actor: str, note: str | None = None) -> None:
    """Make the move on the row, keep it in ``item_move`` and write it to the audit log."""
    from_meeting = item.meeting_id
    item.state = move.to_state
    if move.action in ("to_meeting", "postpone"):
        item.meeting_id = move.meeting_id
        s.flush()
        s.expire(item, ["meeting"])
    s.add(ItemMove(item_id=item.id, at=rt.now(), actor=actor, action=move.action,
                   from_state=move.from_state, to_state=move.to_state, from_meeting_id=from_meeting,
                   to_meeting_id=move.meeting_id, note=note))
    audit.record(s, at=rt.now(), actor=actor, action=f"item.{move.action}", entity="item",
                 entity_id=item.id, hearing_id=item.hearing_id, from_state=move.from_state,
                 to_state=move.to_state, from_meeting=from_meeting, to_meeting=move.meeting_id,
                 outcome=move.outcome, note=note)


def route_item(rt: Runtime, item_id: int, *, to: str, meeting_id: int | None = None,
               reason: str | None = None, actor: str = SECRETARIAT) -> int | None:
    """Route an item: ``fu`` (FU prepares it), ``das`` or another body's key (onto that body's
    next open agenda, or ``meeting_id``), ``back`` (FU sends it back), ``kkr`` (a DAS decision
    goes on KKR's next agenda as orientation). Returns the meeting id it lands on, if any."""
    now = rt.now()
    with rt.db.transaction() as s:
        item = get_item(s, item_id, lock=True)
        f = item_facts(s, item)
        if to == "fu":
            apply_move(s, rt, item, routing.to_fu(f), actor=actor)
            return None
        if to == "back":
            apply_move(s, rt, item, routing.send_back(f, reason=reason or ""), actor=actor, note=reason)
            item.returned_reason = reason
            return None
        if to == "kkr":
            from hoering.services.orientation import send_to_kkr

            return send_to_kkr(s, rt, item, actor=actor)
        if s.scalar(select(Body.id).where(Body.key == to)) is None:
            raise NotFoundError(f"no body {to!r}; route to fu, das, kkr, back or a body's key")
        meeting = get_meeting(s, meeting_id) if meeting_id else next_meeting(s, to, after=now)
        if meeting is not None and meeting.body.key != to:
            raise RuleViolation(f"meeting {meeting.id} is a {meeting.body.name} meeting, not {to}")
        move = routing.to_meeting(f, facts(meeting), now=now)
        apply_move(s, rt, item, move, actor=actor, note=reason)
        return move.meeting_id


def decide_item(rt: Runtime, item_id: int, *, outcome: str, text: str,
                followups: list[FollowupDef] | tuple[FollowupDef, ...] = (),
                actor: str = SECRETARIAT) -> int | None:
    """Record the beslutning. An item with FU is decided by FU (only under delegated competence);
    ``udsat`` moves the item to the next meeting (returns its id). Follow-ups are created, and
    one with ``delegated_to`` gives that body competence for the matter."""
    now = rt.now()
    if not text.strip():
        raise RuleViolation(f"item {item_id}: a beslutning needs its text")
    with rt.db.transaction() as s:
        item = get_item(s, item_id, lock=True)
        f = item_facts(s, item)
        if item.state == routing.HOS_FU:
            das = s.scalar(select(Body).where(Body.key == "das"))
            move = routing.fu_decides(f, outcome=outcome, das_delegates_to=das.delegates_to if das else None)
        else:
            nxt = None
            if item.meeting is not None:
                nxt = next_meeting(s, item.meeting.body.key, after=item.meeting.starts_at)
            move = routing.decide(f, outcome=outcome, now=now, next_meeting=facts(nxt))
        apply_move(s, rt, item, move, actor=actor, note=text)
        if move.to_state != routing.BESLUTTET:
            return move.meeting_id
        item.outcome, item.beslutning, item.decided_by, item.decided_at = outcome, text.strip(), move.decided_by, now
        for fu in followups:
            item.followups.append(Followup(
                what=fu.what, who=fu.who, due_date=None if fu.due == "naeste_moede" else fu.due,
                due_next_meeting=fu.due == "naeste_moede", delegated_to=fu.delegated_to,
                status="open", created_at=now))
            if fu.delegated_to:
                item.delegated_to = fu.delegated_to
        s.flush()
        for row in item.followups:
            audit.record(s, at=now, actor=actor, action="followup.created", entity="followup",
                         entity_id=row.id, item=item.id, what=row.what, who=row.who)
        return None


def postpone_item(rt: Runtime, item_id: int, *, reason: str | None = None, actor: str = SECRETARIAT) -> int:
    """Move an item on an agenda to the same body's next meeting; returns that meeting's id."""
    now = rt.now()
    with rt.db.transaction() as s:
        item = get_item(s, item_id, lock=True)
        f = item_facts(s, item)
        nxt = None
        if item.meeting is not None:
            nxt = next_meeting(s, item.meeting.body.key, after=item.meeting.starts_at)
        move = routing.postpone(f, next_meeting=facts(nxt), now=now)
        apply_move(s, rt, item, move, actor=actor, note=reason)
        assert move.meeting_id is not None
        return move.meeting_id


def attach_hearing(rt: Runtime, item_id: int, hearing_id: int, *, actor: str = SECRETARIAT) -> None:
    with rt.db.transaction() as s:
        item = get_item(s, item_id, lock=True)
        if s.get(Hearing, hearing_id) is None:
            raise NotFoundError(f"no hearing {hearing_id}")
        if item.hearing_id not in (None, hearing_id):
            raise RuleViolation(f"item {item_id} has hearing {item.hearing_id} attached already")
        item.hearing_id = hearing_id
        audit.record(s, at=rt.now(), actor=actor, action="item.hearing_attached", entity="item",
                     entity_id=item.id, hearing_id=hearing_id)


def item_moves(rt: Runtime, item_id: int) -> list[dict[str, object]]:
    with rt.db.transaction() as s:
        get_item(s, item_id)
        moves = s.scalars(select(ItemMove).where(ItemMove.item_id == item_id).order_by(ItemMove.id))
        return [{"at": m.at.isoformat(), "action": m.action, "from": m.from_state, "to": m.to_state,
                 "meeting": m.to_meeting_id, "actor": m.actor, "note": m.note} for m in moves]
