"""The inbox reader (``hoering inbox fetch``, its own process) killed with SIGKILL at 20 random
moments while it reads 200 replies from a real Dovecot, restarted until the mailbox is empty.

Every reply ends up stored once and recorded once: 0 lost, 0 recorded twice, and each recorded
answer points back to exactly one stored message.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bench.dovecot import dovecot_missing
from sqlalchemy import func, select

from hoering.db.models import Answer, InboxMessage
from hoering.runtime import Runtime
from hoering.services.hearings import open_hearing
from tests.crash.conftest import hoering_env, kill, start_cli
from tests.inbox.support import FAR_DEADLINE, JYFE_OPTIONS, Mailbox, imap_settings, plain_replies, running_mailbox
from tests.support import Clock, jyfe, make_runtime

pytestmark = pytest.mark.slow

REPLIES = 200
KILLS = 20


@pytest.fixture
def mailbox():
    reason = dovecot_missing()
    if reason:
        pytest.skip(reason)
    yield from running_mailbox()


def progress(rt: Runtime) -> tuple[int, int]:
    with rt.db.read() as s:
        stored = s.scalar(select(func.count()).select_from(InboxMessage)) or 0
        done = s.scalar(select(func.count()).select_from(InboxMessage).where(InboxMessage.status != "new")) or 0
    return stored, done


def test_inbox_reader_survives_sigkill(tmp_path: Path, database_url: str, mailbox: Mailbox):
    settings = imap_settings(mailbox.server)
    rt = make_runtime(tmp_path, database_url, Clock(datetime.now(UTC)), **settings)
    hid = open_hearing(rt, jyfe(options=JYFE_OPTIONS, deadline=FAR_DEADLINE))
    raws, expected = plain_replies(rt, hid, REPLIES)
    mailbox.append(list(raws.values()))
    env = hoering_env(tmp_path, database_url, 1, **{f"HOERING_{k.upper()}": str(v) for k, v in settings.items()})
    rng = random.Random()
    kills: list[tuple[int, int]] = []
    runs = 0
    while mailbox.count("INBOX") or progress(rt)[1] < REPLIES:
        runs += 1
        assert runs < 200
        before = progress(rt)
        proc = start_cli(["inbox", "fetch"], env=env, cwd=tmp_path, output=tmp_path / "reader.out")
        if len(kills) < KILLS:
            # kill after a random number (1-24) of steps: a message stored or a message processed,
            # so the kills land in the fetching and in the recording phase alike
            target = sum(before) + rng.randint(1, 24)
            give_up = time.monotonic() + 120
            while proc.poll() is None and sum(progress(rt)) < target and time.monotonic() < give_up:
                time.sleep(0.005)
            if proc.poll() is None:
                kill(proc)
                kills.append(progress(rt))
                continue
        assert proc.wait(timeout=300) == 0, (tmp_path / "reader.out").read_text()

    with rt.db.read() as s:
        rows = s.scalars(select(InboxMessage)).all()
        answers = s.scalars(select(Answer)).all()
        by_mid = Counter(r.message_id for r in rows)
        answer_refs = Counter(r.answer_id for r in rows if r.answer_id is not None)
        wrong = [r.message_id for r in rows if r.status != "recorded" or r.option != expected[r.message_id]]
        statuses = Counter(r.status for r in rows)
    lost = sorted(set(expected) - set(by_mid))
    twice = sum(n - 1 for n in answer_refs.values()) + (len(answers) - len(answer_refs))
    print(f"\n[{rt.db.engine.dialect.name}] {REPLIES} replies, {runs} reader runs, {len(kills)} kills at "
          f"(stored, processed) = {kills}; stored {len(rows)}, {dict(statuses)}, answers {len(answers)}, "
          f"lost {len(lost)}, recorded twice {twice}")
    assert len(kills) == KILLS
    assert not lost and all(n == 1 for n in by_mid.values())
    assert twice == 0 and len(answers) == REPLIES
    assert not wrong
    assert mailbox.count("INBOX") == 0 and mailbox.count("Behandlet") == REPLIES
