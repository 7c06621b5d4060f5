"""Erasing a person leaves them nowhere: a director who answered on the web with a DOCX and a
PDF and replied by mail over IMAP (base64 body) is searched for, by name and by address, in the
database (every column, mail decoded, files unpacked), in the mailbox's folders and under
HOERING_HOME after the erasure: nothing found, the audit chain whole, the tally unchanged.

The search here is the test's own (the standard library, python-docx's zip, poppler's
pdftotext), not the code under test."""

from __future__ import annotations

import email
import email.policy
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from bench.dovecot import dovecot_missing
from reportlab.pdfgen import canvas
from sqlalchemy import inspect, select, update

from hoering.db.models import AnswerFile, AnswerToken, Base, Document, HearingRecipient, Kommune, OutboxMessage, Person
from hoering.errors import HoeringError
from hoering.mail.sink import MailSink
from hoering.runtime import Runtime
from hoering.services.answers import GivenFile, record_answer_by_token
from hoering.services.audit_verify import verify_audit
from hoering.services.backup import backup
from hoering.services.hearings import close_hearing, open_hearing
from hoering.services.inbox import read_inbox
from hoering.services.journal import Scope, journal_export
from hoering.services.outbox import send_outbox
from hoering.services.privacy import erase_person, export_report, privacy_report
from hoering.tokens import address_for
from hoering.views.result import hearing_result
from tests.documents import files
from tests.inbox.support import REPLY_ADDRESS, Mailbox, imap_settings, running_mailbox
from tests.support import Clock, jyfe, make_runtime

WHO = "socialdirektoer@laesoe.kommune.example"
NAME = "Birthe Kjærgaard Nørlund"
LINK = re.compile(r"/svar/([A-Za-z0-9_-]{43})")
ALLOCATION = {"total": "120000.00", "key": "equal", "pool_option": "pulje", "payout_option": "udbetaling"}


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    if reason := dovecot_missing():
        pytest.skip(reason)
    yield from running_mailbox()


@pytest.fixture
def inbox_rt(tmp_path: Path, database_url: str, clock: Clock, smtp: tuple[object, MailSink],
             mailbox: Mailbox) -> Runtime:
    controller, _ = smtp
    return make_runtime(tmp_path, database_url, clock, smtp_host=controller.hostname,  # type: ignore[attr-defined]
                        smtp_port=controller.port, **imap_settings(mailbox.server))  # type: ignore[attr-defined]


def compressed_pdf(text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=1)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


def texts(data: bytes) -> Iterator[str]:
    """Every way a value can be read: as text, unpacked (zip), as a PDF's text, as a decoded mail."""
    yield data.decode("utf-8", "replace")
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in z.namelist():
                yield z.read(n).decode("utf-8", "replace")
                yield re.sub(r"<[^>]+>", "", z.read(n).decode("utf-8", "replace"))  # runs split by tags
    elif data[:5] == b"%PDF-":
        yield subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True).stdout.decode("utf-8", "replace")
    elif re.search(rb"^(Subject|From|To|Content-Type|MIME-Version):", data[:20000], re.MULTILINE):
        m = email.message_from_bytes(data, policy=email.policy.default)
        for part in m.walk():
            yield " ".join(str(v) for v in part.values())
            if not part.is_multipart():
                yield from texts(part.get_payload(decode=True) or b"")


def found(data: bytes, needles: tuple[str, ...]) -> bool:
    return any(n.lower() in t.lower() for t in texts(data) for n in needles)


def in_database(rt: Runtime, needles: tuple[str, ...]) -> list[str]:
    hits = []
    with rt.db.engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in names:
                continue
            for row in conn.execute(select(table)):
                for column, value in row._mapping.items():
                    if value is None:
                        continue
                    data = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                    if found(data, needles):
                        hits.append(f"{table.name}.{column}")
    return sorted(set(hits))


def in_folder(home: Path, needles: tuple[str, ...]) -> list[str]:
    hits = []
    for root, _, names in os.walk(home):
        for name in names:
            path = Path(root) / name
            if path.suffix in (".db", ".db-wal", ".db-shm", ".db-journal"):
                continue  # the live database: searched column by column above
            if found(path.read_bytes(), needles):
                hits.append(str(path.relative_to(home)))
    return sorted(hits)


def in_mailbox(mailbox: Mailbox, needles: tuple[str, ...]) -> list[str]:
    hits = []
    with mailbox.box() as box:
        for folder in box.folder.list():
            box.folder.set(folder.name)
            for msg in box.fetch(mark_seen=False):
                if found(msg.obj.as_bytes(), needles):
                    hits.append(f"{folder.name}/{msg.uid}")
    return hits


def reply_by_mail(rt: Runtime, hearing_id: int, mailbox: Mailbox) -> None:
    with rt.db.read() as s:
        token_id, invitation = s.execute(
            select(AnswerToken.id, OutboxMessage.message_id)
            .join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id)
            .join(Person, Person.id == AnswerToken.person_id)
            .join(OutboxMessage, (OutboxMessage.person_id == Person.id) & (OutboxMessage.kind == "invitation"))
            .where(HearingRecipient.hearing_id == hearing_id, Person.email == WHO)).one()
    m = EmailMessage(policy=SMTP)
    m["From"] = f"{NAME} <{WHO}>"
    m["To"] = address_for(REPLY_ADDRESS, rt.secret, "r", token_id)
    m["Subject"] = "SV: Mailhøring: Tilbagebetaling af tiloversblevne midler fra JYFE"
    m["Message-ID"] = "<svar-1@laesoe.kommune.example>"
    m["In-Reply-To"] = invitation
    m.set_content(f"Vi ønsker udbetaling.\n\nMed venlig hilsen\n{NAME}\n{WHO}\n", cte="base64")
    raw = m.as_bytes()
    assert WHO.encode() not in raw.split(b"\r\n\r\n", 1)[1], "the body is base64"
    mailbox.append([raw])
    report = read_inbox(rt)
    assert report.fetched == 1


def test_erase_a_person_everywhere(inbox_rt: Runtime, sink: MailSink, mailbox: Mailbox,
                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    rt, needles = inbox_rt, (NAME, WHO)
    with rt.db.transaction() as s:
        s.execute(update(Person).where(Person.email == WHO).values(name=NAME))
    hid = open_hearing(rt, jyfe(allocation=ALLOCATION))
    send_outbox(rt)
    mail = next(m for m in sink.messages if m["To"].addresses[0].addr_spec == WHO)
    token = LINK.search(mail.get_body(preferencelist=("plain",)).get_content()).group(1)
    pdf = compressed_pdf(f"Svar fra {NAME} ({WHO})")
    assert WHO.encode() not in pdf, "the PDF's text is compressed"
    record_answer_by_token(rt, token, option="udbetaling", comment=f"Spørgsmål til {NAME}", files=[
        GivenFile("svar.docx", files.docx_file(f"Høringssvar. Kontakt: {NAME}, {WHO}")),
        GivenFile("underskrevet.pdf", pdf)])
    send_outbox(rt)
    reply_by_mail(rt, hid, mailbox)
    send_outbox(rt)
    close_hearing(rt, hid, force=True)
    send_outbox(rt)
    before = hearing_result(rt, hid).model_dump(mode="json")
    # what the search must find before: every kind of copy
    db_before = in_database(rt, needles)
    for place in ("document.content", "inbox_message.raw", "outbox_copy.raw", "answer.answered_by"):
        assert place in db_before, (place, db_before)
    assert in_mailbox(mailbox, needles) and mailbox.count("Behandlet") == 1

    # an access request finds the person by name as by address, and exports what is held
    by_name, by_address = privacy_report(rt, NAME), privacy_report(rt, WHO)
    assert by_name["rows"] == by_address["rows"] > 0
    assert by_name["files"] == by_address["files"] and {"svar.docx", "underskrevet.pdf"} <= set(by_name["files"])
    access = tmp_path_factory.mktemp("indsigt") / "indsigt.zip"  # outside HOERING_HOME
    export_report(rt, NAME, access)
    with zipfile.ZipFile(access) as z:
        names = set(z.namelist())
        documents = json.loads(z.read("rækker/document.json"))
        held = {d["filename"]: z.read(d["content"]["fil"]) for d in documents}
        assert held["underskrevet.pdf"] == pdf and held["svar.docx"][:2] == b"PK"
        replies = json.loads(z.read("rækker/inbox_message.json"))
        assert found(z.read(replies[0]["raw"]["fil"]), (WHO,)), "the reply, as received"
        assert {"oversigt.json", "rækker/answer.json", "rækker/person.json", "rækker/outbox_copy.json"} <= names

    # copies under HOERING_HOME: the erasure refuses, naming each, before it changes anything
    home = rt.settings.home
    journal_export(rt, Scope(hearing_id=hid), home / "journal" / "hoering-1.zip")
    backup(rt, home / "backups" / "b1")
    with pytest.raises(HoeringError) as refused:
        erase_person(rt, WHO)
    assert "journal/hoering-1.zip" in str(refused.value) and "backups/b1" in str(refused.value)
    assert in_database(rt, needles) == db_before
    shutil.rmtree(home / "backups")
    (home / "journal" / "hoering-1.zip").unlink()

    erased = erase_person(rt, WHO)
    assert erased.mailbox_deleted == 1
    assert in_database(rt, needles) == []
    assert in_folder(home, needles) == []
    assert in_mailbox(mailbox, needles) == []
    assert verify_audit(rt) == []
    after = hearing_result(rt, hid).model_dump(mode="json")
    for key in ("allocation", "outcome", "counts", "answered"):
        assert after.get(key) == before.get(key), key
    # the uploaded files are tombstones that say what was there and why
    with rt.db.read() as s:
        kept = {f.filename: s.scalar(select(Document.content).where(Document.id == f.document_id))
                for f in s.scalars(select(AnswerFile))}
        assert s.scalar(select(Kommune.name).where(Kommune.code == 825)) == "Læsø"
    assert set(kept) == {"svar.docx", "underskrevet.pdf"}
    for name, content in kept.items():
        text = content.decode()
        assert name in text and "slettet" in text and erased.pseudonym in text, text
