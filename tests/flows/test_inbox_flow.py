"""``inbox_watch`` under the Prefect harness, reading a real Dovecot, sending to a real SMTP server.

Out-of-office from Aalborg's director on a hearing sent to ``[direktoer]``: Aalborg's deputy gets
the invitation in the same run, once (a second run, and a second out-of-office, send nothing).
A permanent bounce: the outbox row ``bounced``, the deputy asked, one mail to the secretariat.
"""

from __future__ import annotations

import asyncio

import pytest
from bench.dovecot import dovecot_missing
from flows.inbox import inbox_watch
from sqlalchemy import select

from hoering.db.models import InboxMessage, OutboxMessage
from hoering.mail.sink import MailSink
from hoering.services.due import queue_due_reminders
from hoering.services.hearings import open_hearing
from tests.inbox.support import CORPUS, Mailbox, fill, imap_settings, running_mailbox
from tests.support import JYFE_OPENED, Clock, jyfe

_DOVECOT = dovecot_missing()


@pytest.fixture
def mailbox():
    if _DOVECOT:
        pytest.skip(_DOVECOT)
    yield from running_mailbox()


@pytest.fixture
def inbox_flow_rt(flow_env, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch):
    for name, value in imap_settings(mailbox.server).items():
        monkeypatch.setenv(f"HOERING_{name.upper()}", str(value))
    rt = flow_env(Clock(JYFE_OPENED))
    rt.settings = rt.settings.model_copy(update=imap_settings(mailbox.server))
    return rt


def to(sink: MailSink, address: str) -> list:
    return [m for m in sink.messages if address in str(m["To"])]


def test_out_of_office_asks_the_deputy_once(inbox_flow_rt, mailbox: Mailbox, sink: MailSink):
    rt = inbox_flow_rt
    hid = open_hearing(rt, jyfe())  # contacts: [direktoer]
    hearings = {"jyfe": hid}
    asyncio.run(inbox_watch(now=JYFE_OPENED))  # sends the 11 invitations
    deputy = "stedfortraeder@aalborg.kommune.example"
    assert to(sink, deputy) == []

    mailbox.append([fill(rt, hearings, (CORPUS / "53-ooo-aalborg-exchange.eml").read_bytes())])
    first = asyncio.run(inbox_watch(now=JYFE_OPENED))
    invitations = to(sink, deputy)
    assert len(invitations) == 1 and str(invitations[0]["Subject"]).startswith("Mailhøring")
    assert first.by_reason == {"auto_reply": 1} and first.sent == 1

    again = fill(rt, hearings, (CORPUS / "53-ooo-aalborg-exchange.eml").read_bytes()).replace(
        b"Message-ID: <auto", b"Message-ID: <second-auto")
    mailbox.append([again])
    second = asyncio.run(inbox_watch(now=JYFE_OPENED))
    assert second.by_reason == {"auto_reply": 1} and second.sent == 0
    assert len(to(sink, deputy)) == 1
    with rt.db.read() as s:
        rows = s.scalars(select(InboxMessage).order_by(InboxMessage.id)).all()
        assert [r.detail["return_date"] for r in rows] == ["2014-05-12", "2014-05-12"]
        assert rows[0].detail["asked"] == [{"hearing": hid, "person": deputy}] and rows[1].detail["asked"] == []


def test_permanent_bounce_marks_the_row_and_asks_the_deputy(inbox_flow_rt, mailbox: Mailbox, sink: MailSink):
    rt = inbox_flow_rt
    hid = open_hearing(rt, jyfe())
    asyncio.run(inbox_watch(now=JYFE_OPENED))
    mailbox.append([fill(rt, {"jyfe": hid}, (CORPUS / "61-dsn-postfix-permanent.eml").read_bytes())])
    run = asyncio.run(inbox_watch(now=JYFE_OPENED))
    assert run.by_reason == {"bounce": 1} and run.secretariat_mails == 1
    with rt.db.read() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == "socialdirektoer@rebild.kommune.example"))
        assert row is not None and row.status == "bounced"
    assert len(to(sink, "stedfortraeder@rebild.kommune.example")) == 1
    reports = to(sink, rt.settings.secretariat_email)
    assert len(reports) == 1 and "Returneret post" in str(reports[0]["Subject"])
    assert "socialdirektoer@rebild.kommune.example" in reports[0].get_body(("plain",)).get_content()
    assert asyncio.run(inbox_watch(now=JYFE_OPENED)).secretariat_mails == 0
    queue_due_reminders(rt, hid, "P3D")  # later mails skip the address that bounced
    with rt.db.read() as s:
        reminded = set(s.scalars(select(OutboxMessage.to_addr).where(OutboxMessage.kind == "reminder")))
    assert "stedfortraeder@rebild.kommune.example" in reminded
    assert "socialdirektoer@rebild.kommune.example" not in reminded and len(reminded) == 11


def test_without_a_mailbox_each_run_skips_in_one_line(flow_env, monkeypatch: pytest.MonkeyPatch):
    """No IMAP settings: the run reads nothing and says so once, instead of failing with a
    traceback every two minutes; /healthz's inbox check stays out of it."""
    for name in ("IMAP_HOST", "IMAP_USERNAME"):
        monkeypatch.delenv(f"HOERING_{name}", raising=False)
    flow_env(Clock(JYFE_OPENED))
    run = asyncio.run(inbox_watch(now=JYFE_OPENED))
    assert run.configured is False and run.fetched == 0
