"""The secretariat's agenda builder (the console's verbs): plan one meeting, order its agenda,
add bilag to an item, send the agenda now, send the draft minutes to the chair now.

Each is one transaction over the same rules the CLI and the cycle use: planning goes through
``planning.plan_meetings`` (standard items included), sending through ``cycle.run_step`` (so the
cycle never sends the same agenda again), and the agenda's numbers stay ``agenda_order``'s.
Messages are Danish: they are shown to the secretariat as they are.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.danish import format_datetime
from hoering.db.documents import Document
from hoering.db.lookup import get_item, get_meeting, get_or_not_found
from hoering.db.models import Bilag, Body, Item, Meeting
from hoering.docstore import kept_name, store_document
from hoering.domain import routing
from hoering.domain.meetings import MeetingPlan, PlannedMeeting, agenda_order, local_datetime, section_of
from hoering.errors import FileRefused, RuleViolation
from hoering.runtime import Runtime
from hoering.services.agenda_checks import agenda_warnings
from hoering.services.cycle import has_cases, run_step
from hoering.services.planning import NEIGHBOURING, plan_meetings
from hoering.services.registry import find_body

MAX_BILAG_BYTES = 20 * 1024 * 1024


def plan_meeting(rt: Runtime, *, body: str, day: dt.date, start: dt.time, end: dt.time, place: str,
                 actor: str = SECRETARIAT) -> int:
    """Plan one coming meeting of ``body`` (it gets its standard items); returns its id."""
    starts_at = local_datetime(day, start)
    if starts_at <= rt.now():
        raise RuleViolation(f"Tidspunktet {format_datetime(starts_at)} er passeret; vælg en kommende dato.")
    if end <= start:
        raise RuleViolation("Sluttidspunktet skal ligge efter starttidspunktet.")
    with rt.db.read() as s:
        key = find_body(s, body).key
        near = s.scalar(select(Meeting).join(Body).where(
            Body.key == key, Meeting.cancelled_at.is_(None), Meeting.starts_at > starts_at - NEIGHBOURING,
            Meeting.starts_at < starts_at + NEIGHBOURING).order_by(Meeting.starts_at))
        if near is not None:  # the same meeting moved, as planning sees it: say so, and how
            raise RuleViolation(f"{near.body.name} har allerede møde {format_datetime(near.starts_at)} "
                                f"(møde {near.id}), mindre end en uge fra den valgte dato. Skal det møde flyttes, "
                                "så brug «Flyt mødet» på mødets side.")
    plan = MeetingPlan(body=key, year=day.year, meetings=[PlannedMeeting(date=day, start=start, end=end,
                                                                         place=place.strip() or "Aftales senere")])
    return plan_meetings(rt, plan, actor=actor)[0]


def move_on_agenda(rt: Runtime, item_id: int, *, up: bool, actor: str = SECRETARIAT) -> None:
    """Move an item one place up or down within its part of an agenda not yet sent."""
    with rt.db.transaction() as s:
        item = get_item(s, item_id, lock=True)
        meeting = item.meeting
        if meeting is None or item.state != routing.PAA_DAGSORDEN:
            raise RuleViolation("Punktet står ikke på en dagsorden.")
        if meeting.agenda_sent_at is not None:
            raise RuleViolation("Dagsordenen er sendt; rækkefølgen ligger fast.")
        order = agenda_order(meeting.items)
        at = order.index(item)
        other = at - 1 if up else at + 1
        if not 0 <= other < len(order) or section_of(order[other].kind) != section_of(item.kind):
            raise RuleViolation("Punktet kan ikke flyttes længere i den retning.")
        order[at], order[other] = order[other], order[at]
        for number, row in enumerate(order, start=1):
            row.number = number
        audit.record(s, at=rt.now(), actor=actor, action="item.reordered", entity="item", entity_id=item.id,
                     meeting=meeting.id, number=item.number)


def add_bilag(rt: Runtime, item_id: int, *, title: str, filename: str | None = None, content: bytes | None = None,
              actor: str = SECRETARIAT) -> int:
    """Add a bilag to an item (a file, or only a title); returns its number on the item."""
    title = title.strip()
    if not title:
        raise RuleViolation("Skriv bilagets titel.")
    now = rt.now()
    with rt.db.transaction() as s:
        item = _open_item(get_item(s, item_id, lock=True))
        row = Bilag(position=len(item.bilag) + 1, title=title)
        if content:
            row.filename, row.document = _store(s, content, filename or title, now)
        item.bilag.append(row)
        s.flush()
        audit.record(s, at=now, actor=actor, action="item.bilag_added", entity="item", entity_id=item.id,
                     title=title, filename=row.filename, sha256=row.sha256)
        return row.position


def attach_file(rt: Runtime, bilag_id: int, *, filename: str, content: bytes, actor: str = SECRETARIAT) -> None:
    """Give a bilag that has only a title its file."""
    now = rt.now()
    with rt.db.transaction() as s:
        row = get_or_not_found(s, Bilag, bilag_id, lock=True)
        _open_item(row.item)
        if not content:
            raise RuleViolation("Vælg en fil.")
        row.filename, row.document = _store(s, content, filename, now)
        s.flush()
        audit.record(s, at=now, actor=actor, action="item.bilag_file", entity="item", entity_id=row.item_id,
                     title=row.title, filename=row.filename, sha256=row.sha256)


def _store(s: Session, content: bytes, filename: str, now: dt.datetime) -> tuple[str, Document]:
    try:
        doc = store_document(s, content, filename, max_bytes=MAX_BILAG_BYTES, now=now)
    except FileRefused as exc:
        raise RuleViolation(exc.message) from None
    return kept_name(filename, doc), doc


def _open_item(item: Item) -> Item:
    """The item, if its text can still change (not decided, its agenda not sent)."""
    meeting = item.meeting
    if item.state == routing.BESLUTTET or (meeting is not None and meeting.agenda_sent_at is not None):
        raise RuleViolation("Punktet kan ikke ændres: dagsordenen er sendt, eller punktet er besluttet.")
    return item


def send_agenda(rt: Runtime, meeting_id: int, *, missing_files_ok: bool = False, actor: str = SECRETARIAT) -> int:
    """Send the agenda now (the cycle's agenda step, done once): the numbers are fixed and the
    agenda locks. Refused while a bilag has no file, unless ``missing_files_ok``. Returns the
    number of mails queued."""
    with rt.db.read() as s:
        meeting = get_meeting(s, meeting_id)
        if meeting.cancelled_at is not None:
            raise RuleViolation("Mødet er aflyst.")
        if meeting.agenda_sent_at is not None:
            raise RuleViolation(f"Dagsordenen blev sendt {format_datetime(meeting.agenda_sent_at)}; nye punkter "
                                "kommer på en tillægsdagsorden.")
        if meeting.starts_at <= rt.now():
            raise RuleViolation("Mødet er begyndt; dagsordenen kan ikke sendes nu.")
        if not has_cases(meeting):
            raise RuleViolation("Der er ingen sager på dagsordenen (kun standardpunkter); den sendes ikke.")
        missing = agenda_warnings(s, meeting)
    if missing and not missing_files_ok:
        raise RuleViolation("; ".join(missing) + ". Tilføj filerne, eller bekræft at dagsordenen "
                            "skal sendes uden dem.")
    queued = run_step(rt, meeting_id, "agenda")
    with rt.db.transaction() as s:
        audit.record(s, at=rt.now(), actor=actor, action="meeting.agenda_sent", entity="meeting",
                     entity_id=meeting_id, queued=queued, warnings=missing)
    return queued


def send_minutes_draft(rt: Runtime, meeting_id: int, *, actor: str = SECRETARIAT) -> int:
    """Send the draft minutes to the chair now (with the personal approval link), once every
    item is decided; the cycle does it by itself the day after the meeting."""
    with rt.db.read() as s:
        meeting = get_meeting(s, meeting_id)
        if meeting.minutes_approved_at is not None:
            raise RuleViolation("Referatet er allerede godkendt.")
        if rt.now() < meeting.starts_at:
            raise RuleViolation("Mødet er ikke holdt endnu.")
        open_items = [i.title for i in agenda_order(meeting.items) if i.state != routing.BESLUTTET]
        if open_items:
            raise RuleViolation("Disse punkter mangler en beslutning: " + "; ".join(open_items) + ".")
    queued = run_step(rt, meeting_id, "minutes_draft")
    if not queued:
        raise RuleViolation("Udkastet til referat er allerede sendt til formanden.")
    with rt.db.transaction() as s:
        audit.record(s, at=rt.now(), actor=actor, action="meeting.minutes_draft_sent", entity="meeting",
                     entity_id=meeting_id, queued=queued)
    return queued
