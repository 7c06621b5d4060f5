"""What the answer page shows for one personal link: a read model, built in one transaction
(two statements for an open hearing).

The answer that counts is decided as the tally decides it (``domain.tally.counting_version``)
for an open hearing, and read from the stored result record once the hearing is closed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from hoering.db.documents import AnswerFile, HearingBilag
from hoering.db.hearings import Answer, AnswerToken, Hearing, HearingRecipient
from hoering.db.lookup import is_live, token_digest
from hoering.db.tallying import definition_of
from hoering.domain.result import Moment, OptionLabel
from hoering.domain.tally import AnswerVersion, counting_version
from hoering.runtime import Runtime
from hoering.views.base import View
from hoering.views.documents import BilagShown, StoredFile, bilag_rows_shown, stored_files
from hoering.views.record import record_in_force
from hoering.views.result import AnswerShown

State = Literal["open", "late", "closed"]


class AnswerPage(View):
    hearing_id: int
    title: str
    body: str
    kind: str
    question: str
    background: str | None
    deadline: Moment
    closed_at: Moment | None  # set once closed
    state: State
    late_counts: bool
    options: list[OptionLabel]
    total: Decimal | None
    kommune: str
    kommune_code: int
    person: str
    latest: AnswerShown | None
    counted: AnswerShown | None
    bilag: tuple[BilagShown, ...] = ()

    @property
    def takes_answers(self) -> bool:
        return self.state != "closed"

    @property
    def closed_early(self) -> bool:
        """Closed before its deadline: a kommune without an answer did not miss the deadline."""
        return self.closed_at is not None and self.closed_at < self.deadline


# Built once (with bind parameters): constructing a statement with its loader options costs
# about as much as running it.
_to_recipient = joinedload(AnswerToken.recipient)
_PAGE = (select(AnswerToken, HearingBilag)
         .join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
         .outerjoin(HearingBilag, HearingBilag.hearing_id == HearingRecipient.hearing_id)
         .where(AnswerToken.token_hash == bindparam("digest"))
         .options(joinedload(AnswerToken.person), _to_recipient.joinedload(HearingRecipient.kommune),
                  _to_recipient.joinedload(HearingRecipient.hearing).joinedload(Hearing.body))
         .order_by(HearingBilag.number))
_VERSIONS = (select(Answer, AnswerFile)
             .outerjoin(AnswerFile, AnswerFile.answer_id == Answer.id)
             .where(Answer.recipient_id == bindparam("recipient"))
             .order_by(Answer.version, AnswerFile.position))


def answer_page(rt: Runtime, token: str) -> AnswerPage | None:
    """The page behind ``token``, or None for an unknown, malformed or revoked link."""
    digest = token_digest(token)
    if digest is None:
        return None
    now = rt.now()
    with rt.db.read() as s:
        # two statements (issue 17). One: the token, its person, recipient, kommune, hearing and
        # body, and the hearing's bilag (a row per bilag). Two: the answer versions with their files.
        rows = s.execute(_PAGE, {"digest": digest}).tuples().all()
        row = rows[0][0] if rows else None
        if row is None or not is_live(row, digest):
            return None
        bilag = bilag_rows_shown([b for _, b in rows if b is not None])
        recipient = row.recipient
        hearing = recipient.hearing
        d = definition_of(hearing)
        labels = d.labels
        answers: dict[int, Answer] = {}
        files: dict[int, list[AnswerFile]] = {}
        for a, f in s.execute(_VERSIONS, {"recipient": recipient.id}).tuples():
            answers[a.id] = a
            files.setdefault(a.id, [])
            if f is not None:
                files[a.id].append(f)
        versions = list(answers.values())
        shown = {a.version: _shown(a, labels, stored_files(files[a.id])) for a in versions}
        latest = shown[versions[-1].version] if versions else None
        if hearing.status == "closed":
            record = record_in_force(s, hearing).record
            line = next((ln for ln in record.lines if ln.code == recipient.kommune.code), None)
            counted_version = line.shown_version if line and line.status == "answered" else None
        else:
            counted_at = counting_version([AnswerVersion(code=recipient.kommune.code, version=a.version,
                                                         option=a.option, received_at=a.received_at, late=a.late)
                                           for a in versions], count_late=d.late == "count")
            counted_version = counted_at.version if counted_at else None
        if hearing.status != "open":
            state: State = "closed"
        elif now > hearing.deadline:
            state = "late"
        else:
            state = "open"
        return AnswerPage(
            hearing_id=hearing.id, title=hearing.title, body=hearing.body.long_name or hearing.body.name,
            kind=hearing.kind, question=d.question, background=d.background,
            deadline=hearing.deadline, closed_at=hearing.closed_at if state == "closed" else None,
            state=state, late_counts=d.late == "count",
            options=[OptionLabel(key=o.key, label=o.label) for o in d.answer_options],
            total=d.allocation.total if d.allocation else None,
            kommune=recipient.kommune.display_name, kommune_code=recipient.kommune.code,
            person=row.person.name, latest=latest,
            counted=shown.get(counted_version) if counted_version is not None else None,
            bilag=bilag,
        )


def _shown(a: Answer, labels: dict[str, str], files: tuple[StoredFile, ...]) -> AnswerShown:
    return AnswerShown(version=a.version, option=a.option, label=labels.get(a.option or ""), text=a.text,
                       comment=a.comment, channel=a.channel, answered_by=a.answered_by,
                       received_at=a.received_at, late=a.late, files=files)
