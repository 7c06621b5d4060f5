"""What the secretariat's overview shows: hearings at a glance, one hearing in full."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from hoering.danish import format_time_left
from hoering.db.models import AuditEntry, Hearing
from hoering.runtime import Runtime
from hoering.services.lookups import get_hearing
from hoering.services.queries import hearing_result, hearing_status
from hoering.services.tallying import definition_of

RECENT = timedelta(days=60)

ACTIONS = {
    "hearing.opened": "Høringen blev åbnet",
    "hearing.closed": "Høringen blev afsluttet",
    "hearing.extended": "Fristen blev forlænget",
    "hearing.reopened": "Høringen blev genåbnet",
    "hearing.reminded": "Påmindelse sendt",
    "answer.recorded": "Svar registreret",
}
STATUS = {"answered": "Svaret", "late": "For sent", "silent": "Ikke svaret"}
CHANNELS = {"web": "Svarside", "manual": "Sekretariatet", "mail": "Mail"}


def overview(rt: Runtime) -> list[dict[str, Any]]:
    """Open hearings, then those closed within the last 60 days; newest first."""
    now = rt.now()
    with rt.db.read() as s:
        ids = list(s.scalars(select(Hearing.id).where(
            (Hearing.status == "open") | (Hearing.closed_at >= now - RECENT)).order_by(Hearing.id.desc())))
    rows = []
    for hearing_id in ids:
        st = hearing_status(rt, hearing_id)
        silent = sorted(ln["name"] for ln in st["lines"] if ln["status"] != "answered")
        rows.append({**st, "silent_names": silent,
                     "percent": round(100 * st["answered"] / st["recipients"]) if st["recipients"] else 0,
                     "deadline_dt": datetime.fromisoformat(st["deadline"])})
    rows.sort(key=lambda r: (r["status"] != "open", -r["hearing"]))
    return rows


def hearing_detail(rt: Runtime, hearing_id: int) -> dict[str, Any]:
    """One hearing: the kommune × answer × when matrix, the audit trail and the result."""
    now = rt.now()
    st = hearing_status(rt, hearing_id)
    with rt.db.read() as s:
        hearing = get_hearing(s, hearing_id)
        d = definition_of(hearing)
        labels = {o.key: o.label for o in d.answer_options}
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.hearing_id == hearing_id)
                                 .order_by(AuditEntry.id)))
        trail = [{"at": e.at, "actor": e.actor, "action": ACTIONS.get(e.action, e.action),
                  "details": _details(e.details, labels)} for e in entries]
        deadline = hearing.deadline
    lines = []
    for ln in st["lines"]:
        lines.append({**ln, "label": labels.get(ln["option"] or "", ln["option"]),
                      "status_da": STATUS.get(ln["status"], ln["status"]),
                      "channel_da": CHANNELS.get(ln["channel"] or "", ln["channel"]),
                      "received": datetime.fromisoformat(ln["received_at"]) if ln["received_at"] else None})
    result = hearing_result(rt, hearing_id) if st["status"] == "closed" else None
    counts = [{"label": labels.get(k, k), "count": v} for k, v in st["counts"].items()]
    lines.sort(key=lambda ln: ln["name"])
    return {**st, "lines": lines, "trail": trail, "result": result, "counts_da": counts,
            "deadline_dt": deadline, "past_deadline": now >= deadline,
            "time_left": format_time_left(deadline, now), "question": d.question,
            "silent_names": sorted(ln["name"] for ln in lines if ln["status"] != "answered")}


def _details(details: dict[str, Any], labels: dict[str, str]) -> str:
    parts = []
    if "kommune" in details:
        parts.append(f"kommune {details['kommune']}")
    if details.get("option"):
        parts.append(f"«{labels.get(details['option'], details['option'])}»")
    if details.get("channel"):
        parts.append(CHANNELS.get(details["channel"], details["channel"]))
    if details.get("late"):
        parts.append("for sent")
    if details.get("messages"):
        parts.append(f"{details['messages']} mail(s)")
    if details.get("forced"):
        parts.append("lukket før fristen")
    if details.get("reason"):
        parts.append(f"begrundelse: {details['reason']}")
    return ", ".join(parts)
