"""A closed hearing's result goes to whoever asked for it, once: one mechanism for both ways of
asking for a hearing.

- An **item** with the hearing attached (``hoering item attach-hearing``, or ``hearing:`` in the
  item file): the result goes on DAS's next open agenda as orientation (the 2014 minutes, item 6).
- A **follow-up** answered by opening a hearing from it (``hoering followup hearing``; seed 003,
  item 3: "sekretariatet skriver rundt til kommunerne, og beder om at man indmelder ..."): the
  stored result (``hearing_result``) is attached to the follow-up, which is then done, and the
  result goes to the body that decides: FU, when the decision gave FU the competence ("FU får
  kompetence til at udvælge ..."), as a case on FU's list for FU to decide under it; otherwise
  DAS, as orientation. What FU decides then goes to DAS's next meeting as orientation
  (``orientation.orient_das_on_fu_decisions``).

``run_cycle`` calls :func:`report_hearing_results` at every run; a result waiting for a DAS
meeting with an open agenda waits, and the run says so, until one is planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.danish import format_date
from hoering.db.lookup import get_hearing, get_item, get_or_not_found
from hoering.db.models import Followup, Hearing, HearingResultRow, Indstilling, Item
from hoering.domain import routing
from hoering.errors import RuleViolation
from hoering.runtime import Runtime
from hoering.services.hearings import open_hearing_file
from hoering.services.moves import apply_move, item_facts
from hoering.services.orientation import orient_das
from hoering.views.result import HearingResult, result_of

ACTOR = "hoering cycle"


@dataclass
class Delivered:
    """What a run did: the items made (on FU's list or DAS's agenda), and what still waits."""

    items: list[int] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # Danish, one line each


# --- asking: a follow-up answered by a hearing ---------------------------------------------------

def open_hearing_for_followup(rt: Runtime, followup_id: int, path: Path, *, actor: str = SECRETARIAT,
                              allow_closed_day: bool = False, again: bool = False) -> int:
    """Open a hearing from a file to answer an open follow-up, and link them; returns the
    hearing's id. When the hearing closes, its result goes to the body that decides."""
    with rt.db.read() as s:
        _answerable(s, followup_id)
    hearing_id = open_hearing_file(rt, path, actor=actor, allow_closed_day=allow_closed_day, again=again)
    with rt.db.transaction() as s:
        f = _answerable(s, followup_id, lock=True)
        f.hearing_id = hearing_id
        audit.record(s, at=rt.now(), actor=actor, action="followup.hearing_opened", entity="followup",
                     entity_id=f.id, hearing_id=hearing_id, item=f.item_id)
    return hearing_id


def _answerable(s: Session, followup_id: int, *, lock: bool = False) -> Followup:
    f = get_or_not_found(s, Followup, followup_id, lock=lock, what="opfølgning")
    if f.status != "open":
        raise RuleViolation(f"opfølgning {followup_id} er lukket; en høring kan kun åbnes fra en åben opfølgning")
    if f.hearing_id is not None:
        raise RuleViolation(f"opfølgning {followup_id} besvares allerede af høring {f.hearing_id}")
    return f


# --- answering: the result to whoever asked ------------------------------------------------------

@dataclass(frozen=True)
class Asker:
    """Who waits for a closed hearing's result: an item it is attached to, or a follow-up."""

    hearing_id: int
    item_id: int | None = None
    followup_id: int | None = None


def waiting_askers(s: Session) -> list[Asker]:
    """Items and follow-ups whose hearing has closed and whose result has not gone anywhere yet."""
    items = s.scalars(select(Item).join(Hearing, Item.hearing_id == Hearing.id).where(
        Hearing.status == "closed", Item.origin_item_id.is_(None)).order_by(Item.id))
    followups = s.scalars(select(Followup).join(Hearing, Followup.hearing_id == Hearing.id).where(
        Hearing.status == "closed", Followup.result_item_id.is_(None)).order_by(Followup.id))
    return ([Asker(i.hearing_id, item_id=i.id) for i in items if i.hearing_id and not _item_answered(s, i)]
            + [Asker(f.hearing_id, followup_id=f.id) for f in followups if f.hearing_id])


def report_hearing_results(rt: Runtime, *, actor: str = ACTOR) -> Delivered:
    """Every closed hearing's result to whoever asked for it (each once, in its own transaction)."""
    with rt.db.read() as s:
        askers = waiting_askers(s)
    done = Delivered()
    for asker in askers:
        with rt.db.transaction() as s:
            made, waits = _deliver(s, rt, asker, actor=actor)
        done.items += made
        done.waiting += waits
    return done


def _deliver(s: Session, rt: Runtime, asker: Asker, *, actor: str) -> tuple[list[int], list[str]]:
    hearing = get_hearing(s, asker.hearing_id)
    result = result_of(s, hearing)
    followup = None
    if asker.followup_id is not None:
        followup = get_or_not_found(s, Followup, asker.followup_id, lock=True, what="opfølgning")
        if followup.result_item_id is not None:
            return [], []
        origin = followup.item
    else:
        assert asker.item_id is not None
        origin = get_item(s, asker.item_id, lock=True)
        if _item_answered(s, origin):
            return [], []
    to = deciding_body(origin, followup)
    made = (_fu_case(s, rt, result, origin, followup, actor=actor) if to == "fu"
            else _das_orientation(s, rt, result, origin, followup, actor=actor))
    if made is None:
        return [], [f"resultatet af høring {hearing.id} «{hearing.title}» venter på et DAS-møde med åben "
                    "dagsorden (hoering meeting plan)"]
    if followup is not None:
        _attach(s, rt, followup, result, made, actor=actor)
    return [made.id], []


def deciding_body(origin: Item, followup: Followup | None) -> str:
    """``fu`` when the follow-up's decision gave FU the competence for the matter, else ``das``."""
    return "fu" if followup is not None and origin.delegated_to == "fu" else "das"


def _das_orientation(s: Session, rt: Runtime, result: HearingResult, origin: Item, followup: Followup | None,
                     *, actor: str) -> Item | None:
    asked = f" (opfølgning på {_decision_da(origin)}: «{followup.what}»)" if followup is not None else ""
    return orient_das(
        s, rt, title=f"Resultat af mailhøring: {result.title}",
        resume=f"Der blev foretaget mailhøring med frist den {format_date(result.deadline)}{asked}. {result.summary}",
        baggrund=origin.resume, origin=origin, hearing_id=result.hearing, source=f"hearing:{result.hearing}",
        note=f"resultat af høring {result.hearing}", actor=actor)


def _fu_case(s: Session, rt: Runtime, result: HearingResult, origin: Item, followup: Followup | None,
             *, actor: str) -> Item:
    """A case on FU's list (hos FU), to be decided by FU under the competence ``origin`` gave it."""
    assert followup is not None
    competence = next((f for f in origin.followups if f.delegated_to == "fu"), None)
    text = (f"FU træffer beslutning under den kompetence, {_decision_da(origin)} gav FU: {competence.what}"
            if competence is not None else "FU træffer beslutning på baggrund af høringens resultat")
    item = Item(
        title=f"Resultat af mailhøring: {result.title}", kind="beslutning", state=routing.REJST,
        raised_by="sekretariatet",
        resume=(f"Sekretariatet har ved mailhøring med frist den {format_date(result.deadline)} spurgt kommunerne "
                f"(opfølgning på {_decision_da(origin)}: «{followup.what}»). {result.summary}"),
        sagsbeskrivelse={"baggrund": origin.beslutning, "sagsfremstilling": _answers_da(result), "oekonomi": None},
        hearing_id=result.hearing, origin_item_id=origin.id, under_delegation_of=origin.id,
        source=f"followup:{followup.id}", created_at=rt.now())
    item.indstillinger.append(Indstilling(position=1, text=text))
    s.add(item)
    s.flush()
    audit.record(s, at=rt.now(), actor=actor, action="item.raised", entity="item", entity_id=item.id,
                 hearing_id=result.hearing, title=item.title, kind=item.kind, raised_by=item.raised_by,
                 followup=followup.id)
    apply_move(s, rt, item, routing.to_fu(item_facts(s, item)), actor=actor,
               note=f"resultat af høring {result.hearing} (opfølgning {followup.id})")
    return item


def _attach(s: Session, rt: Runtime, f: Followup, result: HearingResult, made: Item, *, actor: str) -> None:
    """The stored result on the follow-up, and the follow-up done: its hearing has answered it."""
    f.result_id = s.scalar(select(HearingResultRow.id).where(HearingResultRow.hearing_id == result.hearing,
                                                              HearingResultRow.version == result.version))
    f.result_item_id = made.id
    where = "FU's liste" if made.state == routing.HOS_FU else "DAS' dagsorden"
    f.status, f.closed_at = "closed", rt.now()
    f.closed_note = f"Besvaret ved mailhøring {result.hearing}: {result.summary} Resultatet er sat på {where} " \
                    f"(punkt {made.id})."
    audit.record(s, at=rt.now(), actor=actor, action="followup.answered", entity="followup", entity_id=f.id,
                 hearing_id=result.hearing, result_version=result.version, item=made.id)


def _item_answered(s: Session, item: Item) -> bool:
    return s.scalar(select(Item.id).where(Item.origin_item_id == item.id,
                                          Item.hearing_id == item.hearing_id)) is not None


def _decision_da(item: Item) -> str:
    body = (item.decided_by or "das").upper()
    when = item.meeting.starts_at if item.meeting is not None else item.decided_at
    return f"{body}'s beslutning den {format_date(when)}" if when else f"{body}'s beslutning"


def _answers_da(result: HearingResult) -> str:
    """Each hørt part's answer, one line each ("Aalborg Kommune: Ja")."""
    lines = []
    for ln in result.lines:
        answer = ln.counted_label or ("intet svar" if ln.status == "silent" else "svaret")
        if ln.answer is not None and ln.answer.comment:
            answer += f" – {ln.answer.comment}"
        lines.append(f"{ln.display_name}: {answer}")
    return "\n".join(lines)
