"""Orientation items: a DAS decision sent on to KKR, an orientation on DAS's next agenda (the
result of a mail hearing, see ``hearing_results``; as in the 2014 minutes, item 6), and FU's
decisions under delegated competence reported to DAS's next meeting."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.audit import SECRETARIAT
from hoering.danish import format_date
from hoering.db.models import Indstilling, Item
from hoering.domain import routing
from hoering.domain.routing import Move
from hoering.runtime import Runtime
from hoering.services.meetings import facts, next_meeting
from hoering.services.moves import apply_move, item_facts


def send_to_kkr(s: Session, rt: Runtime, item: Item, *, actor: str = SECRETARIAT) -> int:
    """Put a DAS decision on KKR's next agenda as an orientation item; returns the meeting id."""
    now = rt.now()
    kkr = next_meeting(s, "kkr", after=now)
    move = routing.to_kkr(item_facts(s, item), facts(kkr), now=now)
    assert kkr is not None
    decided = item.meeting.starts_at if item.meeting else item.decided_at
    resume = (f"{item.meeting.body.long_name if item.meeting else 'DAS'} behandlede sagen på mødet "
              f"den {format_date(decided)}" if decided else "DAS har behandlet sagen")
    orientation = Item(
        title=item.title, kind="orientering", state=routing.PAA_DAGSORDEN,
        raised_by=item.meeting.body.name if item.meeting else "DAS",
        resume=f"{resume} og besluttede: {item.beslutning}", sagsbeskrivelse=dict(item.sagsbeskrivelse),
        meeting_id=kkr.id, origin_item_id=item.id, source=f"item:{item.id}", created_at=now)
    orientation.indstillinger.append(Indstilling(
        position=1, text="KKR Nordjylland tager orienteringen til efterretning"))
    s.add(orientation)
    s.flush()
    item.kkr_item_id = orientation.id
    apply_move(s, rt, item, move, actor=actor, note=f"KKR-punkt {orientation.id}")
    apply_move(s, rt, orientation, Move("to_meeting", routing.REJST, routing.PAA_DAGSORDEN,
                                        meeting_id=kkr.id), actor=actor, note=f"fra punkt {item.id}")
    return kkr.id


def items_for_kkr(s: Session, meeting_id: int) -> list[Item]:
    """The meeting's decided items marked for KKR and not sent on yet."""
    return list(s.scalars(select(Item).where(
        Item.meeting_id == meeting_id, Item.for_kkr.is_(True), Item.state == routing.BESLUTTET,
        Item.kkr_item_id.is_(None)).order_by(Item.number, Item.id)))


def orient_das(s: Session, rt: Runtime, *, title: str, resume: str, baggrund: str | None, origin: Item,
               hearing_id: int | None, source: str, note: str, actor: str) -> Item | None:
    """An orientation item on DAS's next open agenda ("Den Administrative Styregruppe tager
    orienteringen til efterretning"); None when DAS has no coming meeting with an open agenda
    (the caller tries again at the cycle's next run)."""
    now = rt.now()
    das = next_meeting(s, "das", after=now)
    if das is None:
        return None
    orientation = Item(
        title=title, kind="orientering", state=routing.PAA_DAGSORDEN, raised_by="sekretariatet", resume=resume,
        sagsbeskrivelse={"baggrund": baggrund, "sagsfremstilling": None, "oekonomi": None},
        meeting_id=das.id, hearing_id=hearing_id, origin_item_id=origin.id, source=source, created_at=now)
    orientation.indstillinger.append(Indstilling(
        position=1, text="Den Administrative Styregruppe tager orienteringen til efterretning"))
    s.add(orientation)
    s.flush()
    apply_move(s, rt, orientation, Move("to_meeting", routing.REJST, routing.PAA_DAGSORDEN, meeting_id=das.id),
               actor=actor, note=note)
    return orientation


def orient_das_on_fu_decisions(rt: Runtime, *, actor: str = "hoering cycle") -> tuple[list[int], list[str]]:
    """Each item FU has decided under delegated competence goes, once, as orientation to DAS's
    next meeting ("FU orienterer om beslutninger taget siden sidste DAS møde"). Returns the new
    items' ids and, for those still waiting for a DAS meeting, why (in Danish)."""
    with rt.db.read() as s:
        pending = [i.id for i in s.scalars(select(Item).where(
            Item.state == routing.BESLUTTET, Item.decided_by == "fu").order_by(Item.id)) if not _oriented_on(s, i)]
    created: list[int] = []
    waiting: list[str] = []
    for item_id in pending:
        with rt.db.transaction() as s:
            item = s.get(Item, item_id)
            assert item is not None and item.decided_at is not None
            if _oriented_on(s, item):
                continue
            delegated_by = s.get(Item, item.under_delegation_of) if item.under_delegation_of else None
            competence = ""
            if delegated_by is not None and delegated_by.decided_at is not None:
                competence = (f" under den kompetence, {(delegated_by.decided_by or 'das').upper()} gav FU den "
                              f"{format_date(delegated_by.decided_at)}")
            orientation = orient_das(
                s, rt, title=f"FU's beslutning: {item.title}",
                resume=f"FU besluttede den {format_date(item.decided_at)}{competence}: {item.beslutning}",
                baggrund=item.resume, origin=item, hearing_id=item.hearing_id, source=_fu_source(item),
                note=f"FU's beslutning i punkt {item.id}", actor=actor)
            if orientation is None:
                waiting.append(f"FU's beslutning i punkt {item.id} «{item.title}» venter på et DAS-møde med "
                               "åben dagsorden (hoering meeting plan)")
            else:
                created.append(orientation.id)
    return created, waiting


def _fu_source(item: Item) -> str:
    return f"fu-decision:{item.id}"


def _oriented_on(s: Session, item: Item) -> bool:
    return s.scalar(select(Item.id).where(Item.source == _fu_source(item))) is not None
