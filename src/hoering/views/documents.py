"""The documents of a hearing as the views show them: its bilag, each answer version's files,
and the secretariat's responses to the answers (for the høringsnotat). Read alongside the result
record (they are not part of it: files and responses are kept in their own tables)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hoering.danish import format_size
from hoering.db.document_queries import bilag_of, files_by_version, files_of_answers, responses_of
from hoering.db.documents import AnswerFile, HearingBilag
from hoering.domain.result import Moment
from hoering.views.base import View


class StoredFile(View):
    """A file an answer came with (download: the contact's link, or the secretariat's page)."""

    id: int
    filename: str
    size: int
    size_da: str
    sha256: str
    kind: str


class BilagShown(View):
    """A hearing's bilag, numbered from 1."""

    number: int
    title: str
    filename: str
    size: int
    size_da: str
    sha256: str
    kind: str


class ResponseShown(View):
    """The secretariat's response to a party's answer (the latest version)."""

    stance: str
    stance_label: str
    text: str
    responded_at: Moment


def stored_files(files: list[AnswerFile]) -> tuple[StoredFile, ...]:
    return tuple(stored_file(f.id, f.filename, f.document.size, f.document.sha256, f.document.kind)
                 for f in files)


def stored_file(file_id: int, filename: str, size: int, sha256: str, kind: str) -> StoredFile:
    return StoredFile(id=file_id, filename=filename, size=size, size_da=format_size(size), sha256=sha256, kind=kind)


def bilag_shown(s: Session, hearing_id: int) -> tuple[BilagShown, ...]:
    return bilag_rows_shown(bilag_of(s, hearing_id))


def bilag_rows_shown(rows: list[HearingBilag]) -> tuple[BilagShown, ...]:
    return tuple(bilag_line(b.number, b.title, b.filename, b.document.size, b.document.sha256, b.document.kind)
                 for b in rows)


def bilag_line(number: int, title: str, filename: str, size: int, sha256: str, kind: str) -> BilagShown:
    return BilagShown(number=number, title=title, filename=filename, size=size, size_da=format_size(size),
                      sha256=sha256, kind=kind)


def files_shown(s: Session, hearing_id: int) -> dict[tuple[int, int], tuple[StoredFile, ...]]:
    """Every answer version's files, by (kommune code, version)."""
    return {key: stored_files(files) for key, files in files_by_version(s, hearing_id).items()}


def files_of_answer(s: Session, answer_id: int) -> tuple[StoredFile, ...]:
    return stored_files(files_of_answers(s, [answer_id])[answer_id])


def responses_shown(s: Session, hearing_id: int) -> dict[int, ResponseShown]:
    """The latest response per kommune code."""
    return {code: ResponseShown(stance=r.stance, stance_label=r.stance_label, text=r.text,
                                responded_at=r.responded_at)
            for code, r in responses_of(s, hearing_id).items()}
