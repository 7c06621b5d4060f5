"""What the answer page shows for one personal link: a read model, built in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select

from hoering.db.models import Answer
from hoering.runtime import Runtime
from hoering.services.answers import find_token
from hoering.services.tallying import definition_of, tally_hearing

State = Literal["open", "late", "closed"]


@dataclass(frozen=True)
class ShownAnswer:
    option: str | None
    label: str | None
    text: str | None
    comment: str | None
    version: int
    received_at: datetime
    late: bool
    answered_by: str


@dataclass(frozen=True)
class AnswerPage:
    hearing_id: int
    title: str
    body: str
    kind: str
    question: str
    background: str | None
    deadline: datetime
    state: State
    late_counts: bool
    options: list[dict[str, str]]
    total: Any
    kommune: str
    kommune_code: int
    person: str
    latest: ShownAnswer | None
    counted: ShownAnswer | None

    @property
    def takes_answers(self) -> bool:
        return self.state != "closed"


def answer_page(rt: Runtime, token: str) -> AnswerPage | None:
    """The page behind ``token``, or None for an unknown, malformed or revoked link."""
    now = rt.now()
    with rt.db.read() as s:
        row = find_token(s, token)
        if row is None:
            return None
        recipient = row.recipient
        hearing = recipient.hearing
        d = definition_of(hearing)
        labels = {o.key: o.label for o in d.answer_options}
        latest_row = s.scalar(select(Answer).where(Answer.recipient_id == recipient.id)
                              .order_by(Answer.version.desc()).limit(1))
        latest = _shown(latest_row, labels) if latest_row else None
        line = next(ln for ln in tally_hearing(s, hearing).lines if ln.code == recipient.kommune.code)
        counted = None
        if line.status == "answered" and line.answer is not None:
            a = line.answer
            counted = ShownAnswer(a.option, labels.get(a.option or ""), a.text, a.comment, a.version,
                                  a.received_at, a.late, a.answered_by)
        if hearing.status != "open":
            state: State = "closed"
        elif now > hearing.deadline:
            state = "late"
        else:
            state = "open"
        return AnswerPage(
            hearing_id=hearing.id, title=hearing.title, body=hearing.body.long_name or hearing.body.name,
            kind=hearing.kind, question=d.question, background=d.background,
            deadline=hearing.deadline, state=state, late_counts=d.late == "count",
            options=[{"key": o.key, "label": o.label} for o in d.answer_options],
            total=d.allocation.total if d.allocation else None,
            kommune=recipient.kommune.display_name, kommune_code=recipient.kommune.code,
            person=row.person.name, latest=latest, counted=counted,
        )


def _shown(a: Answer, labels: dict[str, str]) -> ShownAnswer:
    return ShownAnswer(a.option, labels.get(a.option or ""), a.text, a.comment, a.version,
                       a.received_at, a.late, a.answered_by)
