"""The documents of a hearing as the views show them: its bilag, each answer version's files,
and the secretariat's responses to the answers (for the høringsnotat). Read alongside the result
record (they are not part of it: files and responses are kept in their own tables)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hoering.danish import format_size
from hoering.db.document_queries import BilagRow, FileRow, Response, bilag_rows
from hoering.db.documents import AnswerFile
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
    subject: str | None = None
    summary: str | None = None


def stored_files(files: list[AnswerFile]) -> tuple[StoredFile, ...]:
    return stored_rows([FileRow(f.id, f.filename, f.document.size, f.document.sha256, f.document.kind)
                        for f in files])


def stored_rows(files: list[FileRow]) -> tuple[StoredFile, ...]:
    return tuple(StoredFile(id=f.id, filename=f.filename, size=f.size, size_da=format_size(f.size),
                            sha256=f.sha256, kind=f.kind) for f in files)


def bilag_shown(s: Session, hearing_id: int) -> tuple[BilagShown, ...]:
    return bilag_shown_of(bilag_rows(s, hearing_id))


def bilag_shown_of(rows: list[BilagRow]) -> tuple[BilagShown, ...]:
    return tuple(_bilag(b) for b in rows)


def _bilag(b: BilagRow) -> BilagShown:
    return BilagShown(number=b.number, title=b.title, filename=b.filename, size=b.size, size_da=format_size(b.size),
                      sha256=b.sha256, kind=b.kind)


def response_shown(r: Response) -> ResponseShown:
    return ResponseShown(stance=r.stance, stance_label=r.stance_label, text=r.text, responded_at=r.responded_at,
                         subject=r.subject, summary=r.summary)
