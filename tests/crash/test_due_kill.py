"""``hoering due`` killed with SIGKILL while it closes hearings, restarted until all are closed.

After every kill each hearing is either closed with its result frozen and its result mails
queued, or still open with no result and no result mail: never half-closed.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine, create_engine, func, select

from hoering.db.models import AuditEntry, Hearing, HearingResultRow
from hoering.db.outbox import OutboxMessage
from hoering.runtime import Runtime
from hoering.services.answers import record_answer
from hoering.services.hearings import open_hearing, read_hearing_file
from tests.crash.conftest import hoering_env, kill, start_cli
from tests.support import EXAMPLES, JYFE_DEADLINE, Clock, make_runtime

pytestmark = pytest.mark.slow

HEARINGS = 25
KILLS = 10  # per database


def check_whole(rt: Runtime) -> tuple[int, int, set[int]]:
    """(open, closed, result-mail counts of the closed ones); fails on a half-closed hearing."""
    with rt.db.transaction() as s:
        if rt.db.is_postgres:  # one snapshot for the three reads below
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        hearings = list(s.scalars(select(Hearing).order_by(Hearing.id)))
        results = dict(s.execute(select(OutboxMessage.hearing_id, func.count())
                                 .where(OutboxMessage.kind == "result")
                                 .group_by(OutboxMessage.hearing_id)).tuples().all())
        closings = dict(s.execute(select(AuditEntry.entity_id, func.count())
                                  .where(AuditEntry.action == "hearing.closed")
                                  .group_by(AuditEntry.entity_id)).tuples().all())
        stored = dict(s.execute(select(HearingResultRow.hearing_id, func.count())
                                .group_by(HearingResultRow.hearing_id)).tuples().all())
    mails = set()
    for h in hearings:
        if h.status == "open":
            assert h.id not in stored and h.closed_at is None, f"hearing {h.id}: open with a result"
            assert h.id not in results, f"hearing {h.id}: open, but result mails queued"
            assert h.id not in closings, f"hearing {h.id}: open, but audited as closed"
        else:
            assert h.status == "closed" and stored.get(h.id) == 1 and h.closed_at is not None, h.id
            assert results.get(h.id, 0) > 0, f"hearing {h.id}: closed without result mails"
            assert closings.get(h.id) == 1, f"hearing {h.id}: closed {closings.get(h.id)} times"
            mails.add(results[h.id])
    closed = sum(h.status == "closed" for h in hearings)
    return len(hearings) - closed, closed, mails


def closed_count(reader: Engine) -> int:
    """Read while ``hoering due`` runs; a plain engine, so on SQLite it never waits for (or
    starves on) the write lock the closing process keeps taking."""
    with reader.connect() as c:
        return c.scalar(select(func.count()).select_from(Hearing).where(Hearing.status == "closed")) or 0


def test_due_survives_sigkill(tmp_path, database_url, smtp_log):
    port, _ = smtp_log
    rt = make_runtime(tmp_path, database_url, Clock())
    definition = read_hearing_file(EXAMPLES / "jyfe.yaml")
    for _ in range(HEARINGS):
        hid = open_hearing(rt, definition, again=True)
        for kommune in ("851", "825", "813"):
            record_answer(rt, hid, kommune=kommune, option="pulje")
    after = (JYFE_DEADLINE + timedelta(hours=1)).isoformat()
    env = hoering_env(tmp_path, database_url, port)
    reader = create_engine(database_url)
    rng = random.Random()
    kills: list[int] = []
    runs = 0
    while True:
        still_open, closed, _ = check_whole(rt)
        if not still_open:
            break
        runs += 1
        proc = start_cli(["--at", after, "due", "--no-send"], env=env, cwd=tmp_path,
                         output=tmp_path / "due.out")
        if len(kills) < KILLS:
            while proc.poll() is None and closed_count(reader) == closed:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.1))
            if proc.poll() is None:
                kill(proc)
                still_open, now_closed, _ = check_whole(rt)
                kills.append(now_closed - closed)
                continue
        assert proc.wait(timeout=300) == 0, (tmp_path / "due.out").read_text()
        assert runs < 100
    reader.dispose()
    still_open, closed, mails = check_whole(rt)
    print(f"\n[{rt.db.engine.dialect.name}] {HEARINGS} hearings, {runs} runs of `hoering due`, "
          f"{len(kills)} kills (hearings closed between kills: {kills}); every hearing checked whole "
          f"after every kill; finally {closed} closed, result mails per hearing: {sorted(mails)}")
    assert len(kills) == KILLS
    assert closed == HEARINGS and len(mails) == 1
