"""A hearing's bilag (the documents the kommuner read with the question): read from the files the
hearing file names, kept in the document store, numbered from 1; attached to the invitation while
their total stays under ``HOERING_MAX_ATTACHMENT_MB``, linked instead above it.

Every download of a bilag or of an answer's file goes through a token (the contact's answer
link) or the secretariat's login; nothing here is public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hoering.db.document_queries import bilag_listing, bilag_of
from hoering.db.documents import HearingBilag
from hoering.db.hearings import Hearing
from hoering.docstore import store_document
from hoering.domain.hearing import HearingDefinition
from hoering.errors import DefinitionError, FileRefused
from hoering.mail.outbox import Attachment


def resolve_bilag_paths(definition: HearingDefinition, base_dir: Path, source: str) -> HearingDefinition:
    """The definition with each bilag's ``file`` made absolute (relative to ``base_dir``, the
    hearing file's folder); a file that is not there is an error naming it."""
    if not definition.bilag:
        return definition
    problems = []
    resolved = []
    for i, b in enumerate(definition.bilag):
        path = (base_dir / b.file).resolve()
        if not path.is_file():
            problems.append(f"bilag.{i}.file: {path} not found")
        resolved.append(b.model_copy(update={"file": str(path)}))
    if problems:
        raise DefinitionError(source, problems)
    return definition.model_copy(update={"bilag": resolved})


def read_bilag(definition: HearingDefinition, source: str) -> list[bytes]:
    """The bytes of each bilag (before the transaction that opens the hearing)."""
    out, problems = [], []
    for i, b in enumerate(definition.bilag):
        try:
            out.append(Path(b.file).read_bytes())
        except OSError as exc:
            problems.append(f"bilag.{i}.file: {b.file} cannot be read ({exc.strerror or exc})")
    if problems:
        raise DefinitionError(source, problems)
    return out


def store_bilag(s: Session, hearing: Hearing, definition: HearingDefinition, contents: list[bytes], *,
                now: datetime, source: str) -> list[HearingBilag]:
    rows, problems = [], []
    for number, (b, data) in enumerate(zip(definition.bilag, contents, strict=True), start=1):
        name = Path(b.file).name
        try:
            doc = store_document(s, data, name, now=now)
        except FileRefused as exc:
            problems.append(f"bilag.{number - 1}.file: {exc.message}")
            continue
        row = HearingBilag(hearing_id=hearing.id, number=number, title=b.title, filename=name,
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
    attachments = [Attachment(filename=b.filename, content=b.document.content,
                              mime_type=b.document.mime_type.split(";")[0]) for b in rows] if attached else []
    return BilagForMail(bilag_listing(rows), attachments, attached)


def resolve_raw_bilag_paths(data: Any, base_dir: Path) -> Any:
    """A hearing file's data (not yet validated) with each readable bilag ``file`` made absolute
    against ``base_dir``; anything malformed is left for the validation to name."""
    if not isinstance(data, dict) or not isinstance(data.get("bilag"), list):
        return data
    bilag = [{**b, "file": str((base_dir / b["file"]).resolve())}
             if isinstance(b, dict) and isinstance(b.get("file"), str) else b for b in data["bilag"]]
    return {**data, "bilag": bilag}
