"""The result of a hearing: the stored record of a closed hearing (or the tally so far of an
open one), with the answers' content and the history of earlier closes.

What ``hoering hearing result`` prints (``--json``: this model as JSON), ``/api/hearings/{id}/
result`` returns, and the secretariat's page, the result mail, the høringsnotat, the exports and
the flow artifacts render.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from hoering.danish import format_amount
from hoering.db.hearings import Hearing
from hoering.db.lookup import get_hearing
from hoering.domain.result import Moment, RecordLine, ResultRecord
from hoering.domain.tally import AnswerVersion
from hoering.domain.wording import closing_note
from hoering.runtime import Runtime
from hoering.views.base import View
from hoering.views.documents import BilagShown, ResponseShown, StoredFile, bilag_shown, response_shown, stored_rows
from hoering.views.record import Read, read_answers, record_in_force, stored_record


class AnswerShown(View):
    """One version of a kommune's answer, with its option's label."""

    version: int
    option: str | None
    label: str | None
    text: str | None
    comment: str | None
    channel: str
    answered_by: str
    received_at: Moment
    late: bool
    files: tuple[StoredFile, ...] = ()


class ResultLine(RecordLine):
    """A hørt part's line of the record, with the shown answer and every version (oldest first),
    and the secretariat's response to it (for the høringsnotat)."""

    answer: AnswerShown | None
    every_version: tuple[AnswerShown, ...]
    response: ResponseShown | None = None


class ResultVersion(View):
    """One stored close of the hearing."""

    version: int
    created_at: Moment
    created_by: str
    forced: bool
    outcome: str | None
    summary: str | None


class HearingResult(ResultRecord, View):
    """The record (every field of :class:`ResultRecord`) plus the hearing it belongs to."""

    hearing: int
    title: str
    body: str  # the body's key
    status: str
    closed_at: Moment | None
    closing_note: str | None  # closed before the deadline: "Høringen blev lukket før fristen, den ..."
    frozen: bool  # True: read from the stored record; False: the tally so far
    version: int | None  # the stored version shown
    recorded_at: Moment | None
    lines: tuple[ResultLine, ...]  # type: ignore[assignment]
    total_da: str | None
    history: tuple[ResultVersion, ...]  # every stored close, oldest first
    bilag: tuple[BilagShown, ...] = ()

    def line(self, code: int) -> ResultLine | None:
        return next((ln for ln in self.lines if ln.code == code), None)


def hearing_result(rt: Runtime, hearing_id: int) -> HearingResult:
    """The result of one hearing, read in one transaction."""
    with rt.db.read() as s:
        return result_of(s, get_hearing(s, hearing_id, with_body=True))


def result_of(s: Session, hearing: Hearing, read: Read | None = None) -> HearingResult:
    """The result view of ``hearing`` inside the caller's transaction. The parties (with the
    responses) and the answers (with their files) are read once, in two statements (or given in
    ``read``, as ``record.read_answers`` gives them): the tally so far of an open hearing and the
    lines all come from them."""
    parties, answers = read or read_answers(s, hearing)
    in_force = record_in_force(s, hearing, (parties, answers))
    record = in_force.record
    responses = {code: response_shown(r) for code, r in parties.responses.items()}
    by_code: dict[int, list[AnswerShown]] = defaultdict(list)
    for v in answers.versions:
        by_code[v.code].append(shown(v, record, stored_rows(answers.files.get((v.code, v.version), []))))
    lines = []
    for ln in record.lines:
        versions = tuple(sorted(by_code.get(ln.code, []), key=lambda a: a.version))
        answer = next((a for a in versions if a.version == ln.shown_version), None)
        lines.append(ResultLine(**dict(ln), answer=answer, every_version=versions,
                                response=responses.get(ln.code)))
    history = []
    for row in in_force.rows:
        old = stored_record(row)
        history.append(ResultVersion(version=row.version, created_at=row.created_at,
                                     created_by=row.created_by, forced=row.forced,
                                     outcome=old.outcome if old else None,
                                     summary=old.summary if old else None))
    total = record.total
    fields = {name: getattr(record, name) for name in ResultRecord.model_fields if name != "lines"}
    return HearingResult(
        **fields, lines=tuple(lines), hearing=hearing.id, title=hearing.title, body=hearing.body.key,
        status=hearing.status, closed_at=hearing.closed_at, frozen=in_force.frozen,
        closing_note=closing_note(
            deadline=record.deadline, closed_at=hearing.closed_at if hearing.status == "closed" else None,
            silent=sum(1 for ln in record.lines if ln.status == "silent"),
            silence_label=record.label(record.silence_option)),
        version=in_force.row.version if in_force.row else None,
        recorded_at=in_force.row.created_at if in_force.row else None,
        total_da=format_amount(total) if total is not None else None,
        history=tuple(history), bilag=bilag_shown(s, hearing.id))


def shown(v: AnswerVersion, record: ResultRecord, files: tuple[StoredFile, ...] = ()) -> AnswerShown:
    return AnswerShown(version=v.version, option=v.option, label=record.label(v.option) if v.option else None,
                       text=v.text, comment=v.comment, channel=v.channel, answered_by=v.answered_by,
                       received_at=v.received_at, late=v.late, files=files)
