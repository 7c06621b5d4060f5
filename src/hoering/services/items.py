"""Agenda items: raise one from a file, route it, decide it. Every move checks the rules in
``domain.routing``, is kept in ``item_move`` and written to the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.danish import format_datetime
from hoering.db.lookup import get_hearing, get_item, get_meeting
from hoering.db.models import Bilag, Body, Followup, Hearing, Indstilling, Item, ItemMove
from hoering.definitions import read_beside
from hoering.docstore import kept_name, store_document
from hoering.domain import routing
from hoering.domain.meetings import STANDARD_KINDS, FollowupDef, ItemDefinition, Sagsbeskrivelse
from hoering.errors import DefinitionError, FileRefused, NotFoundError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.followups import resolve_owner
from hoering.services.item_files import read_item_file
from hoering.services.item_returns import return_to_raiser
from hoering.services.journey import journey_of
from hoering.services.meetings import facts, next_meeting, record_correction
from hoering.services.moves import apply_move, item_facts
from hoering.services.orientation import send_to_kkr
from hoering.services.standard_items import replace_generated

__all__ = ["add_item", "decide_item", "postpone_item", "read_item_file", "route_item"]


def add_item(rt: Runtime, d: ItemDefinition, *, source: str = "item", base_dir: Path | None = None,
             actor: str = SECRETARIAT, again: bool = False) -> int:
    """Raise an item (state ``rejst``), its indstillinger and bilag (files with their SHA-256).
    A case with the title of one still undecided is refused unless ``again`` (a file added twice)."""
    now = rt.now()
    files = _read_bilag(d, base_dir, source)
    with rt.db.transaction() as s:
        if not again and d.kind not in STANDARD_KINDS:
            twin = s.scalar(select(Item).where(Item.title == d.title, Item.state != routing.BESLUTTET,
                                               Item.kind.not_in(STANDARD_KINDS)))
            if twin is not None:
                raise RuleViolation(f"punkt {twin.id} «{twin.title}» er allerede rejst ({twin.source or 'uden fil'}, "
                                    f"{routing.STATE_LABELS.get(twin.state, twin.state)}); brug --again for at "
                                    "rejse det igen")
        problems = []
        if d.hearing is not None and s.get(Hearing, d.hearing) is None:
            problems.append(f"hearing: no hearing {d.hearing}")
        if d.under_delegation_of is not None and s.get(Item, d.under_delegation_of) is None:
            problems.append(f"under_delegation_of: no item {d.under_delegation_of}")
        if problems:
            raise DefinitionError(source, problems)
        item = Item(title=d.title, kind=d.kind, state=routing.REJST, raised_by=d.raised_by,
                    resume=d.resume, sagsbeskrivelse=d.sagsbeskrivelse.model_dump(), for_kkr=d.for_kkr,
                    links=[link.model_dump() for link in d.links],
                    number=d.number, hearing_id=d.hearing, under_delegation_of=d.under_delegation_of,
                    source=source, created_at=now)
        for i, text in enumerate(d.indstillinger, start=1):
            item.indstillinger.append(Indstilling(position=i, text=text))
        for i, (b, content) in enumerate(zip(d.bilag, files, strict=True), start=1):
            row = Bilag(position=i, title=b.title)
            if content is not None and b.file:
                row.filename = Path(b.file).name
                try:
                    row.document = store_document(s, content, row.filename, now=now)
                    row.filename = kept_name(row.filename, row.document)
                except FileRefused as exc:
                    raise DefinitionError(source, [f"bilag.{i - 1}.file: {exc.message}"]) from None
            item.bilag.append(row)
        s.add(item)
        s.flush()
        audit.record(s, at=now, actor=actor, action="item.raised", entity="item", entity_id=item.id,
                     hearing_id=d.hearing, title=d.title, kind=d.kind, raised_by=d.raised_by)
        return item.id


def _read_bilag(d: ItemDefinition, base_dir: Path | None, source: str) -> list[bytes | None]:
    """The bytes of each bilag the item names, read only beside an item file given on the command
    line (``base_dir``, its folder; ``definitions.read_beside``): an item from anywhere else names
    bilag by title only."""
    out: list[bytes | None] = []
    problems = []
    for i, b in enumerate(d.bilag):
        if not b.file:
            out.append(None)
        elif base_dir is None:
            problems.append(f"bilag.{i}.file: a path is read only from an item file given on the command line")
        else:
            try:
                out.append(read_beside(base_dir, b.file))
            except ValueError as exc:
                problems.append(f"bilag.{i}.file: {exc}")
    if problems:
        raise DefinitionError(source, problems)
    return out


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
        if to == "back":  # the raiser is told by mail (services.item_returns)
            return_to_raiser(s, rt, item, note=reason or "", actor=actor)
            return None
        if to == "kkr":
            return send_to_kkr(s, rt, item, actor=actor)
        if s.scalar(select(Body.id).where(Body.key == to)) is None:
            raise NotFoundError(f"ukendt organ {to!r}; send punktet til fu, das, kkr, back eller et organs nøgle")
        meeting = get_meeting(s, meeting_id) if meeting_id else next_meeting(s, to, after=now)
        if meeting is not None and meeting.body.key != to:
            raise RuleViolation(f"meeting {meeting.id} is a {meeting.body.name} meeting, not {to}")
        move = routing.to_meeting(f, facts(meeting), now=now)
        if item.kind in STANDARD_KINDS and move.meeting_id is not None:
            replace_generated(s, rt, move.meeting_id, item.kind, actor=actor)
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
            who, person, owner_body = resolve_owner(s, fu.who, secretariat_email=rt.settings.secretariat_email)
            item.followups.append(Followup(
                what=fu.what, who=who, due_date=None if fu.due == "naeste_moede" else fu.due,
                due_next_meeting=fu.due == "naeste_moede", delegated_to=fu.delegated_to,
                status="open", created_at=now, owner_person=person, owner_body=owner_body))
            if fu.delegated_to:
                item.delegated_to = fu.delegated_to
        s.flush()
        for row in item.followups:
            audit.record(s, at=now, actor=actor, action="followup.created", entity="followup",
                         entity_id=row.id, item=item.id, what=row.what, who=row.who)
        if move.action == "fu_decides" and item.under_delegation_of is not None:
            _close_delegated(s, rt, get_item(s, item.under_delegation_of), item, actor=actor)
        return None


def _close_delegated(s: Session, rt: Runtime, origin: Item, decided: Item, *, actor: str) -> None:
    """FU has used the competence ``origin``'s decision gave it: that follow-up is done."""
    for f in origin.followups:
        if f.status == "open" and f.delegated_to == "fu":
            f.status, f.closed_at = "closed", rt.now()
            f.closed_note = f"FU besluttede i punkt {decided.id}: {decided.beslutning}"
            audit.record(s, at=rt.now(), actor=actor, action="followup.closed", entity="followup",
                         entity_id=f.id, note=f.closed_note, item=decided.id)


EDITABLE = (routing.REJST, routing.HOS_FU, routing.RETURNERET, routing.PAA_DAGSORDEN)


def edit_item(rt: Runtime, item_id: int, *, title: str | None = None, resume: str | None = None,
              indstillinger: list[str] | None = None, sagsbeskrivelse: dict[str, str] | None = None,
              actor: str = SECRETARIAT) -> None:
    """Change an item's text until its agenda is sent (after that: a tillægsdagsorden or a correction)."""
    with rt.db.transaction() as s:
        item = get_item(s, item_id, lock=True)
        if item.state not in EDITABLE or (item.meeting is not None and item.meeting.agenda_sent_at is not None):
            raise RuleViolation(f"punkt {item_id} kan ikke ændres: dagsordenen er sendt, eller punktet er besluttet")
        changes: dict[str, Any] = {}
        if title is not None and title.strip() and title.strip() != item.title:
            changes["title"], item.title = title.strip(), title.strip()
        if resume is not None and resume != (item.resume or ""):
            changes["resume"], item.resume = resume, resume or None
        if indstillinger is not None and indstillinger != [i.text for i in item.indstillinger]:
            item.indstillinger.clear()
            s.flush()
            item.indstillinger.extend(Indstilling(position=n, text=t) for n, t in enumerate(indstillinger, start=1))
            changes["indstillinger"] = indstillinger
        if sagsbeskrivelse is not None:
            wanted = Sagsbeskrivelse(**{k: v.strip() or None for k, v in sagsbeskrivelse.items()}).model_dump()
            if wanted != {k: item.sagsbeskrivelse.get(k) for k in wanted}:
                changes["sagsbeskrivelse"], item.sagsbeskrivelse = wanted, wanted
        if not changes:
            raise RuleViolation(f"punkt {item_id}: intet at ændre")
        audit.record(s, at=rt.now(), actor=actor, action="item.edited", entity="item", entity_id=item.id, **changes)


def list_items(rt: Runtime, *, state: str | None = None) -> list[dict[str, object]]:
    """Items, newest first, with where each is: state, meeting, number."""
    if state is not None and state not in routing.STATE_LABELS:
        raise RuleViolation(f"--state: {state!r} er ikke en af {', '.join(routing.STATE_LABELS)}")
    with rt.db.read() as s:
        query = select(Item).order_by(Item.id.desc())
        if state is not None:
            query = query.where(Item.state == state)
        return [{"id": i.id, "title": i.title, "kind": i.kind, "state": i.state,
                 "state_da": routing.STATE_LABELS[i.state], "raised_by": i.raised_by, "meeting": i.meeting_id,
                 "number": i.number, "outcome": i.outcome} for i in s.scalars(query)]


def show_item(rt: Runtime, item_id: int) -> dict[str, object]:
    """One item whole: texts, bilag, decision, follow-ups (with the hearing that answers one), its
    moves, and the whole case's journey (sagens gang, ``journey.journey_of``)."""
    with rt.db.read() as s:
        i = get_item(s, item_id)
        moves = s.scalars(select(ItemMove).where(ItemMove.item_id == item_id).order_by(ItemMove.id))
        return {"id": i.id, "title": i.title, "kind": i.kind, "state": i.state,
                "state_da": routing.STATE_LABELS[i.state], "raised_by": i.raised_by, "resume": i.resume,
                "indstillinger": [x.text for x in i.indstillinger], "sagsbeskrivelse": i.sagsbeskrivelse,
                "bilag": [{"title": b.title, "filename": b.filename, "sha256": b.sha256} for b in i.bilag],
                "links": list(i.links or []),
                "meeting": i.meeting_id, "number": i.number, "outcome": i.outcome, "beslutning": i.beslutning,
                "hearing": i.hearing_id,
                "followups": [{"id": f.id, "what": f.what, "who": f.who, "status": f.status, "hearing": f.hearing_id,
                               "result_item": f.result_item_id} for f in i.followups],
                "moves": [{"at": m.at.isoformat(), "at_da": format_datetime(m.at), "action": m.action,
                           "from": m.from_state, "to": m.to_state, "meeting": m.to_meeting_id, "actor": m.actor,
                           "note": m.note} for m in moves],
                "journey": journey_of(s, i)}


def correct_decision(rt: Runtime, item_id: int, *, text: str, reason: str | None = None,
                     actor: str = SECRETARIAT) -> None:
    """Change a decided item's beslutning text. After the chair approved the minutes it is a
    correction: it needs a reason, and the minutes show it as such."""
    if not text.strip():
        raise RuleViolation(f"item {item_id}: a beslutning needs its text")
    with rt.db.transaction() as s:
        item = get_item(s, item_id, lock=True)
        if item.state != routing.BESLUTTET:
            raise RuleViolation(f"item {item_id} is not decided; record the beslutning with 'item decide'")
        meeting = item.meeting
        if meeting is not None and meeting.minutes_approved_at is not None:
            record_correction(s, rt, meeting, what=f"Beslutningen i «{item.title}» er ændret til: {text.strip()}",
                              reason=reason, actor=actor)
        audit.record(s, at=rt.now(), actor=actor, action="item.decision_corrected", entity="item",
                     entity_id=item.id, before=item.beslutning, after=text.strip(), reason=reason)
        item.beslutning = text.strip()


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
        get_hearing(s, hearing_id)
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
