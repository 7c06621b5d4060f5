"""``hoering inbox watch`` (its own process) against a real Dovecot: a reply appended to the
mailbox counts within seconds (IMAP IDLE), and again after Dovecot was restarted mid-watch; a
server that does not announce IDLE is polled."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bench.dovecot import dovecot_missing, restart_dovecot, running_dovecot
from sqlalchemy import select

from hoering.db.models import InboxMessage
from hoering.inbox.fetch import refresh_capabilities
from hoering.runtime import Runtime
from hoering.services.hearings import open_hearing
from tests.crash.conftest import hoering_env, kill, start_cli
from tests.inbox.support import FAR_DEADLINE, JYFE_OPTIONS, Mailbox, imap_settings, plain_replies
from tests.support import Clock, jyfe, make_runtime

WITHIN = 5.0  # seconds from the reply in the mailbox to the answer counted


def counted_after(rt: Runtime, message_id: str, *, start: float, limit: float) -> float:
    while time.monotonic() - start < limit:
        with rt.db.read() as s:
            status = s.scalar(select(InboxMessage.status).where(InboxMessage.message_id == message_id))
        if status == "recorded":
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"{message_id} not counted within {limit} s")


def wait_for_output(path: Path, text: str, limit: float = 60.0) -> None:
    give_up = time.monotonic() + limit
    while time.monotonic() < give_up:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared: {path.read_text(errors='replace') if path.exists() else ''}")


@pytest.mark.slow
def test_watch_counts_a_reply_within_seconds_and_after_a_restart(tmp_path: Path, sqlite_url: str, mailbox: Mailbox):
    settings = imap_settings(mailbox.server)
    rt = make_runtime(tmp_path, sqlite_url, Clock(datetime.now(UTC)), **settings)
    hid = open_hearing(rt, jyfe(options=JYFE_OPTIONS, deadline=FAR_DEADLINE))
    raws, _ = plain_replies(rt, hid, 3)
    (first, raw1), (second, raw2), (third, raw3) = raws.items()
    env = hoering_env(tmp_path, sqlite_url, 1, **{f"HOERING_{k.upper()}": str(v) for k, v in settings.items()})
    out = tmp_path / "watch.out"
    proc = start_cli(["inbox", "watch"], env=env, cwd=tmp_path, output=out)
    try:
        mailbox.append([raw1])  # waiting before the watch connects: read at once
        wait_for_output(out, "Hentet 1")
        time.sleep(1.0)  # now idling
        start = time.monotonic()
        mailbox.append([raw2])
        took = counted_after(rt, second, start=start, limit=WITHIN)

        restart_dovecot(mailbox.server)
        wait_for_output(out, "prøver igen")
        start = time.monotonic()
        mailbox.append([raw3])
        again = counted_after(rt, third, start=start, limit=WITHIN)
        print(f"\nreply counted {took:.2f} s after it reached the mailbox; after a restart {again:.2f} s")
    finally:
        kill(proc)
    assert mailbox.count("INBOX") == 0 and mailbox.count("Behandlet") == 3
    with rt.db.read() as s:
        assert s.scalar(select(InboxMessage.status).where(InboxMessage.message_id == first)) == "recorded"


NO_IDLE = "protocol imap {\n  imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ MOVE UIDPLUS\n}\n"


@pytest.mark.slow
def test_watch_polls_where_the_server_lacks_idle(tmp_path: Path, sqlite_url: str):
    if dovecot_missing():
        pytest.skip(dovecot_missing() or "")
    with running_dovecot(extra_config=NO_IDLE) as server:
        plain = Mailbox(server)
        with plain.box() as box:
            refresh_capabilities(box)
            assert "IDLE" not in box.client.capabilities and "MOVE" in box.client.capabilities
        settings = imap_settings(server)
        rt = make_runtime(tmp_path, sqlite_url, Clock(datetime.now(UTC)), **settings)
        hid = open_hearing(rt, jyfe(options=JYFE_OPTIONS, deadline=FAR_DEADLINE))
        raws, _ = plain_replies(rt, hid, 1)
        (mid, raw), = raws.items()
        env = hoering_env(tmp_path, sqlite_url, 1, **{f"HOERING_{k.upper()}": str(v) for k, v in settings.items()})
        out = tmp_path / "watch.out"
        proc = start_cli(["inbox", "watch", "--poll", "1"], env=env, cwd=tmp_path, output=out)
        try:
            wait_for_output(out, "Holder øje")
            time.sleep(2.0)  # connected and polling
            start = time.monotonic()
            plain.append([raw])
            took = counted_after(rt, mid, start=start, limit=WITHIN)
            print(f"\nwithout IDLE (polling every second): counted {took:.2f} s after it reached the mailbox")
        finally:
            kill(proc)
