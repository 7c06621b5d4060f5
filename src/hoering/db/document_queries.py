"""Reading what the document tables hold for a hearing: its bilag, each answer version's files,
and the secretariat's responses; as rows, and as the small listings mails, pages, the API and the
reports show. Queries only (the store writes in ``hoering.docstore``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.danish import format_size
from hoering.db.documents import AnswerFile, HearingBilag, HearingResponse
from hoering.db.hearings import Answer, HearingRecipient
from hoering.db.registry import Kommune
from hoering.domain.responses import STANCES


def bilag_of(s: Session, hearing_id: int) -> list[HearingBilag]:
    return list(s.scalars(select(HearingBilag).where(HearingBilag.hearing_id == hearing_id)
                          .order_by(HearingBilag.number)))


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


def files_by_version(s: Session, hearing_id: int) -> dict[tuple[int, int], list[AnswerFile]]:
    """Every answer version's files in a hearing, by (kommune code, version)."""
    rows = s.execute(select(Answer.id, Kommune.code, Answer.version)
                     .join(HearingRecipient, HearingRecipient.id == Answer.recipient_id)
                     .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                     .where(Answer.hearing_id == hearing_id)).tuples().all()
    files = files_of_answers(s, [r[0] for r in rows])
    return {(code, version): files[answer_id] for answer_id, code, version in rows}


@dataclass(frozen=True)
class Response:
    kommune_code: int
    stance: str
    stance_label: str
    text: str
    version: int
    responded_at: datetime
    responded_by: str


def responses_of(s: Session, hearing_id: int) -> dict[int, Response]:
    """The latest response per kommune code."""
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
    return Response(code, row.stance, STANCES[row.stance], row.text, row.version, row.responded_at,
                    row.responded_by)
