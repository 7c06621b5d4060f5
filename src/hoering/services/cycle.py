"""The meeting cycle, decided by the clock: what step of which meeting is due, and doing it.

Steps, relative to the meeting (per body, see ``domain.meetings.CycleConfig``): call for items
(T−21) to the members; FU's preparation agenda (T−14) to FU; the agenda with bilag and the ICS
invitation (T−7) to the members; the draft minutes to the chair once every item is decided
(T+1); the approved minutes to all; the DAS decisions marked for KKR sent on to KKR's
secretariat (its contact in the registry). A body whose meetings are its own (KKR, unless the
registry sets ``meeting_mails: true``) has no steps: hoering only puts orientations on its agenda.

Each step runs in one transaction that records it in ``meeting_step`` (unique per meeting and
step) and queues its mails in the outbox: running the cycle twice at the same clock does
nothing the second time.

Honest about lateness: a step done more than ``LATE_AFTER`` after its time (the hourly schedule
missed it: a server down, a paused deployment) is still done, and the secretariat is told which
and how late, by mail and in the run's report. An agenda with no case items is never sent: the
secretariat is told once instead, and the agenda goes as soon as an item is added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.lookup import get_meeting
from hoering.db.models import CycleStep, Meeting
from hoering.domain import routing
from hoering.domain.meetings import STANDARD_KINDS, STEPS, agenda_order, step_time
from hoering.runtime import Runtime
from hoering.services.agenda_checks import agenda_warnings
from hoering.services.followup_reminders import remind_followups
from hoering.services.hearing_results import report_hearing_results
from hoering.services.orientation import items_for_kkr, orient_das_on_fu_decisions, send_to_kkr
from hoering.services.outgoing import meetings as mails

ACTOR = "hoering cycle"
HORIZON = timedelta(days=120)  # meetings older than this are left alone
LATE_AFTER = timedelta(hours=2)  # the cycle runs hourly: later than this, a run was missed
WARN_AHEAD = timedelta(days=7)  # an agenda's bilag warnings are reported this long before it goes
TIMED_STEPS = ("call_for_items", "fu_agenda", "agenda", "minutes_draft")


@dataclass
class CycleReport:
    done: list[tuple[int, str, int]] = field(default_factory=list)  # (meeting, step, mails queued)
    orientations: list[int] = field(default_factory=list)  # items made: hearing results, FU's decisions
    waiting: list[str] = field(default_factory=list)  # what waits for a DAS meeting (Danish)
    followup_reminders: int = 0  # mails queued to follow-ups' owners
    late: list[tuple[int, str, timedelta]] = field(default_factory=list)  # (meeting, step, how late)
    empty_agendas: list[int] = field(default_factory=list)  # meetings whose agenda was held back
    # Bilag warnings (Danish) for the agendas sent in this run and those going within WARN_AHEAD.
    agenda_warnings: dict[int, list[str]] = field(default_factory=dict)

    @property
    def queued(self) -> int:
        return sum(n for _, _, n in self.done) + self.followup_reminders


def due_steps(rt: Runtime, now: datetime) -> list[tuple[int, str]]:
    """The (meeting, step) pairs due at ``now``, oldest meeting first."""
    with rt.db.transaction() as s:
        done = set(s.execute(select(CycleStep.meeting_id, CycleStep.step)).tuples())
        meetings = s.scalars(select(Meeting).where(Meeting.starts_at > now - HORIZON, Meeting.cancelled_at.is_(None))
                             .order_by(Meeting.starts_at, Meeting.id))
        due = []
        for m in meetings:
            for step in STEPS:
                if (m.id, step) not in done and _is_due(m, step, now):
                    due.append((m.id, step))
        return due


def _is_due(m: Meeting, step: str, now: datetime) -> bool:
    offset = m.cycle.get(step)
    if offset is None or not m.body.meeting_mails:  # KKR's meetings are KKR's own (the registry)
        return False
    at = step_time(step, offset, starts_at=m.starts_at, ends_at=m.ends_at,
                   minutes_approved_at=m.minutes_approved_at, minutes_sent_at=m.minutes_sent_at)
    if at is None or at > now:
        return False
    if step == "agenda" and not has_cases(m):
        return False  # never an agenda without a case; see held_back_agendas
    if step in ("call_for_items", "fu_agenda", "agenda"):
        return now < m.starts_at and (step != "fu_agenda" or m.body.delegates_to == "fu")
    if step == "minutes_draft":  # once every item is decided, and not after the chair approved
        return (m.minutes_approved_at is None and bool(m.items)
                and all(i.state == routing.BESLUTTET for i in m.items))
    return True


def run_step(rt: Runtime, meeting_id: int, step: str) -> int:
    """Do one step (once): returns the number of mails queued; 0 if it was done already."""
    try:
        with rt.db.transaction() as s:
            meeting = get_meeting(s, meeting_id, lock=True)
            if s.scalar(select(CycleStep.id).where(CycleStep.meeting_id == meeting_id,
                                                   CycleStep.step == step)) is not None:
                return 0
            queued = STEP_ACTIONS[step](rt, s, meeting)
            s.add(CycleStep(meeting_id=meeting_id, step=step, done_at=rt.now(), queued=queued))
            late = lateness(meeting, step, rt.now())
            audit.record(s, at=rt.now(), actor=ACTOR, action=f"cycle.{step}", entity="meeting",
                         entity_id=meeting_id, queued=queued,
                         late_seconds=int(late.total_seconds()) if late else None)
            if late is not None:
                mails.queue_cycle_notice(rt, s, meeting, key=f"meeting:{meeting_id}:{step}:late", lines=[
                    f"Trinnet «{mails.STEP_LABELS[step]}» for mødet blev først udført {mails.duration_da(late)} "
                    "efter det planlagte tidspunkt, fordi cyklussen ikke kørte i mellemtiden. "
                    "Kontroller, at mailene stadig er rettidige."])
            s.flush()
            return queued
    except IntegrityError:  # another runner did this step in the same moment
        return 0


def run_cycle(rt: Runtime) -> CycleReport:
    """Everything due at ``rt.now()`` (the caller sends the outbox)."""
    results = report_hearing_results(rt, actor=ACTOR)  # to FU's list or DAS's agenda
    report = CycleReport(orientations=results.items, waiting=results.waiting)
    seen: set[tuple[int, str]] = set()
    while due := [d for d in due_steps(rt, rt.now()) if d not in seen]:  # a step can make the next due
        for meeting_id, step in due:
            seen.add((meeting_id, step))
            report.done.append((meeting_id, step, run_step(rt, meeting_id, step)))
    fu_decisions, waiting = orient_das_on_fu_decisions(rt, actor=ACTOR)
    report.orientations += fu_decisions
    report.waiting += waiting
    report.followup_reminders = remind_followups(rt)
    report.empty_agendas = held_back_agendas(rt, rt.now())
    report.agenda_warnings = coming_agenda_warnings(rt, rt.now(), sent=[m for m, step, _ in report.done
                                                                        if step == "agenda"])
    with rt.db.transaction() as s:
        for meeting_id, step, _ in report.done:
            m = s.get(Meeting, meeting_id)
            if m is not None and (late := lateness(m, step, rt.now())) is not None:
                report.late.append((meeting_id, step, late))
    return report


def run_steps_due_for(rt: Runtime, meeting_id: int) -> int:
    """The meeting's steps due now, done at once rather than at the scheduler's next run (the
    console after the chair approves: the minutes go out then); the mails queued."""
    queued, seen = 0, set()
    while due := [d for d in due_steps(rt, rt.now()) if d[0] == meeting_id and d not in seen]:
        for _, step in due:
            seen.add((meeting_id, step))
            queued += run_step(rt, meeting_id, step)
    return queued


def has_cases(m: Meeting) -> bool:
    return any(i.kind not in STANDARD_KINDS for i in m.items)


def lateness(m: Meeting, step: str, now: datetime) -> timedelta | None:
    """How late a timed step is done at ``now``, when later than ``LATE_AFTER``."""
    offset = m.cycle.get(step)
    if step not in TIMED_STEPS or offset is None:
        return None
    at = step_time(step, offset, starts_at=m.starts_at, ends_at=m.ends_at,
                   minutes_approved_at=m.minutes_approved_at, minutes_sent_at=m.minutes_sent_at)
    if at is None or step == "minutes_draft":  # the draft waits for the decisions, not a clock
        return None
    return now - at if now - at > LATE_AFTER else None


def held_back_agendas(rt: Runtime, now: datetime) -> list[int]:
    """Meetings whose agenda is due but has no case: the secretariat is told (once each)."""
    held = []
    with rt.db.transaction() as s:
        for m in s.scalars(select(Meeting).where(Meeting.starts_at > now, Meeting.cancelled_at.is_(None),
                                                 Meeting.agenda_sent_at.is_(None))):
            offset = m.cycle.get("agenda")
            at = step_time("agenda", offset, starts_at=m.starts_at, ends_at=m.ends_at, minutes_approved_at=None,
                           minutes_sent_at=None) if offset is not None else None
            if at is None or at > now or has_cases(m) or not m.body.meeting_mails:
                continue
            held.append(m.id)
            mails.queue_cycle_notice(rt, s, m, key=f"meeting:{m.id}:agenda:empty", lines=[
                "Dagsordenen er ikke sendt, fordi der ingen sager er på den (kun standardpunkter). "
                "Tilføj sager, så sendes den ved næste kørsel, eller aflys mødet (hoering meeting cancel)."])
    return held


def coming_agenda_warnings(rt: Runtime, now: datetime, *, sent: list[int]) -> dict[int, list[str]]:
    """``agenda_checks.agenda_warnings`` of the agendas in ``sent`` and of those not sent yet that
    go within ``WARN_AHEAD`` (meetings without warnings left out)."""
    found = {}
    with rt.db.read() as s:
        for m in s.scalars(select(Meeting).where(Meeting.starts_at > now, Meeting.cancelled_at.is_(None))
                           .order_by(Meeting.starts_at, Meeting.id)):
            offset = m.cycle.get("agenda")
            at = step_time("agenda", offset, starts_at=m.starts_at, ends_at=m.ends_at, minutes_approved_at=None,
                           minutes_sent_at=None) if offset is not None else None
            coming = m.agenda_sent_at is None and at is not None and at - now <= WARN_AHEAD
            if (m.id in sent or coming) and m.body.meeting_mails and (warnings := agenda_warnings(s, m)):
                found[m.id] = warnings
    return found


# --- the steps: the change each makes, then its mails ----------------------------------------

def _agenda(rt: Runtime, s: Session, meeting: Meeting) -> int:
    for number, item in enumerate(agenda_order(meeting.items), start=1):
        item.number = number  # the agenda's numbering is fixed once it is sent
    meeting.agenda_sent_at = rt.now()
    s.flush()
    if warnings := agenda_warnings(s, meeting):  # sent anyway: a warning, not a block
        mails.queue_cycle_notice(rt, s, meeting, key=f"meeting:{meeting.id}:agenda:bilag", lines=[
            "Dagsordenen er sendt, men der er disse mangler ved bilagene:", *(f"- {w}" for w in warnings),
            "Send de manglende bilag til medlemmerne, eller ret punktet med en tillægsdagsorden."])
    return mails.queue_agenda(rt, s, meeting)


def _minutes(rt: Runtime, s: Session, meeting: Meeting) -> int:
    meeting.minutes_sent_at = rt.now()
    return mails.queue_minutes(rt, s, meeting)


def _kkr_orientation(rt: Runtime, s: Session, meeting: Meeting) -> int:
    forwarded = [(item, send_to_kkr(s, rt, item, actor=ACTOR)) for item in items_for_kkr(s, meeting.id)]
    if not forwarded:
        return 0
    return mails.queue_kkr_orientation(rt, s, meeting, [i for i, _ in forwarded],
                                       get_meeting(s, forwarded[0][1]))


STEP_ACTIONS: dict[str, Callable[[Runtime, Session, Meeting], int]] = {
    "call_for_items": mails.queue_call_for_items, "fu_agenda": mails.queue_fu_agenda, "agenda": _agenda,
    "minutes_draft": mails.queue_minutes_draft, "minutes": _minutes, "kkr_orientation": _kkr_orientation}
