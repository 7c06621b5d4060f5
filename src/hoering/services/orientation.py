"""Orientation items made by the cycle: a DAS decision sent on to KKR, and the result of a mail
hearing put on the next DAS agenda (as in the 2014 minutes, item 6)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.audit import SECRETARIAT
from hoering.danish import format_date
from hoering.db.lookup import get_hearing
from hoering.db.models import Hearing, Indstilling, Item
from hoering.domain import routing
from hoering.domain.routing import Move
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.meetings import facts, next_meeting
from hoering.services.moves import apply_move, item_facts
from hoering.views.result import result_of


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


def orient_hearing_results(rt: Runtime, *, actor: str = "hoering cycle") -> list[int]:
    """For each item whose attached hearing has closed: an orientation item with the result on
    the next open DAS agenda (once). Returns the new items' ids."""
    now = rt.now()
    with rt.db.transaction() as s:
        pending = [(i.id, i.hearing_id) for i in s.scalars(
            select(Item).join(Hearing, Item.hearing_id == Hearing.id)
            .where(Hearing.status == "closed", Item.origin_item_id.is_(None)).order_by(Item.id))
            if not _oriented(s, i)]
    created = []
    for item_id, hearing_id in pending:
        assert hearing_id is not None
        with rt.db.transaction() as s:
            hearing = get_hearing(s, hearing_id)
            result = result_of(s, hearing)
            source = s.get(Item, item_id)
            assert source is not None
            if _oriented(s, source):
                continue
            das = next_meeting(s, "das", after=now)
            if das is None:
                raise RuleViolation(f"hearing {hearing_id} has closed, but DAS has no coming meeting "
                                    "with an open agenda to report it on (hoering meeting plan)")
            orientation = Item(
                title=f"Resultat af mailhøring: {result.title}", kind="orientering",
                state=routing.PAA_DAGSORDEN, raised_by="sekretariatet",
                resume=(f"Der blev foretaget mailhøring med frist den {format_date(result.deadline)}. "
                        f"{result.summary}"),
                sagsbeskrivelse={"baggrund": source.resume, "sagsfremstilling": None, "oekonomi": None},
                meeting_id=das.id, hearing_id=hearing_id, origin_item_id=source.id,
                source=f"hearing:{hearing_id}", created_at=now)
            orientation.indstillinger.append(Indstilling(
                position=1, text="Den Administrative Styregruppe tager orienteringen til efterretning"))
            s.add(orientation)
            s.flush()
            apply_move(s, rt, orientation, Move("to_meeting", routing.REJST, routing.PAA_DAGSORDEN,
                                                meeting_id=das.id), actor=actor,
                       note=f"resultat af høring {hearing_id}")
            created.append(orientation.id)
    return created


def _oriented(s: Session, item: Item) -> bool:
    return s.scalar(select(Item.id).where(Item.origin_item_id == item.id,
                                          Item.hearing_id == item.hearing_id)) is not None

