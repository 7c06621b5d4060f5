"""The sender's database thread when the database fails under it (issue 17): a mark that fails
ends the run with its error (the workers waiting for room to send must not wait forever), and a
connection lost between two marks (a database restart: the held connection has no pre-ping) is
opened again and the run goes on."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hoering.db.outbox import OutboxMessage
from hoering.mail.outbox import queue_message
from hoering.mail.render import Rendered
from hoering.mail.sender import OutboxSender
from tests.support import make_runtime

MESSAGES = 40


class FakeSmtp:
    """Accepts every message; counts them."""

    def __init__(self, accepted: list[str]) -> None:
        self.accepted = accepted
        self.is_connected = True

    async def sendmail(self, sender: str, recipients: list[str], message: str) -> tuple[dict, str]:
        self.accepted.extend(recipients)
        await asyncio.sleep(0)
        return {}, "OK"

    async def quit(self) -> object:
        self.is_connected = False
        return None


def setup(tmp_path, database_url, clock):
    rt = make_runtime(tmp_path, database_url, clock, smtp_connections=2)
    rendered = Rendered(subject="Prøve", text="Hej\n", html="<p>Hej</p>")
    with rt.db.transaction() as s:
        for i in range(MESSAGES):
            queue_message(s, settings=rt.settings, key=f"fault:{i}", kind="invitation",
                          to=f"kontakt{i:02d}@kommune.example", rendered=rendered, now=rt.now())
    accepted: list[str] = []

    async def connect() -> FakeSmtp:
        return FakeSmtp(accepted)

    return rt, OutboxSender(rt, connect=connect, lease=timedelta(minutes=5), batch=8), accepted


def statuses(rt) -> dict[str, int]:
    with rt.db.transaction() as s:
        return dict(s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def test_a_mark_that_fails_ends_the_run_with_its_error(tmp_path, database_url, clock):
    rt, sender, accepted = setup(tmp_path, database_url, clock)

    def broken(conn, rows):
        raise RuntimeError("the disk is full")

    sender.mark_sent_many = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="the disk is full"):
        asyncio.run(asyncio.wait_for(sender.send_due(), timeout=60))  # a guard against a hang, not a timing
    left = statuses(rt)
    assert left.get("sent", 0) == 0 and left["sending"] >= len(accepted) > 0  # resent after the lease


def test_a_connection_lost_between_two_marks_is_opened_again(tmp_path, database_url, clock):
    rt, sender, accepted = setup(tmp_path, database_url, clock)
    mark, lost = sender.mark_sent_many, []

    def once_disconnected(conn, rows):
        if not lost:
            lost.append(conn)
            raise OperationalError("UPDATE outbox ...", {}, Exception("server closed the connection"),
                                   connection_invalidated=True)
        mark(conn, rows)

    sender.mark_sent_many = once_disconnected  # type: ignore[method-assign]
    report = asyncio.run(sender.send_due())
    assert lost and report.sent == MESSAGES
    assert statuses(rt) == {"sent": MESSAGES} and sorted(accepted) == sorted(set(accepted))
