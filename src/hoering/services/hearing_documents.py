"""A hearing's bilag (the documents the kommuner read with the question): read beside a hearing
file given on the command line, or uploaded in the console or through the API (never a path
given any other way), kept in the document store, numbered from 1; attached to the invitation while
their total stays under ``HOERING_MAX_ATTACHMENT_MB``, linked instead above it.

Every download of a bilag or of an answer's file goes through a token (the contact's answer
link) or the secretariat's login; nothing here is public.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hoering.db.document_queries import bilag_listing, bilag_of
from hoering.db.documents import HearingBilag
from hoering.db.hearings import Hearing
from hoering.definitions import read_beside
from hoering.docstore import kept_name, store_document
from hoering.documents import bilag_filename
from hoering.domain.hearing import HearingBilagDef, HearingDefinition
from hoering.errors import DefinitionError, FileRefused
from hoering.mail.outbox import Attachment


@dataclass(frozen=True)
class BilagFile:
    """A bilag's title and bytes as they reach the hearing: read beside a hearing file given on
    the command line, or uploaded (the console, the API). Nothing else becomes a bilag."""

    title: str
    filename: str
    content: bytes


@dataclass(frozen=True)
class HearingInput:
    """A hearing to open with its bilag. ``definition`` names the bilag by title (and, in a
    hearing file, by file name); their bytes are only ever in ``bilag``."""

    definition: HearingDefinition | Mapping[str, Any]
    bilag: tuple[BilagFile, ...] = ()
    problems: tuple[str, ...] = ()  # bilag that could not be read, each naming its field


def read_hearing_bilag(data: Any, folder: Path) -> HearingInput:
    """A hearing file's data (not yet validated) with the bytes of each bilag it names, read only
    inside ``folder`` (the file's own folder, see ``definitions.read_beside``); a bilag that is
    missing, unreadable or outside the folder is a problem naming its field. Anything malformed
    is left for the validation to name."""
    entries = data.get("bilag") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        return HearingInput(data if isinstance(data, Mapping) else {})
    files, problems = [], []
    for i, b in enumerate(entries):
        if not (isinstance(b, Mapping) and isinstance(b.get("file"), str)):
            continue
        try:
            content = read_beside(folder, b["file"])
        except ValueError as exc:
            problems.append(f"bilag.{i}.file: {exc}")
            continue
        files.append(BilagFile(str(b.get("title") or ""), Path(b["file"]).name, content))
    return HearingInput(data, tuple(files), tuple(problems))


def bilag_problems(definition: HearingDefinition, given: HearingInput) -> list[str]:
    """Each bilag the definition names must come with its bytes: a path in a definition that did
    not come from a hearing file is never read."""
    if given.problems:
        return list(given.problems)
    named = len(definition.bilag)
    if not named or named == len(given.bilag):
        return []
    return [f"bilag.{i}.file: a path is read only from a hearing file given on the command line; "
            "upload the file instead" for i in range(named)]


def with_bilag(definition: HearingDefinition, files: tuple[BilagFile, ...]) -> HearingDefinition:
    """The definition as stored: its bilag by title and file name (never a path on the server)."""
    titles = [b.title for b in definition.bilag] or [f.title for f in files]
    return definition.model_copy(update={"bilag": [
        HearingBilagDef(title=title, file=f.filename) for title, f in zip(titles, files, strict=True)]})


def store_bilag(s: Session, hearing: Hearing, definition: HearingDefinition, files: tuple[BilagFile, ...], *,
                now: datetime, source: str) -> list[HearingBilag]:
    """The bilag under the titles the validated definition gives them (``with_bilag``)."""
    rows, problems = [], []
    for number, (b, f) in enumerate(zip(definition.bilag, files, strict=True), start=1):
        try:
            doc = store_document(s, f.content, f.filename, now=now)
        except FileRefused as exc:
            problems.append(f"bilag.{number - 1}.file: {exc.message}")
            continue
        row = HearingBilag(hearing_id=hearing.id, number=number, title=b.title, filename=kept_name(f.filename, doc),
                           document_id=doc.id)
        row.document = doc
        s.add(row)
        rows.append(row)
    if problems:
        raise DefinitionError(source, problems)
    s.flush()
    return rows


@dataclass(frozen=True)
class BilagForMail:
    listing: list[dict[str, Any]]
    attachments: list[Attachment]  # empty when the bilag are linked instead
    attached: bool


def bilag_for_mail(s: Session, hearing_id: int, *, max_bytes: int) -> BilagForMail:
    rows = bilag_of(s, hearing_id)
    total = sum(b.document.size for b in rows)
    attached = bool(rows) and total <= max_bytes
    attachments = [Attachment(filename=bilag_filename(b.number, b.title, b.filename), content=b.document.content,
                              mime_type=b.document.mime_type.split(";")[0]) for b in rows] if attached else []
    return BilagForMail(bilag_listing(rows), attachments, attached)
