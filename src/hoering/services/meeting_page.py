"""What the console's meeting page shows, built once in one read: the agenda as the documents
number it (``documents.meeting_view``), each item's state and what can be done with it now,
the cases waiting to be routed, the bilag without a file, and who came.

The page decides nothing: each "can" below is the precondition the service it leads to checks
again (and refuses in Danish), so a stale page costs a message, never a wrong move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hoering.danish import format_clock, format_date, format_datetime
from hoering.db.lookup import get_meeting
from hoering.db.models import Body, BodyMember, CycleStep, Item, Meeting
from hoering.domain import routing
from hoering.domain.calendar import COPENHAGEN
from hoering.domain.meetings import ALLOWED_OUTCOMES, KIND_LABELS, OUTCOME_LABELS, STANDARD_KINDS, section_of
from hoering.runtime import Runtime
from hoering.services.agenda_checks import agenda_warnings
from hoering.services.documents import Mode, meeting_view
from hoering.services.meetings import next_meeting
from hoering.services.registry import secretariat

# What a standard item is usually decided as: the form starts there (the secretariat can change it).
STANDARD_DECISIONS = {"dagsorden": ("godkendt", "Dagsordenen blev godkendt."),
                      "referat": ("godkendt", "Referatet blev godkendt."),
                      "eventuelt": ("droeftet", "Intet."),
                      "naeste_moede": ("taget_til_efterretning", "Taget til efterretning.")}


@dataclass(frozen=True)
class BilagRow:
    id: int
    number: int  # on the agenda, as the text refers to it
    title: str
    filename: str | None


@dataclass(frozen=True)
class AgendaRow:
    id: int
    number: int
    title: str
    kind: str
    kind_label: str
    state: str
    state_da: str
    standard: bool
    outcome_label: str | None
    beslutning: str | None
    bilag: list[BilagRow]
    can_up: bool
    can_down: bool
    outcomes: list[tuple[str, str]]
    default_outcome: str
    default_text: str


@dataclass(frozen=True)
class WaitingRow:
    """A case not on an agenda (raised, with FU, or sent back)."""

    id: int
    title: str
    state: str
    state_da: str
    raised_by: str
    returned_reason: str | None
    fu_may_decide: bool
    outcomes: list[tuple[str, str]]


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    status: str  # deltager | afbud | ""


@dataclass
class MeetingPage:
    id: int
    body_key: str
    body_name: str
    when_da: str
    date_iso: str
    start: str
    end: str
    place: str
    cancelled: bool
    change_reason: str | None
    agenda_sent: str | None  # when, in Danish
    begun: bool
    ended: bool
    approved: str | None
    draft_sent: bool
    minutes_sent: bool
    next_meeting: str | None
    agenda: list[AgendaRow] = field(default_factory=list)
    postponed: list[dict[str, Any]] = field(default_factory=list)  # items postponed from here (minutes)
    waiting: list[WaitingRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # the agenda's warnings (agenda_checks)
    members: list[Person] = field(default_factory=list)
    others: dict[str, list[str]] = field(default_factory=dict)  # attendance of people not members
    delegations: list[tuple[int, str]] = field(default_factory=list)  # DAS items that gave FU competence

    @property
    def locked(self) -> bool:
        """The agenda is sent: only a tillægsdagsorden adds items."""
        return self.agenda_sent is not None

    @property
    def all_decided(self) -> bool:
        return bool(self.agenda) and all(r.state == routing.BESLUTTET for r in self.agenda)


def meeting_page(rt: Runtime, meeting_id: int) -> MeetingPage:
    now = rt.now()
    with rt.db.read() as s:
        m = get_meeting(s, meeting_id)
        # the items with their indstillinger and bilag, and the body's members, in a few statements
        # (not two per item and one per member)
        s.scalars(select(Meeting).where(Meeting.id == m.id).execution_options(populate_existing=True).options(
            selectinload(Meeting.items).options(selectinload(Item.indstillinger), selectinload(Item.bilag)),
            selectinload(Meeting.body).selectinload(Body.members).selectinload(BodyMember.person))).one()
        mode: Mode = "minutes" if now >= m.starts_at and m.agenda_sent_at is not None else "agenda"
        view = meeting_view(s, m, mode, secretariat=secretariat(rt, s)["name"])
        nxt = next_meeting(s, m.body.key, after=m.starts_at, open_agenda=False)
        steps = set(s.scalars(select(CycleStep.step).where(CycleStep.meeting_id == m.id)))
        local_start, local_end = m.starts_at.astimezone(COPENHAGEN), m.ends_at.astimezone(COPENHAGEN)
        page = MeetingPage(
            id=m.id, body_key=m.body.key, body_name=m.body.name, when_da=format_datetime(m.starts_at),
            date_iso=local_start.date().isoformat(), start=local_start.strftime("%H:%M"),
            end=local_end.strftime("%H:%M"), place=m.place, cancelled=m.cancelled_at is not None,
            change_reason=m.change_reason,
            agenda_sent=format_datetime(m.agenda_sent_at) if m.agenda_sent_at else None,
            begun=now >= m.starts_at, ended=now >= m.ends_at,
            approved=(f"{m.minutes_approved_by}, {format_date(m.minutes_approved_at)} kl. "
                      f"{format_clock(m.minutes_approved_at)}") if m.minutes_approved_at else None,
            draft_sent="minutes_draft" in steps, minutes_sent=m.minutes_sent_at is not None,
            next_meeting=f"{format_datetime(nxt.starts_at)} (møde {nxt.id})" if nxt else None)
        page.agenda, page.postponed = _agenda(m, view)
        page.missing = agenda_warnings(s, m)
        page.waiting = _waiting(s)
        page.members, page.others = _attendance(m)
        page.delegations = [(i.id, i.title) for i in s.scalars(select(Item).where(Item.delegated_to == "fu")
                                                                .order_by(Item.id))]
        return page


def _agenda(m: Meeting, view: dict[str, Any]) -> tuple[list[AgendaRow], list[dict[str, Any]]]:
    items = {i.id: i for i in m.items}
    entries = [e for sec in view["sections"] for e in sec["items"]]
    rows, postponed = [], []
    for e in entries:
        item = items.get(e["id"])
        if item is None:  # postponed from this meeting: shown in the minutes under its number
            postponed.append(e)
            continue
        bilag_ids = [b.id for b in item.bilag]
        same = [x for x in entries if x["id"] in items]
        at = same.index(e)
        section = section_of(item.kind)
        outcome, text = STANDARD_DECISIONS.get(item.kind, ("", ""))
        rows.append(AgendaRow(
            id=item.id, number=e["number"], title=item.title, kind=item.kind, kind_label=KIND_LABELS[item.kind],
            state=item.state, state_da=routing.STATE_LABELS[item.state], standard=item.kind in STANDARD_KINDS,
            outcome_label=OUTCOME_LABELS[item.outcome] if item.outcome else None, beslutning=item.beslutning,
            bilag=[BilagRow(id=i, number=b["number"], title=b["title"], filename=b["filename"])
                   for i, b in zip(bilag_ids, e["bilag"], strict=True)],
            can_up=m.agenda_sent_at is None and at > 0 and section_of(same[at - 1]["kind"]) == section,
            can_down=m.agenda_sent_at is None and at + 1 < len(same) and section_of(same[at + 1]["kind"]) == section,
            outcomes=_outcomes(item.kind), default_outcome=outcome, default_text=text))
    return rows, postponed


def _outcomes(kind: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in OUTCOME_LABELS.items() if k in ALLOWED_OUTCOMES[kind]]


def _waiting(s: Session) -> list[WaitingRow]:
    das = s.scalar(select(Body).where(Body.key == "das"))
    rows = []
    query = (select(Item).where(Item.state.in_((routing.REJST, routing.HOS_FU, routing.RETURNERET)),
                                Item.kind.not_in(STANDARD_KINDS)).order_by(Item.id))
    for i in s.scalars(query):
        delegated = None
        if i.under_delegation_of is not None:
            delegated = s.get_one(Item, i.under_delegation_of).delegated_to
        rows.append(WaitingRow(
            id=i.id, title=i.title, state=i.state, state_da=routing.STATE_LABELS[i.state], raised_by=i.raised_by,
            returned_reason=i.returned_reason,
            fu_may_decide=(i.state == routing.HOS_FU and delegated == "fu" and das is not None
                           and das.delegates_to == "fu"),
            outcomes=[o for o in _outcomes(i.kind) if o[0] != "udsat"]))
    return rows


def _attendance(m: Meeting) -> tuple[list[Person], dict[str, list[str]]]:
    status = {a.name: a.status for a in m.attendance}
    people = sorted((b.person for b in m.body.members if b.person.active), key=lambda p: p.id)
    members = [Person(id=p.id, name=p.name, status=status.pop(p.name, "")) for p in people]
    others: dict[str, list[str]] = {"deltager": [], "afbud": []}
    for name, st in status.items():
        others.setdefault(st, []).append(name)
    return members, others
