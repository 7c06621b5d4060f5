"""Issue 3: an SMTP server that misbehaves. Nothing is lost; permanent failures are reported."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter

from hoering.mail.sink import running_sink
from hoering.services.hearings import open_hearing
from hoering.services.outbox import outbox_sender, outbox_status, retry_message
from tests.mailtools import FaultySink
from tests.support import BOTH_CONTACTS, jyfe, make_runtime


def setup(tmp_path, sqlite_url, clock, controller, **settings):
    clock.ticking = True  # retries wait real (short) back-off time
    rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port,
                      smtp_connections=2, **settings)
    open_hearing(rt, jyfe(contacts=BOTH_CONTACTS))  # director and deputy: 22 mails
    return rt


def send_all(rt, wait=30.0):
    return asyncio.run(outbox_sender(rt).send_due(wait_for_retries=wait))


def assert_each_contact_got_exactly_one(sink):
    counts = Counter(r.rcpt_tos[0] for r in sink.received)
    assert len(counts) == 22 and set(counts.values()) == {1}


def test_421_and_451_for_a_while_are_delivered_after_retries(tmp_path, sqlite_url, clock):
    handler = FaultySink(transient=(6, "421 4.3.2 Service shutting down, try later"))
    with running_sink(handler) as (controller, sink):
        rt = setup(tmp_path, sqlite_url, clock, controller)
        report = send_all(rt)
    assert report.sent == 22 and report.failed == 0 and report.retrying == 0
    assert_each_contact_got_exactly_one(sink)
    assert sum(handler.attempts.values()) == 22 + 6
    handler = FaultySink(transient=(3, "451 4.7.1 Greylisted"))
    with running_sink(handler) as (controller, sink):
        rt = setup(tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}", clock, controller)
        assert send_all(rt).sent == 22
    assert_each_contact_got_exactly_one(sink)


def test_550_marks_the_row_failed_with_the_reply_and_tells_the_secretariat(tmp_path, sqlite_url, clock):
    handler = FaultySink(reject=r"@laesoe\.kommune\.example$")
    with running_sink(handler) as (controller, sink):
        rt = setup(tmp_path, sqlite_url, clock, controller)
        report = send_all(rt, wait=0)
        status = outbox_status(rt)
        # Læsø's two contacts both failed: the secretariat is told in a mail of its own, which goes out next run
        assert status["counts"]["failed"] == 2 and status["counts"]["pending"] == 1
        send_all(rt, wait=0)
    assert report.failed == 2 and report.sent == 20
    assert {f["to"] for f in status["failed"]} == {"socialdirektoer@laesoe.kommune.example",
                                                   "stedfortraeder@laesoe.kommune.example"}
    assert all("550 5.1.1 Mailbox unavailable" in f["reply"] for f in status["failed"])
    notice = [m for m in sink.messages if m["To"].addresses[0].addr_spec == "sekretariat@socialaftale.example"]
    assert len(notice) == 1 and "Læsø Kommune" in str(notice[0]["Subject"])
    body = notice[0].get_body(preferencelist=("plain",)).get_content()
    assert "550 5.1.1" in body and "laesoe" in body
    # the CLI shows the failed rows with their reasons
    env = {**os.environ, "HOERING_DATABASE_URL": sqlite_url, "HOERING_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "hoering.cli.main", "outbox", "status", "--json"],
                         capture_output=True, text=True, env=env, timeout=60)
    shown = json.loads(out.stdout)
    assert shown["counts"]["failed"] == 2 and "550" in shown["failed"][0]["reply"]
    # after fixing the mailbox, the secretariat retries one row and it goes out
    with running_sink() as (controller, good_sink):
        rt.settings.smtp_port = controller.port
        retry_message(rt, status["failed"][0]["id"])
        assert send_all(rt, wait=0).sent == 1
    assert len(good_sink.received) == 1


def test_a_contact_failing_alone_does_not_alarm_the_secretariat(tmp_path, sqlite_url, clock):
    handler = FaultySink(reject=r"^stedfortraeder@laesoe")
    with running_sink(handler) as (controller, _):
        rt = setup(tmp_path, sqlite_url, clock, controller)
        send_all(rt, wait=0)
        assert outbox_status(rt)["counts"] == {"pending": 0, "sending": 0, "sent": 21, "failed": 1}


def test_dropped_connection_mid_message_is_retried(tmp_path, sqlite_url, clock):
    handler = FaultySink(drop=4)
    with running_sink(handler) as (controller, sink):
        rt = setup(tmp_path, sqlite_url, clock, controller)
        report = send_all(rt)
    assert report.sent == 22 and report.failed == 0
    assert_each_contact_got_exactly_one(sink)


def test_stalled_server_times_out_and_is_retried(tmp_path, sqlite_url, clock):
    handler = FaultySink(stall=2, stall_seconds=2.0)
    with running_sink(handler) as (controller, sink):
        rt = setup(tmp_path, sqlite_url, clock, controller, smtp_timeout=0.5)
        report = send_all(rt)
        assert report.sent == 22 and report.failed == 0
    assert_each_contact_got_exactly_one(sink)


def test_unreachable_server_keeps_everything_pending(tmp_path, sqlite_url, clock):
    from hoering.mail.sink import free_port

    port = free_port()

    class Closed:
        port = 0

    Closed.port = port
    rt = setup(tmp_path, sqlite_url, clock, Closed)
    report = send_all(rt, wait=0)
    assert report.sent == 0 and report.failed == 0
    assert outbox_status(rt)["counts"]["pending"] == 22
    with running_sink(port=port) as (_, sink):
        import time

        time.sleep(0.3)  # let the backoff (0.05 s) pass
        assert send_all(rt, wait=5).sent == 22
    assert_each_contact_got_exactly_one(sink)
