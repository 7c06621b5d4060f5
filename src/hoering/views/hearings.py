"""Many hearings at a glance: the list (``hoering hearing list``, ``/api/hearings``) and the
secretariat's overview (``/sekretariat``).

Set-based: a fixed handful of queries however many hearings there are. An open hearing's
standing is counted from the answers; a closed one's is read from its stored result record.
The list needs only the counts, so SQL counts them per hearing (an index probe each, in the
hearings' statement); the overview also names who is silent or late, from a row per recipient.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, case, distinct, exists, func, select
from sqlalchemy.orm import Session

from hoering.danish import format_remaining, format_time_left
from hoering.db.hearings import Answer, Hearing, HearingRecipient
from hoering.db.registry import Body, Kommune
from hoering.db.results import HearingResultRow, latest_rows
from hoering.domain.names import alphabetical
from hoering.domain.result import RECORD_FORMAT, Moment
from hoering.runtime import Runtime
from hoering.views.base import View
from hoering.views.record import stored_record

RECENT = timedelta(days=60)  # the overview shows hearings closed within this


class HearingSummary(View):
    id: int
    title: str
    kind: str
    status: str
    body: str
    deadline: Moment
    closed_at: Moment | None
    answered: int
    recipients: int


class OverviewRow(HearingSummary):
    time_left: str | None  # open hearings: "2 dage og 3 timer" or "fristen er overskredet"
    remaining: str | None  # open hearings: "2 dage og 3 timer tilbage" or "fristen er overskredet"
    percent: int
    silent_names: list[str]  # alphabetical: no answer at all
    late_names: list[str]  # alphabetical: answered only after the deadline (not counted)


@dataclass(frozen=True)
class _Standing:
    answered: int
    recipients: int
    silent_names: list[str]
    late_names: list[str]


def list_hearings(rt: Runtime, *, status: str | None = None, limit: int | None = None,
                  offset: int = 0) -> list[HearingSummary]:
    """Every hearing (or those with ``status``), newest first; ``limit`` of them from ``offset``
    (a page of the API's list: its cost does not grow with the history)."""
    query = _summaries().where(Hearing.status == status) if status else _summaries()
    if limit is not None:
        query = query.limit(limit).offset(offset)
    with rt.db.read() as s:
        found = s.execute(query).tuples()
        rows = []
        for (hid, title, kind, state, body, deadline, closed_at, late, recipients, on_time, any_answer,
             record_format, stored_answered, stored_recipients) in found:
            if record_format == RECORD_FORMAT:  # closed, with a stored record (as stored_record reads it)
                answered, recipients = stored_answered, stored_recipients
            else:
                # a recipient has answered when an answer of it counts: an on-time one, or any when
                # the hearing counts late answers (as in _standings and domain.tally)
                answered = any_answer if late == "count" else on_time
            rows.append(HearingSummary(id=hid, title=title, kind=kind, status=state, body=body, deadline=deadline,
                                       closed_at=closed_at, answered=answered, recipients=recipients))
        return rows


@cache
def _summaries() -> Select[Any]:
    """The hearings, newest first, each with its number of recipients and of recipients with an
    on-time answer and with any answer, and a closed one's counts from its newest stored record.
    One statement however many hearings (no list of ids as parameters: PostgreSQL takes at most
    65 535). Counted per hearing by correlated subqueries, probes of the indexes on
    hearing_recipient and answer by hearing: a join and GROUP BY over all answers was planned as
    a scan of the whole answer table on PostgreSQL at 1 M answers. Built once."""
    h, a, r, x = Hearing.__table__.c, Answer.__table__.c, HearingRecipient.__table__.c, HearingResultRow.__table__.c
    answered = select(func.count(distinct(a.recipient_id))).where(a.hearing_id == h.id)
    newer = HearingResultRow.__table__.alias("newer")
    newest = ~exists().where(newer.c.hearing_id == x.hearing_id, newer.c.version > x.version)
    return (select(h.id, h.title, h.kind, h.status, Body.key, h.deadline, h.closed_at,
                   Hearing.definition["late"].as_string(),
                   select(func.count()).where(r.hearing_id == h.id).scalar_subquery(),
                   answered.where(a.late.is_(False)).scalar_subquery(),
                   answered.scalar_subquery(),
                   x.payload["format"].as_integer(), x.payload["answered"].as_integer(),
                   x.payload["recipients"].as_integer())
            .join(Body, Body.id == h.body_id)
            .outerjoin(HearingResultRow.__table__,
                       (x.hearing_id == h.id) & (h.status == "closed") & newest)
            .order_by(h.id.desc()))


def overview(rt: Runtime) -> list[OverviewRow]:
    """Open hearings, then those closed within the last 60 days; newest first within each."""
    now = rt.now()
    with rt.db.read() as s:
        rows = _rows(s, [(Hearing.status == "open") | (Hearing.closed_at >= now - RECENT)], now)
    return sorted(rows, key=lambda r: (r.status != "open", -r.id))


def _rows(s: Session, where: Sequence[ColumnElement[bool]], now: datetime) -> list[OverviewRow]:
    found = s.execute(select(Hearing.id, Hearing.title, Hearing.kind, Hearing.status, Body.key,
                             Hearing.deadline, Hearing.closed_at, Hearing.definition)
                      .join(Body, Body.id == Hearing.body_id).where(*where)
                      .order_by(Hearing.id.desc())).tuples().all()
    standing = _standings(s, {hid: (state, definition.get("late") == "count")
                              for hid, _, _, state, _, _, _, definition in found})
    rows = []
    for hid, title, kind, state, body, deadline, closed_at, _ in found:
        st = standing[hid]
        rows.append(OverviewRow(
            id=hid, title=title, kind=kind, status=state, body=body, deadline=deadline,
            closed_at=closed_at, answered=st.answered, recipients=st.recipients,
            time_left=format_time_left(deadline, now) if state == "open" else None,
            remaining=format_remaining(deadline, now) if state == "open" else None,
            percent=round(100 * st.answered / st.recipients) if st.recipients else 0,
            silent_names=st.silent_names, late_names=st.late_names))
    return rows


def _standings(s: Session, hearings: dict[int, tuple[str, bool]]) -> dict[int, _Standing]:
    """Per hearing id (status, late answers count): answered, recipients and who is silent."""
    result: dict[int, _Standing] = {}
    closed = [hid for hid, (state, _) in hearings.items() if state == "closed"]
    for hid, row in latest_rows(s, closed).items():
        record = stored_record(row)
        if record is not None:
            result[hid] = _Standing(record.answered, record.recipients,
                                    sorted((ln.name for ln in record.lines if ln.status == "silent"), key=alphabetical),
                                    sorted((ln.name for ln in record.lines if ln.status == "late"), key=alphabetical))
    live = [hid for hid in hearings if hid not in result]
    if not live:
        return result
    # 1 for a recipient with an answer that counts: any answer when late ones count, else an on-time one
    counts_late = {hid for hid in live if hearings[hid][1]}
    on_time = func.max(case((Answer.late.is_(False), 1), else_=0))
    any_answer = func.count(Answer.id)
    answered = {rid: (hid, bool(ok), n > 0) for rid, hid, ok, n in s.execute(
        select(Answer.recipient_id, Answer.hearing_id, on_time, any_answer)
        .where(Answer.hearing_id.in_(live)).group_by(Answer.recipient_id, Answer.hearing_id)).tuples()}
    names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for hid, rid, name in s.execute(
            select(HearingRecipient.hearing_id, HearingRecipient.id, Kommune.name)
            .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
            .where(HearingRecipient.hearing_id.in_(live))).tuples():
        names[hid].append((rid, name))
    for hid in live:
        silent: list[str] = []
        late: list[str] = []
        for rid, name in names.get(hid, []):
            _, ok, some = answered.get(rid, (hid, False, False))
            if not (ok or (some and hid in counts_late)):
                (late if some else silent).append(name)
        total = len(names.get(hid, []))
        result[hid] = _Standing(total - len(silent) - len(late), total, sorted(silent, key=alphabetical),
                                sorted(late, key=alphabetical))
    return result
