"""The document store: one place for every file the system keeps.

    doc = store_document(session, data, "høringssvar.pdf")             # any known type
    doc = store_document(session, data, name, allowed=ANSWER_TYPES,     # an answer's upload
                         max_bytes=settings.max_upload_bytes)
    data = document_bytes(session, doc.id)

``store_document`` checks the name (no path separators or control characters, not empty), the
size, and the type *by content* (magic bytes; zip-based office files by their members, with the
unpacked size checked before anything is unpacked), then stores the bytes once per SHA-256 in the
caller's transaction and returns the :class:`~hoering.db.documents.Document` row (existing or
new). Anything wrong raises :class:`~hoering.errors.FileRefused` with one Danish sentence and
stores nothing. The caller links the document where it is used (a hearing's bilag, an answer's
file, a reply's attachment) under ``kept_name(name, doc)``, in the same transaction: the name it
came with, carrying the extension of the type its bytes are (``filetypes.stored_name``).

Why the bytes are in the database and not in files: see ``hoering.db.documents``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hoering.danish import format_size
from hoering.db.documents import Document
from hoering.domain.filetypes import TYPES, FileType, clean_filename, detect, detect_allowed, stored_name
from hoering.errors import FileRefused, NotFoundError

__all__ = ["FileRefused", "check_document", "document_bytes", "format_size", "kept_name", "store_document"]


def check_document(data: bytes, filename: str, *, allowed: frozenset[str] | None = None,
                   allowed_da: str = "", max_bytes: int | None = None) -> tuple[str, FileType]:
    """The name ``data`` is kept under (cleaned, with its type's extension) and its type, or
    FileRefused. Stores nothing."""
    name = clean_filename(filename)
    if max_bytes is not None and len(data) > max_bytes:
        raise FileRefused("too_big", f"«{name}» fylder {format_size(len(data))}; en fil må højst "
                          f"fylde {format_size(max_bytes)}.")
    kind = detect(data, name) if allowed is None else detect_allowed(data, name, allowed, allowed_da)
    return stored_name(name, kind), kind


def kept_name(filename: str, doc: Document) -> str:
    """The name a stored document is linked under where it is used: the name it came with,
    cleaned, with the extension of the type its bytes are."""
    return stored_name(clean_filename(filename), TYPES[doc.kind])


def store_document(session: Session, data: bytes, filename: str, *,
                   allowed: frozenset[str] | None = None, allowed_da: str = "",
                   max_bytes: int | None = None, now: datetime | None = None) -> Document:
    """Check ``data`` and keep it once by its SHA-256 (in the caller's transaction)."""
    name, kind = check_document(data, filename, allowed=allowed, allowed_da=allowed_da,
                                max_bytes=max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    found = session.scalar(select(Document).where(Document.sha256 == digest))
    if found is not None:
        return found
    doc = Document(sha256=digest, size=len(data), kind=kind.key, mime_type=kind.mime_type,
                   filename=name, stored_at=now or datetime.now(UTC), content=data)
    # a savepoint, so a concurrent insert of the same bytes costs this one row, not the caller's
    # whole transaction (the unique sha256 decides who stored it first)
    try:
        with session.begin_nested():
            session.add(doc)
            session.flush()
    except IntegrityError:
        found = session.scalar(select(Document).where(Document.sha256 == digest))
        if found is None:
            raise
        return found
    return doc


def document_bytes(session: Session, document_id: int) -> bytes:
    data = session.scalar(select(Document.content).where(Document.id == document_id))
    if data is None:
        raise NotFoundError(f"no document {document_id}")
    return data
