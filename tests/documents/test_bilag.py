"""A hearing's bilag: named in the hearing file (relative paths), kept in the store, attached to
the invitation (read back from a real SMTP server), linked instead above the size limit, listed
in the reminder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from hoering.errors import DefinitionError
from hoering.services.due import run_due_work
from hoering.services.hearings import open_hearing, read_hearing_file
from hoering.services.outbox import send_outbox
from hoering.settings import load_settings
from tests.documents import files
from tests.support import JYFE_DEADLINE, Clock, make_runtime

HEARING = """\
title: Høring om kommissorium for arbejdsgruppe
body: das
kind: consent
question: Kan kommunen tilslutte sig kommissoriet?
recipients: [Aalborg, Læsø, Hjørring]
contacts: [direktoer]
deadline: 2014-05-13T12:00:00+02:00
reminders: [P1D]
bilag:
  - {title: Kommissorium for arbejdsgruppen, file: bilag/kommissorium.pdf}
  - {title: Tidsplan, file: tidsplan.xlsx}
"""


def write_hearing(folder: Path, text: str = HEARING) -> Path:
    (folder / "bilag").mkdir(parents=True, exist_ok=True)
    (folder / "bilag" / "kommissorium.pdf").write_bytes(files.pdf("Kommissorium for arbejdsgruppen"))
    (folder / "tidsplan.xlsx").write_bytes(files.xlsx("Tidsplan"))
    path = folder / "hearing.yaml"
    path.write_text(text)
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_invitations_carry_the_bilag_and_reminders_list_them(rt, sink, clock, tmp_path) -> None:
    path = write_hearing(tmp_path / "h")
    want = {sha((tmp_path / "h/bilag/kommissorium.pdf").read_bytes()), sha((tmp_path / "h/tidsplan.xlsx").read_bytes())}
    hearing_id = open_hearing(rt, read_hearing_file(path), source=str(path))
    assert send_outbox(rt).sent == 3
    for m in sink.messages:
        attached = {a.get_filename(): sha(a.get_content()) for a in m.iter_attachments()}
        assert set(attached) == {"Bilag 1 Kommissorium for arbejdsgruppen.pdf", "Bilag 2 Tidsplan.xlsx"}
        assert set(attached.values()) == want
        text = m.get_body(preferencelist=("plain",)).get_content()
        assert "Bilag 1: Kommissorium for arbejdsgruppen" in text and "vedhæftet" in text
        assert re.search(r"/svar/[A-Za-z0-9_-]{43}/bilag/2", text)
    clock.set(JYFE_DEADLINE.replace(day=12, hour=11))
    assert run_due_work(rt).reminders == 3
    send_outbox(rt)
    reminders = [m for m in sink.messages if "Påmindelse" in str(m["Subject"])]
    assert len(reminders) == 3
    for m in reminders:
        text = m.get_body(preferencelist=("plain",)).get_content()
        assert "Bilag 1: Kommissorium for arbejdsgruppen" in text and "Bilag 2: Tidsplan" in text
        assert not list(m.iter_attachments())
    assert hearing_id


def test_above_the_limit_the_invitation_links_instead(tmp_path, sqlite_url, smtp) -> None:
    controller, sink = smtp
    rt = make_runtime(tmp_path, sqlite_url, Clock(), smtp_host=controller.hostname, smtp_port=controller.port,
                      max_attachment_mb=0.001)  # about 1 kB: the two bilag are larger
    path = write_hearing(tmp_path / "h")
    open_hearing(rt, read_hearing_file(path), source=str(path))
    send_outbox(rt)
    assert len(sink.messages) == 3
    for m in sink.messages:
        assert not list(m.iter_attachments())
        text = m.get_body(preferencelist=("plain",)).get_content()
        assert "for store til at vedhæfte" in text
        assert re.search(r"/svar/[A-Za-z0-9_-]{43}/bilag/1", text)


def test_a_missing_bilag_file_is_named(tmp_path) -> None:
    path = write_hearing(tmp_path / "h", HEARING.replace("tidsplan.xlsx", "mangler.xlsx"))
    with pytest.raises(DefinitionError) as caught:
        read_hearing_file(path)
    assert any("bilag.1.file" in p and "mangler.xlsx" in p and "not found" in p for p in caught.value.problems)


def test_a_bilag_that_is_a_program_is_refused_and_nothing_opens(rt, tmp_path) -> None:
    path = write_hearing(tmp_path / "h")
    (tmp_path / "h/tidsplan.xlsx").write_bytes(files.exe())
    with pytest.raises(DefinitionError) as caught:
        open_hearing(rt, read_hearing_file(path), source=str(path))
    assert any("bilag.1.file" in p and "program" in p for p in caught.value.problems)
    from sqlalchemy import func, select

    from hoering.db.models import Document, Hearing
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Hearing)) == 0
        assert s.scalar(select(func.count()).select_from(Document)) == 0


def test_attachment_limit_setting_default() -> None:
    assert load_settings().max_attachment_mb == 10 and load_settings().max_upload_mb == 20
