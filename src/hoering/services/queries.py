"""Read-only views of hearings, named in the domain's words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from hoering.danish import format_amount, format_datetime, format_time_left
from hoering.db.models import Answer, Body, Hearing, HearingRecipient
from hoering.domain.tally import Tally
from hoering.runtime import Runtime
from hoering.services.lookups import get_hearing
from hoering.services.tallying import definition_of, outcome_summary, tally_hearing


def list_hearings(rt: Runtime, *, status: str | None = None) -> list[dict[str, Any]]:
    """Every hearing (or those with ``status``), newest first, with answers so far: three
    set-based queries however many hearings there are."""
    with rt.db.read() as s:
        chosen = select(Hearing.id)
        if status:
            chosen = chosen.where(Hearing.status == status)
        ids = chosen.scalar_subquery()
        recipients = dict(s.execute(
            select(HearingRecipient.hearing_id, func.count())
            .where(HearingRecipient.hearing_id.in_(ids)).group_by(HearingRecipient.hearing_id)).tuples().all())
        on_time = case((Answer.late.is_(False), Answer.recipient_id))
        answered = {h: (in_time, any_time) for h, in_time, any_time in s.execute(
            select(Answer.hearing_id, func.count(distinct(on_time)), func.count(distinct(Answer.recipient_id)))
            .where(Answer.hearing_id.in_(ids)).group_by(Answer.hearing_id)).tuples()}
        rows = []
        query = (select(Hearing.id, Hearing.title, Hearing.kind, Hearing.status, Body.key, Hearing.deadline,
                        Hearing.definition).join(Body, Body.id == Hearing.body_id)
                 .where(Hearing.id.in_(ids)).order_by(Hearing.id.desc()))
        for hid, title, kind, state, body, deadline, definition in s.execute(query).tuples():
            in_time, any_time = answered.get(hid, (0, 0))
            rows.append({"id": hid, "title": title, "kind": kind, "status": state, "body": body,
                         "deadline": deadline.isoformat(),
                         "answered": any_time if definition.get("late") == "count" else in_time,
                         "recipients": recipients.get(hid, 0)})
        return rows


def hearings_open_past_deadline(s: Session, now: datetime) -> list[int]:
    return list(s.scalars(select(Hearing.id).where(Hearing.status == "open", Hearing.deadline <= now)
                          .order_by(Hearing.id)))


def hearing_status(rt: Runtime, hearing_id: int) -> dict[str, Any]:
    """Who has answered, who has not, and the time left."""
    now = rt.now()
    with rt.db.read() as s:
        h = get_hearing(s, hearing_id)
        t = tally_hearing(s, h)
        lines = []
        for line in t.lines:
            a = line.answer
            lines.append({
                "kommune": line.code, "name": line.name, "status": line.status,
                "option": a.option if a else None, "comment": a.comment if a else None,
                "channel": a.channel if a else None, "answered_by": a.answered_by if a else None,
                "received_at": a.received_at.isoformat() if a else None,
                "late": a.late if a else False, "versions": line.versions,
            })
        return {
            "hearing": h.id, "title": h.title, "kind": h.kind, "status": h.status,
            "body": h.body.key, "deadline": h.deadline.isoformat(),
            "deadline_da": format_datetime(h.deadline),
            "time_left": format_time_left(h.deadline, now) if h.status == "open" else None,
            "answered": t.answered, "recipients": len(t.lines),
            "silent": t.silent, "counts": t.counts, "lines": lines,
        }


def hearing_result(rt: Runtime, hearing_id: int) -> dict[str, Any]:
    """The result: frozen at close, or the tally so far while the hearing is open."""
    with rt.db.read() as s:
        h = get_hearing(s, hearing_id)
        t = tally_hearing(s, h)
        data = t.to_json() if h.result is None else dict(h.result)
        data.update(describe(s, h, t))
        return data


def describe(s: Session, h: Hearing, t: Tally) -> dict[str, Any]:
    definition = definition_of(h)
    extra: dict[str, Any] = {
        "hearing": h.id, "title": h.title, "status": h.status, "kind": h.kind,
        "body": h.body.key, "deadline": h.deadline.isoformat(),
        "closed_at": h.closed_at.isoformat() if h.closed_at else None,
        "summary": outcome_summary(s, h, t),
    }
    if definition.allocation is not None:
        extra["total"] = str(definition.allocation.total)
        extra["total_da"] = format_amount(definition.allocation.total)
    return extra
