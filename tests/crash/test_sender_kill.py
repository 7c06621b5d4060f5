"""The outbox sender killed with SIGKILL at random moments, restarted until the outbox is empty.

At the SMTP server (its own process) every recipient has its message; a message arrives twice
only if its row was in flight ('sending') at a kill, and every copy carries the same Message-ID.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoering.db.outbox import OutboxMessage
from hoering.mail.outbox import message_id_for, queue_message
from hoering.mail.render import Rendered
from hoering.runtime import Runtime
from tests.crash.conftest import hoering_env, kill, read_log, start_cli
from tests.support import Clock, make_runtime

pytestmark = pytest.mark.slow

MESSAGES = 1000
KILLS = 12  # per database; SQLite and PostgreSQL together make 24
LEASE = 1.0


def queue_many(rt: Runtime, n: int) -> dict[str, str]:
    """n messages, one per recipient, queued in one transaction; recipient -> Message-ID."""
    rendered = Rendered(subject="Mailhøring: prøve", text="Hej\n\nDette er en prøve.\n",
                        html="<p>Hej</p><p>Dette er en prøve.</p>")
    expected = {}
    with rt.db.transaction() as s:
        for i in range(n):
            to, key = f"kontakt{i:04d}@kommune.example", f"crash:{i}"
            queue_message(s, settings=rt.settings, key=key, kind="invitation", to=to, rendered=rendered,
                          now=rt.now())
            expected[to] = message_id_for(key, rt.settings)
    return expected


def sending_ids(rt: Runtime) -> set[int]:
    with rt.db.transaction() as s:
        return set(s.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "sending")))


def unfinished(rt: Runtime) -> Counter[str]:
    with rt.db.transaction() as s:
        rows = s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                         .where(OutboxMessage.status.in_(["pending", "sending"])))
        return Counter({st: n for st, n in rows})


def wait_for_new_lines(log: Path, before: int, proc, timeout: float = 30.0) -> bool:
    """Until the server has received something new from this process (or it ended)."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up and proc.poll() is None:
        if log.read_bytes().count(b"\n") > before:
            return True
        time.sleep(0.01)
    return False


def test_sender_survives_sigkill(tmp_path, database_url, smtp_log):
    port, log = smtp_log
    rt = make_runtime(tmp_path, database_url, Clock(datetime.now(UTC) - timedelta(seconds=5)))
    expected = queue_many(rt, MESSAGES)
    with rt.db.transaction() as s:
        id_by_rcpt = {a: i for a, i in s.execute(select(OutboxMessage.to_addr, OutboxMessage.id))}
    env = hoering_env(tmp_path, database_url, port, HOERING_OUTBOX_LEASE_SECONDS=str(LEASE))
    rng = random.Random()
    in_flight_at_kills: list[set[int]] = []
    runs = 0
    while True:
        left = unfinished(rt)
        if not left:
            break
        if not left["pending"]:
            time.sleep(LEASE + 0.2)  # only rows of a killed sender remain: let their lease expire
        runs += 1
        before = log.read_bytes().count(b"\n")
        proc = start_cli(["outbox", "send"], env=env, cwd=tmp_path, output=tmp_path / "sender.out")
        if len(in_flight_at_kills) < KILLS and wait_for_new_lines(log, before, proc):
            time.sleep(rng.uniform(0.0, 0.04))  # at most a few dozen messages per run
            if proc.poll() is None:
                kill(proc)
                in_flight_at_kills.append(sending_ids(rt))
                continue
        assert proc.wait(timeout=120) == 0, (tmp_path / "sender.out").read_text()
        assert runs < 200

    received = read_log(log)
    copies: dict[str, list[str]] = defaultdict(list)
    for rcpt, mid in received:
        copies[rcpt].append(mid)
    missing = sorted(set(expected) - set(copies))
    strangers = sorted(set(copies) - set(expected))
    times_in_flight = Counter(i for ids in in_flight_at_kills for i in ids)
    duplicates = {r: len(m) - 1 for r, m in copies.items() if len(m) > 1}
    bound = sum(len(ids) for ids in in_flight_at_kills)
    print(f"\n[{rt.db.engine.dialect.name}] {MESSAGES} messages, {runs} sender runs, "
          f"{len(in_flight_at_kills)} kills; in flight at the kills: "
          f"{[len(ids) for ids in in_flight_at_kills]} (sum {bound}); received {len(received)}, "
          f"missing {len(missing)}, duplicates {sum(duplicates.values())} "
          f"(over {len(duplicates)} recipients)")
    assert len(in_flight_at_kills) == KILLS
    assert not missing and not strangers
    assert all(m == [expected[r]] * len(m) for r, m in copies.items()), "a copy with another Message-ID"
    for rcpt, extra in duplicates.items():
        assert extra <= times_in_flight[id_by_rcpt[rcpt]], f"{rcpt} arrived {extra + 1}x but was not in flight"
    assert sum(duplicates.values()) <= bound
    with rt.db.transaction() as s:
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        states = {st: n for st, n in s.execute(query)}
    assert states == {"sent": MESSAGES}
