"""How a hearing stands: who has answered, who has not, and the time left.

Derived from the result view (so a closed hearing shows the parties as its stored record has
them); what ``hoering hearing status`` prints and ``/api/hearings/{id}`` returns.
"""

from __future__ import annotations

from datetime import datetime

from hoering.danish import format_datetime, format_remaining, format_time_left
from hoering.db.lookup import get_hearing
from hoering.db.tallying import definition_of
from hoering.domain.result import Moment
from hoering.runtime import Runtime
from hoering.views.base import View
from hoering.views.documents import BilagShown, StoredFile
from hoering.views.result import HearingResult, result_of


class StatusLine(View):
    kommune: int
    name: str
    status: str  # answered | late | silent
    option: str | None
    label: str | None
    comment: str | None
    channel: str | None
    answered_by: str | None
    received_at: Moment | None
    late: bool
    versions: int
    files: tuple[StoredFile, ...] = ()  # the shown answer's


class HearingStatus(View):
    hearing: int
    title: str
    kind: str
    status: str
    body: str
    question: str
    deadline: Moment
    deadline_da: str
    time_left: str | None  # None once closed
    past_deadline: bool
    answered: int
    recipients: int
    silent: list[int]
    silent_names: list[str]  # alphabetical: no answer at all
    late_names: list[str]  # alphabetical: answered only after the deadline (not counted)
    remaining: str | None  # "2 dage tilbage" or "fristen er overskredet"; None once closed
    counts: dict[str, int]
    labels: dict[str, str]  # option key -> label
    lines: list[StatusLine]
    bilag: tuple[BilagShown, ...] = ()


def hearing_status(rt: Runtime, hearing_id: int) -> HearingStatus:
    """The status of one hearing, read in one transaction."""
    now = rt.now()
    with rt.db.read() as s:
        hearing = get_hearing(s, hearing_id, with_body=True)
        return status_from(result_of(s, hearing), question=definition_of(hearing).question,
                           deadline=hearing.deadline, now=now)


def status_from(r: HearingResult, *, question: str, deadline: datetime, now: datetime) -> HearingStatus:
    lines = []
    for ln in r.lines:
        a = ln.answer
        lines.append(StatusLine(
            kommune=ln.code, name=ln.name, status=ln.status, option=a.option if a else None,
            label=a.label if a else None, comment=a.comment if a else None,
            channel=a.channel if a else None, answered_by=a.answered_by if a else None,
            received_at=a.received_at if a else None, late=a.late if a else False,
            versions=ln.versions, files=a.files if a else ()))
    return HearingStatus(
        hearing=r.hearing, title=r.title, kind=r.kind, status=r.status, body=r.body,
        question=question, deadline=deadline, deadline_da=format_datetime(deadline),
        time_left=format_time_left(deadline, now) if r.status == "open" else None,
        remaining=format_remaining(deadline, now) if r.status == "open" else None,
        past_deadline=now >= deadline, answered=r.answered, recipients=r.recipients,
        silent=list(r.silent), silent_names=[ln.name for ln in r.lines if ln.status == "silent"],
        late_names=[ln.name for ln in r.lines if ln.status == "late"],
        counts=dict(r.counts), labels=r.labels, lines=lines, bilag=r.bilag)
