"""Reading what the document tables hold for a hearing: its bilag, each answer version's files,
and the secretariat's responses; as rows, and as the small listings mails, pages, the API and the
reports show. Queries only (the store writes in ``hoering.docstore``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from hoering.danish import format_size
from hoering.db.documents import AnswerFile, Document, HearingBilag, HearingResponse
from hoering.db.hearings import Answer, HearingRecipient
from hoering.db.registry import Kommune
from hoering.domain.responses import STANCES


def bilag_of(s: Session, hearing_id: int) -> list[HearingBilag]:
    return list(s.scalars(select(HearingBilag).where(HearingBilag.hearing_id == hearing_id)
                          .order_by(HearingBilag.number)))


@dataclass(frozen=True)
class BilagRow:
    """What a listing shows of a hearing's bilag."""

    number: int
    title: str
    filename: str
    size: int
    sha256: str
    kind: str


def bilag_rows(s: Session, hearing_id: int) -> list[BilagRow]:
    """The hearing's bilag in order, as plain rows (one statement)."""
    return [BilagRow(*row) for row in s.execute(_bilag_rows(), {"hearing_id": hearing_id}).tuples()]


@cache
def _bilag_rows() -> Select[Any]:
    """Built once (every result view reads it): building a select and its cache key on every call
    cost more than running it."""
    b, d = HearingBilag.__table__.c, Document.__table__.c
    return (select(b.number, b.title, b.filename, d.size, d.sha256, d.kind)
            .select_from(HearingBilag.__table__.join(Document.__table__, d.id == b.document_id))
            .where(b.hearing_id == bindparam("hearing_id")).order_by(b.number))


def bilag_listing(rows: list[HearingBilag]) -> list[dict[str, Any]]:
    """What mails and pages show of each bilag."""
    return [{"number": b.number, "title": b.title, "filename": b.filename, "size": b.document.size,
             "size_da": format_size(b.document.size), "sha256": b.document.sha256,
             "kind": b.document.kind} for b in rows]


def bilag_by_number(s: Session, hearing_id: int, number: int) -> HearingBilag | None:
    return s.scalar(select(HearingBilag).where(HearingBilag.hearing_id == hearing_id,
                                               HearingBilag.number == number))


def files_of_answers(s: Session, answer_ids: list[int]) -> dict[int, list[AnswerFile]]:
    """Each answer version's files, in order (one query)."""
    out: dict[int, list[AnswerFile]] = {a: [] for a in answer_ids}
    if not answer_ids:
        return out
    for f in s.scalars(select(AnswerFile).where(AnswerFile.answer_id.in_(answer_ids))
                       .order_by(AnswerFile.answer_id, AnswerFile.position)):
        out[f.answer_id].append(f)
    return out


def file_listing(files: list[AnswerFile]) -> list[dict[str, Any]]:
    return [{"id": f.id, "filename": f.filename, "size": f.document.size,
             "size_da": format_size(f.document.size), "sha256": f.document.sha256,
             "kind": f.document.kind} for f in files]


def answer_file_of_hearing(s: Session, hearing_id: int, file_id: int) -> AnswerFile | None:
    return s.scalar(select(AnswerFile).join(Answer, Answer.id == AnswerFile.answer_id)
                    .where(AnswerFile.id == file_id, Answer.hearing_id == hearing_id))


def answer_file_of_recipient(s: Session, recipient_id: int, file_id: int) -> AnswerFile | None:
    return s.scalar(select(AnswerFile).join(Answer, Answer.id == AnswerFile.answer_id)
                    .where(AnswerFile.id == file_id, Answer.recipient_id == recipient_id))


@dataclass(frozen=True)
class FileRow:
    """What a listing shows of one file an answer version came with (read with the answers:
    ``db.tallying.answers_of``)."""

    id: int
    filename: str
    size: int
    sha256: str
    kind: str


@dataclass(frozen=True)
class Response:
    kommune_code: int
    stance: str
    stance_label: str
    text: str
    version: int
    responded_at: datetime
    responded_by: str
    subject: str | None = None  # what the answer is about (the høringsnotat groups by it)
    summary: str | None = None  # the secretariat's summary of the answer's essential points


def responses_of(s: Session, hearing_id: int) -> dict[int, Response]:
    """The latest response per kommune code. (The result view reads them with the parties:
    ``db.tallying.parties_of``.)"""
    out: dict[int, Response] = {}
    rows = s.execute(select(HearingResponse, Kommune.code)
                     .join(HearingRecipient, HearingRecipient.id == HearingResponse.recipient_id)
                     .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                     .where(HearingResponse.hearing_id == hearing_id)
                     .order_by(HearingResponse.version)).tuples()
    for row, code in rows:
        out[code] = response_of(row, code)
    return out


def response_of(row: HearingResponse, code: int) -> Response:
    return response(code, row.stance, row.text, row.version, row.responded_at, row.responded_by,
                    row.subject, row.summary)


def response(code: int, stance: str, text: str, version: int, at: datetime, by: str,
             subject: str | None = None, summary: str | None = None) -> Response:
    return Response(code, stance, STANCES[stance], text, version, at, by, subject, summary)
