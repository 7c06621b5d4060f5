"""Issue 3: invitations, receipts, reminders and results reach a real SMTP server on loopback."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from email.header import decode_header

import pytest
from sqlalchemy import func, select

from hoering.db.lookup import find_token
from hoering.db.models import Hearing, OutboxMessage
from hoering.mail.sink import running_sink
from hoering.services.answers import record_answer
from hoering.services.due import run_due_work
from hoering.services.hearings import open_hearing, read_hearing_file
from hoering.services.outbox import outbox_status, send_outbox
from hoering.services.outgoing import hearings as notices
from tests.mailtools import PASSWORD, USER, authenticator, self_signed, server_tls_context
from tests.support import EXAMPLES, JYFE_DEADLINE, make_runtime

LINK = re.compile(r"http://127\.0\.0\.1:8000/svar/([A-Za-z0-9_-]{43})")


def open_jyfe(rt, *, again: bool = False) -> int:
    return open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"), again=again)


def test_jyfe_invitations_arrive_with_working_personal_links(rt, sink):
    open_jyfe(rt)
    report = send_outbox(rt)
    assert report.sent == 11 and report.failed == 0
    messages = sink.messages
    per_kommune = Counter(m["To"].addresses[0].domain for m in messages)
    assert len(per_kommune) == 11 and set(per_kommune.values()) == {1}  # the director of each
    tokens = set()
    with rt.db.transaction() as s:
        for m in messages:
            raw_subject = m.get("Subject", failobj=None)
            assert "Mailhøring: Tilbagebetaling af tiloversblevne midler fra JYFE" in str(raw_subject)
            text = m.get_body(preferencelist=("plain",)).get_content()
            html = m.get_body(preferencelist=("html",)).get_content()
            assert "senest tirsdag den 13. maj 2014 kl. 12.00" in text
            assert "120.000,00 kr." in text and "style=" in html  # CSS inlined
            token = LINK.search(text).group(1)
            assert token in html
            row = find_token(s, token)
            assert row is not None and row.person.email == m["To"].addresses[0].addr_spec
            tokens.add(token)
    assert len(tokens) == 11


def test_subject_is_rfc2047_encoded_and_decodes_to_danish(rt, sink):
    open_jyfe(rt)
    send_outbox(rt)
    raw = sink.received[0].raw
    header = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", raw, re.M).group(1).decode("ascii")
    assert "=?utf-8?" in header.lower()
    decoded = "".join(part.decode(cs or "ascii") if isinstance(part, bytes) else part
                      for part, cs in decode_header(header))
    assert decoded.replace("\r\n", "").startswith("Mailhøring: Tilbagebetaling")


def test_starttls_and_auth(tmp_path, sqlite_url, clock):
    cert, key = self_signed(tmp_path)
    with running_sink(tls_context=server_tls_context(cert, key), require_starttls=True,
                      authenticator=authenticator, auth_required=True) as (controller, sink):
        rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port,
                          smtp_security="starttls", smtp_ca_file=cert, smtp_username=USER,
                          smtp_password=PASSWORD)
        open_jyfe(rt)
        assert send_outbox(rt).sent == 11
        assert len(sink.received) == 11
        bad = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port,
                           smtp_security="starttls", smtp_ca_file=cert, smtp_username=USER,
                           smtp_password="forkert", smtp_max_attempts=1)
        record_answer(bad, 1, kommune="Aalborg", option="pulje")
        report = send_outbox(bad)
        assert report.sent == 0 and report.failed == 1 and "535" in report.errors[0]
        assert len(sink.received) == 11


def test_queuing_twice_and_due_twice_send_nothing_twice(rt, sink, clock):
    hid = open_jyfe(rt)
    with rt.db.transaction() as s:
        assert notices.queue_invitations(rt, s, s.get(Hearing, hid)) == 0  # same keys: nothing new
    send_outbox(rt)
    record_answer(rt, hid, kommune="Aalborg", option="pulje")
    clock.set(JYFE_DEADLINE.replace(day=9))  # P3D before the deadline is a Saturday: the Friday
    first = run_due_work(rt)
    send_outbox(rt)
    second = run_due_work(rt)
    send_outbox(rt)
    assert first.reminders == 10 and second.reminders == 0  # 10 silent kommuner
    clock.set(JYFE_DEADLINE.replace(minute=5))
    assert run_due_work(rt).closed == [hid] and run_due_work(rt).closed == []
    send_outbox(rt)
    send_outbox(rt)
    ids = Counter(m["Message-ID"] for m in sink.messages)
    assert ids and max(ids.values()) == 1
    kinds = Counter(sink_kind(m) for m in sink.messages)
    # results: the 11 directors asked, and the members of Socialdirektørkredsen (+ the region)
    assert kinds == {"invitation": 11, "receipt": 1, "reminder": 10, "result": 12}


def sink_kind(m) -> str:
    subject = str(m["Subject"])
    return ("reminder" if subject.startswith("Påmindelse") else "result" if subject.startswith("Resultat")
            else "receipt" if subject.startswith("Kvittering") else "invitation")


def test_reminder_goes_only_to_the_silent_and_says_time_left(rt, sink, clock):
    hid = open_jyfe(rt)
    for name in ("Aalborg", "Hjørring", "Thisted"):
        record_answer(rt, hid, kommune=name, option="pulje")
    clock.set(JYFE_DEADLINE.replace(day=12))  # P1D before
    run_due_work(rt)
    send_outbox(rt)
    reminders = [m for m in sink.messages if sink_kind(m) == "reminder"]
    domains = {m["To"].addresses[0].domain.split(".")[0] for m in reminders}
    assert len(reminders) == 8 and not domains & {"aalborg", "hjoerring", "thisted"}
    assert "der er 1 dag tilbage" in reminders[0].get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("two", [True])
def test_two_senders_at_once_never_send_a_row_twice(rt, sink, two):
    import asyncio

    from hoering.services.outbox import outbox_sender

    for _ in range(3):
        open_jyfe(rt, again=True)

    async def both():
        return await asyncio.gather(outbox_sender(rt).send_due(), outbox_sender(rt).send_due())

    reports = asyncio.run(both())
    assert sum(r.sent for r in reports) == 33
    assert len(sink.received) == 33 and len({m["Message-ID"] for m in sink.messages}) == 33
    with rt.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")) == 33
    assert outbox_status(rt)["counts"]["pending"] == 0


def test_the_senders_connection_waits_for_the_disk_again_before_the_pool_has_it(rt, sink):
    """The sender commits without waiting for the disk on its own connection only: a connection
    that goes back to the pool commits an answer as durably as before."""
    from hoering.mail.sender import _DatabaseThread

    open_jyfe(rt)
    pg = rt.db.is_postgres
    setting = "SHOW synchronous_commit" if pg else "PRAGMA synchronous"
    default = {"SHOW synchronous_commit": "on", "PRAGMA synchronous": 2}[setting]
    sender = _DatabaseThread(rt.db)
    try:
        during = sender._write(lambda conn, _: conn.exec_driver_sql(setting).scalar(), None)
    finally:
        sender._close()
        sender.pool.shutdown()
    assert during == ("off" if pg else 1)  # NORMAL
    assert send_outbox(rt).sent == 11
    for _ in range(3):  # whichever pooled connection comes back
        with rt.db.engine.connect() as conn:
            assert conn.exec_driver_sql(setting).scalar() == default


def test_a_connection_whose_setting_cannot_be_reset_is_not_pooled(rt, sink):
    """SQLite refuses to change its safety level inside a transaction: a sender connection left
    in one is discarded rather than handed to an answer with the sender's setting."""
    from hoering.mail.sender import _DatabaseThread

    if rt.db.is_postgres:
        pytest.skip("SQLite's own refusal")
    sender = _DatabaseThread(rt.db)
    sender._write(lambda conn, _: None, None)
    assert sender.conn is not None
    raw = sender.conn.connection.dbapi_connection
    raw.execute("BEGIN IMMEDIATE")  # a transaction the reset cannot get through
    sender._close()
    sender.pool.shutdown()
    with pytest.raises(sqlite3.ProgrammingError):  # closed for good, not back in the pool
        raw.execute("SELECT 1")
    for _ in range(3):
        with rt.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_anything_to_send_is_every_state_a_sender_run_acts_on(rt, sink, clock):
    """``hoering due`` skips building the sender only when a run would do nothing: a draft to
    render, a row pending (due or not) or one left ``sending`` all count; failed and sent rows
    do not."""
    from hoering.services.outbox import anything_to_send

    assert not anything_to_send(rt)
    hid = open_jyfe(rt)
    assert anything_to_send(rt)  # pending invitations
    send_outbox(rt)
    assert not anything_to_send(rt)  # all sent
    record_answer(rt, hid, kommune="Aalborg", option="pulje")  # its receipt is filled and pending
    for state in ("pending", "draft", "sending", "failed"):
        with rt.db.transaction() as s:
            rows = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "receipt")).all()
            assert rows
            for row in rows:
                row.status = state
        assert anything_to_send(rt) == (state != "failed"), state
