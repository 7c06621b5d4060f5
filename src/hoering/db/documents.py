"""Tables of the document store and of the documents hearings use.

Every file the system keeps — a hearing's bilag, a file a kommune answered with, an attachment of
a reply mail, a meeting item's bilag — is one ``document`` row, addressed by the SHA-256 of its
bytes: the same file uploaded twice is stored once. Rows that *use* a document (``hearing_bilag``,
``answer_file``, a meeting's ``bilag``) carry the name and title it was given there, since one
content can arrive under different names.

The bytes live in the database (``content``), not in files under the home. Why: the answer that
refers to a file and the file itself are written in one transaction, so a crash can never leave
an answer pointing at a missing file or a file nobody refers to; a database backup (``pg_dump``,
or the SQLite file) holds every document with no second place to copy and keep in step; and
several web processes on different hosts see the same files without a shared disk. The cost is
a bigger database; files are capped (``HOERING_MAX_UPLOAD_MB``) and stored once per content.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from hoering.db.base import Base
from hoering.db.hearings import Answer, Hearing, HearingRecipient
from hoering.db.types import UTCDateTime


class Document(Base):
    """One stored file, by content. ``kind`` is the type found in the bytes (``pdf``, ``docx``
    ...), ``mime_type`` its media type; ``filename`` the name it first arrived under."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    mime_type: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(255))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # deferred: listing documents (status, export, the API) never loads their bytes
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class HearingBilag(Base):
    """A bilag of a hearing (``bilag:`` in the hearing file), numbered from 1."""

    __tablename__ = "hearing_bilag"
    __table_args__ = (UniqueConstraint("hearing_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(255))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))

    hearing: Mapped[Hearing] = relationship()
    document: Mapped[Document] = relationship(lazy="joined")


class AnswerFile(Base):
    """A file given with one version of an answer. A new version lists its own files (those
    kept from the version before are listed again), so every version keeps what it had."""

    __tablename__ = "answer_file"
    __table_args__ = (UniqueConstraint("answer_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id"), index=True)
    position: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))

    answer: Mapped[Answer] = relationship()
    document: Mapped[Document] = relationship(lazy="joined")


class HearingResponse(Base):
    """The secretariat's response (bemærkning) to a kommune's answer, for the høringsnotat.
    Versions are kept; the latest stands in the notat."""

    __tablename__ = "hearing_response"
    __table_args__ = (UniqueConstraint("recipient_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("hearing_recipient.id"))
    version: Mapped[int]
    stance: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(120))  # the høringsnotat groups answers by it
    summary: Mapped[str | None] = mapped_column(Text)  # the answer's essential points, in a few lines
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_by: Mapped[str] = mapped_column(String(200))

    recipient: Mapped[HearingRecipient] = relationship()
