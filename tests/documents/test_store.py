"""The store keeps each content once, by SHA-256, with its type by content; a refused file
leaves nothing behind; meeting bilag stored before the store moved into it."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import func, select

from hoering.danish import format_size
from hoering.db.documents import Document
from hoering.db.migrate import alembic_config
from hoering.docstore import document_bytes, store_document
from hoering.domain.filetypes import ANSWER_TYPES, ANSWER_TYPES_DA
from hoering.errors import FileRefused
from hoering.runtime import Runtime
from tests.documents import files


def test_same_bytes_are_stored_once(rt: Runtime) -> None:
    data = files.pdf("Kommissorium")
    with rt.db.transaction() as s:
        first = store_document(s, data, "kommissorium.pdf")
        again = store_document(s, data, "andet navn.pdf")
        assert first.id == again.id
        doc_id = first.id
    with rt.db.read() as s:
        doc = s.get(Document, doc_id)
        assert doc is not None
        assert (doc.sha256, doc.size, doc.kind, doc.mime_type, doc.filename) == (
            hashlib.sha256(data).hexdigest(), len(data), "pdf", "application/pdf", "kommissorium.pdf")
        assert document_bytes(s, doc_id) == data
        assert s.scalar(select(func.count()).select_from(Document)) == 1


@pytest.mark.parametrize(("data", "name", "reason"), [
    (b"ikke en pdf", "svar.pdf", "not_pdf"),
    (b"", "svar.pdf", "empty"),
    (files.pdf(), "", "no_name"),
    (files.pdf(), "../svar.pdf", "path_in_name"),
    (files.pdf(), "svar\r.pdf", "control_in_name"),
    (files.zip_bomb_docx(30), "svar.docx", "zip_bomb"),
    (files.exe(), "svar.pdf", "executable"),
])
def test_refused_files_leave_nothing(rt: Runtime, data: bytes, name: str, reason: str) -> None:
    with pytest.raises(FileRefused) as caught, rt.db.transaction() as s:
        store_document(s, data, name, allowed=ANSWER_TYPES, allowed_da=ANSWER_TYPES_DA)
    assert caught.value.reason == reason
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0


def test_size_limit(rt: Runtime) -> None:
    data = files.pdf()
    with pytest.raises(FileRefused) as caught, rt.db.transaction() as s:
        store_document(s, data, "svar.pdf", max_bytes=len(data) - 1)
    assert caught.value.reason == "too_big"
    assert "en fil må højst fylde" in caught.value.message


def test_sizes_in_danish() -> None:
    assert [format_size(n) for n in (512, 14_000, 2_621_440, 25 * 1024 * 1024)] == \
        ["512 byte", "14 kB", "2,5 MB", "25 MB"]


def test_meeting_bilag_move_into_the_store(tmp_path) -> None:
    """A database at 0002 with a bilag's bytes in the bilag row: after the upgrade the bytes are a
    document, and the bilag still reads them (same SHA-256, size and content)."""
    from hoering.db.session import Database

    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(db)
    data = files.pdf("Gammelt bilag")
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003_meeting_changes")
        conn.execute(sa.text("INSERT INTO item (id, title, kind, state, raised_by, sagsbeskrivelse, for_kkr,"
                             " created_at) VALUES (1, 'Sag', 'beslutning', 'rejst', 'x', '{}', 0,"
                             " '2024-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO bilag (item_id, position, title, filename, mime_type, size, sha256,"
                             " content) VALUES (1, 1, 'Bilag', 'b.pdf', 'application/pdf', :n, :h, :c)"),
                     {"n": len(data), "h": hashlib.sha256(data).hexdigest(), "c": data})
        command.upgrade(config, "head")
    from sqlalchemy.orm import Session

    from hoering.db.meetings import Bilag

    with Session(db.engine) as s:
        bilag = s.scalars(select(Bilag)).one()
        assert (bilag.sha256, bilag.size, bilag.content, bilag.filename) == (
            hashlib.sha256(data).hexdigest(), len(data), data, "b.pdf")
    db.dispose()
