"""The meeting cycle, decided by the clock: what step of which meeting is due, and doing it.

Steps, relative to the meeting (per body, see ``domain.meetings.CycleConfig``): call for items
(T−21) to the members; FU's preparation agenda (T−14) to FU; the agenda with bilag and the ICS
invitation (T−7) to the members; the draft minutes to the chair once every item is decided
(T+1); the approved minutes to all; the DAS decisions marked for KKR sent on to KKR.

Each step runs in one transaction that records it in ``meeting_step`` (unique per meeting and
step) and queues its mails in the outbox: running the cycle twice at the same clock does
nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hoering import audit
from hoering.db.models import Body, CycleStep, Item, Meeting
from hoering.domain import routing
from hoering.domain.meetings import STEPS, items_deadline, step_time
from hoering.runtime import Runtime
from hoering.services import cycle_mail
from hoering.services.documents import meeting_view, ordered_items, render_document
from hoering.services.meetings import get_meeting
from hoering.services.orientation import items_for_kkr, orient_hearing_results, send_to_kkr

ACTOR = "hoering cycle"
HORIZON = timedelta(days=120)  # meetings older than this are left alone


@dataclass
class CycleReport:
    done: list[tuple[int, str, int]] = field(default_factory=list)  # (meeting, step, mails queued)
    orientations: list[int] = field(default_factory=list)

    @property
    def queued(self) -> int:
        return sum(n for _, _, n in self.done)


def due_steps(rt: Runtime, now: datetime) -> list[tuple[int, str]]:
    """The (meeting, step) pairs due at ``now``, oldest meeting first."""
    with rt.db.transaction() as s:
        done = set(s.execute(select(CycleStep.meeting_id, CycleStep.step)).tuples())
        meetings = s.scalars(select(Meeting).where(Meeting.starts_at > now - HORIZON)
                             .order_by(Meeting.starts_at, Meeting.id))
        due = []
        for m in meetings:
            for step in STEPS:
                if (m.id, step) not in done and _is_due(m, step, now):
                    due.append((m.id, step))
        return due


def _is_due(m: Meeting, step: str, now: datetime) -> bool:
    offset = m.cycle.get(step)
    if offset is None:
        return False
    at = step_time(step, offset, starts_at=m.starts_at, ends_at=m.ends_at,
                   minutes_approved_at=m.minutes_approved_at, minutes_sent_at=m.minutes_sent_at)
    if at is None or at > now:
        return False
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
            audit.record(s, at=rt.now(), actor=ACTOR, action=f"cycle.{step}", entity="meeting",
                         entity_id=meeting_id, queued=queued)
            s.flush()
            return queued
    except IntegrityError:  # another runner did this step in the same moment
        return 0


def run_cycle(rt: Runtime) -> CycleReport:
    """Everything due at ``rt.now()`` (the caller sends the outbox)."""
    report = CycleReport(orientations=orient_hearing_results(rt, actor=ACTOR))
    seen: set[tuple[int, str]] = set()
    while due := [d for d in due_steps(rt, rt.now()) if d not in seen]:  # a step can make the next due
        for meeting_id, step in due:
            seen.add((meeting_id, step))
            report.done.append((meeting_id, step, run_step(rt, meeting_id, step)))
    return report


# --- the steps ---------------------------------------------------------------------------------

def _call_for_items(rt: Runtime, s, meeting: Meeting) -> int:  # type: ignore[no-untyped-def]
    deadline = items_deadline(meeting.starts_at, meeting.cycle)
    return cycle_mail.queue_to(rt, s, meeting, "call_for_items", cycle_mail.members(meeting.body),
                               {"deadline": deadline})


def _fu_agenda(rt: Runtime, s, meeting: Meeting) -> int:  # type: ignore[no-untyped-def]
    fu = s.scalar(select(Body).where(Body.key == meeting.body.delegates_to))
    items = list(s.scalars(select(Item).where(Item.state == routing.HOS_FU).order_by(Item.id)))
    on_agenda = [i for i in ordered_items(meeting) if i.kind not in ("dagsorden", "referat")]
    ctx = {"items": [{"id": i.id, "title": i.title, "raised_by": i.raised_by, "resume": i.resume}
                     for i in items],
           "planned": [{"id": i.id, "title": i.title} for i in on_agenda]}
    return cycle_mail.queue_to(rt, s, meeting, "fu_agenda", cycle_mail.members(fu), ctx)


def _agenda(rt: Runtime, s, meeting: Meeting) -> int:  # type: ignore[no-untyped-def]
    for number, item in enumerate(ordered_items(meeting), start=1):
        item.number = number  # the agenda's numbering is fixed once it is sent
    meeting.agenda_sent_at = rt.now()
    s.flush()
    view = meeting_view(s, meeting, "agenda")
    people = cycle_mail.members(meeting.body)
    name = f"Dagsorden {meeting.body.name} {view['date_da']}"
    attachments = [cycle_mail.document(f"{name}.pdf", render_document(view, "pdf"), "pdf"),
                   cycle_mail.invitation(rt, meeting, people)]
    for item in ordered_items(meeting):
        for b in item.bilag:
            if b.content is not None and b.filename:
                attachments.append(cycle_mail.Attachment(filename=b.filename, content=b.content,
                                                         mime_type=b.mime_type or "application/octet-stream"))
    items = [{"number": i["number"], "title": i["title"]} for sec in view["sections"] for i in sec["items"]]
    return cycle_mail.queue_to(rt, s, meeting, "agenda", people, {"items": items}, attachments=attachments)


def _minutes_draft(rt: Runtime, s, meeting: Meeting) -> int:  # type: ignore[no-untyped-def]
    view = meeting_view(s, meeting, "minutes")
    pdf = render_document(view, "pdf")
    name = f"Udkast til referat {meeting.body.name} {view['date_da']}.pdf"
    return cycle_mail.queue_to(rt, s, meeting, "minutes_draft",
                               cycle_mail.members(meeting.body, chair_only=True), {},
                               attachments=[cycle_mail.document(name, pdf, "pdf")])


def _minutes(rt: Runtime, s, meeting: Meeting) -> int:  # type: ignore[no-untyped-def]
    meeting.minutes_sent_at = rt.now()
    view = meeting_view(s, meeting, "minutes")
    name = f"Referat {meeting.body.name} {view['date_da']}"
    attachments = [cycle_mail.document(f"{name}.pdf", render_document(view, "pdf"), "pdf"),
                   cycle_mail.document(f"{name}.docx", render_document(view, "docx"), "docx")]
    return cycle_mail.queue_to(rt, s, meeting, "minutes", cycle_mail.members(meeting.body), {},
                               attachments=attachments)


def _kkr_orientation(rt: Runtime, s, meeting: Meeting) -> int:  # type: ignore[no-untyped-def]
    forwarded = []
    for item in items_for_kkr(s, meeting.id):
        kkr_meeting_id = send_to_kkr(s, rt, item, actor=ACTOR)
        forwarded.append((item, kkr_meeting_id))
    if not forwarded:
        return 0
    kkr_meeting = get_meeting(s, forwarded[0][1])
    ctx = {"source": cycle_mail.meeting_context(rt, meeting)["meeting"],
           "kkr_meeting": {"starts_at": kkr_meeting.starts_at, "place": kkr_meeting.place},
           "items": [{"title": i.title, "beslutning": i.beslutning, "resume": i.resume}
                     for i, _ in forwarded]}
    return cycle_mail.queue_to(rt, s, meeting, "kkr_orientation", cycle_mail.members(kkr_meeting.body), ctx)


STEP_ACTIONS = {"call_for_items": _call_for_items, "fu_agenda": _fu_agenda, "agenda": _agenda,
                "minutes_draft": _minutes_draft, "minutes": _minutes, "kkr_orientation": _kkr_orientation}
