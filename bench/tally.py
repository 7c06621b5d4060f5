"""tally: 1 000 000 answers across 100 000 hearings x 11 kommuner, generated in bulk; one
hearing's result, its status and the summary of all open hearings, against a plain SELECT ...
GROUP BY. Measures the read path the CLI, the API and the pages render: the views in
``hoering.views`` (result, status, hearings); and the tally so far of the open hearing as
reminders and ``hoering due`` compute it (``views.record.live_tally``), the part of "a result"
that the GROUP BY compares with (the view adds every answer version, files, responses, history
and bilag, and the record's wording). The floor under every row but the GROUP BYs (which run on
an open connection) is a read transaction: it is measured too, with one trivial statement."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.common import ROOT, Result, fresh_database, postgres_missing, timed

HEARINGS = 100_000
OPEN_EVERY = 100  # 1 % of the hearings are open: 1 000 open hearings
OPENED = datetime(2014, 4, 29, 8, 0, tzinfo=UTC)

ONE_LIMIT = "SELECT option, count(*) FROM answer WHERE hearing_id = :h GROUP BY option"
OPEN_LIMIT = ("SELECT a.hearing_id, a.option, count(*) FROM answer a JOIN hearing h ON h.id = a.hearing_id "
              "WHERE h.status = 'open' GROUP BY a.hearing_id, a.option")


def numbers(dialect: str, n: int) -> str:
    if dialect == "postgresql":
        return f"SELECT i FROM generate_series(2, {n}) AS i"
    return f"WITH RECURSIVE seq(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}) SELECT i FROM seq"


def generate(rt) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Hearing 1 is opened through the service; 99 999 copies of it are made in SQL, each asking
    the same 11 kommuner; 10 of the 11 answer (every 7th for payout)."""
    from hoering.services.hearings import open_hearing, read_hearing_file

    open_hearing(rt, read_hearing_file(ROOT / "examples" / "jyfe.yaml"))
    dialect = rt.db.engine.dialect.name
    with rt.db.engine.begin() as c:
        c.execute(text(
            "INSERT INTO hearing (id, title, body_id, kind, status, definition, deadline, deadline_version, "
            "opened_at, opened_by) "
            f"SELECT n.i, h.title, h.body_id, h.kind, CASE WHEN n.i % {OPEN_EVERY} = 0 THEN 'open' ELSE 'closed' END, "
            "h.definition, h.deadline, 1, h.opened_at, h.opened_by "
            f"FROM ({numbers(dialect, HEARINGS)}) AS n CROSS JOIN hearing h WHERE h.id = 1"))
        c.execute(text(
            "INSERT INTO hearing_recipient (hearing_id, kommune_id) "
            "SELECT h.id, r.kommune_id FROM hearing h CROSS JOIN hearing_recipient r "
            "WHERE h.id > 1 AND r.hearing_id = 1"))
        c.execute(text(
            "INSERT INTO answer (hearing_id, recipient_id, version, option, channel, answered_by, received_at, late) "
            "SELECT r.hearing_id, r.id, 1, CASE WHEN r.id % 7 = 0 THEN 'udbetaling' ELSE 'pulje' END, 'web', "
            "'bench', h.opened_at, false FROM hearing_recipient r JOIN hearing h ON h.id = r.hearing_id "
            "WHERE r.hearing_id > 1 AND r.id % 11 <> 0"))
        if dialect == "postgresql":
            c.execute(text("SELECT setval(pg_get_serial_sequence('hearing', 'id'), (SELECT max(id) FROM hearing))"))
    with rt.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))
        counts = {t: c.scalar(text(f"SELECT count(*) FROM {t}")) or 0
                  for t in ("hearing", "hearing_recipient", "answer")}
        counts["open"] = c.scalar(text("SELECT count(*) FROM hearing WHERE status = 'open'")) or 0
    return counts


def measure(kind: str, result: Result, work: Path) -> None:
    from hoering.db.lookup import get_hearing
    from hoering.db.migrate import upgrade
    from hoering.runtime import bootstrap
    from hoering.services.registry import load_registry
    from hoering.settings import load_settings
    from hoering.views.hearings import list_hearings
    from hoering.views.record import live_tally
    from hoering.views.result import hearing_result
    from hoering.views.status import hearing_status

    with fresh_database(kind, work) as url:
        rt = bootstrap(load_settings(database_url=url, home=work, secret_key="bench-secret-key"),
                       clock=lambda: OPENED)
        upgrade(rt.db)
        load_registry(rt)
        start = time.perf_counter()
        counts = generate(rt)
        result.notes.append(f"{kind}: generated {counts['answer']:,} answers, {counts['hearing']:,} hearings "
                            f"({counts['open']:,} open), {counts['hearing_recipient']:,} recipients in "
                            f"{time.perf_counter() - start:.0f} s")
        hid = HEARINGS // 2  # an open one
        with rt.db.engine.connect() as c:
            one_limit, _ = timed(lambda: c.execute(text(ONE_LIMIT), {"h": hid}).all(), repeat=21)
            open_limit, rows = timed(lambda: c.execute(text(OPEN_LIMIT)).all(), repeat=3)

        def read_floor() -> None:
            with rt.db.read() as s:
                s.execute(text("SELECT 1")).all()

        def tally_so_far():  # type: ignore[no-untyped-def]
            with rt.db.read() as s:
                return live_tally(s, get_hearing(s, hid))

        floor, _ = timed(read_floor, repeat=21)
        so_far, t = timed(tally_so_far, repeat=21)
        assert t.answered == 10, t.answered
        one, res = timed(lambda: hearing_result(rt, hid), repeat=21)
        assert res.answered == 10 and not res.frozen, (res.answered, res.frozen)
        status, st = timed(lambda: hearing_status(rt, hid), repeat=21)
        assert st.answered == 10 and st.status == "open", (st.answered, st.status)
        summary, listed = timed(lambda: list_hearings(rt, status="open"), repeat=3)
        assert len(listed) == counts["open"]
        assert len({r[0] for r in rows}) == counts["open"] - 1  # hearing 1 has no answers
        ms = 1000
        result.add(f"the floor of every view: a read transaction with SELECT 1, {kind}", floor * ms, "ms",
                   "GROUP BY of its answers", one_limit * ms)
        result.add(f"one hearing's result (hearing_result), {kind}", one * ms, "ms",
                   "GROUP BY of its answers", one_limit * ms)
        result.add(f"one hearing's status (hearing_status), {kind}", status * ms, "ms",
                   "GROUP BY of its answers", one_limit * ms)
        result.add(f"one open hearing's tally so far (live_tally), {kind}", so_far * ms, "ms",
                   "GROUP BY of its answers", one_limit * ms)
        result.add(f"summary of {counts['open']:,} open hearings (list_hearings), {kind}", summary * ms, "ms",
                   "GROUP BY over open hearings", open_limit * ms)
        rt.db.dispose()


def run() -> Result:
    result = Result("tally", f"tally: ~1,000,000 answers, {HEARINGS:,} hearings x 11 kommuner")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ["sqlite"] + ([] if postgres_missing() else ["postgres"]):
            measure(kind, result, Path(tmp))
    result.notes.append("ratio = limit / figure (1.0 = as fast as the plain query; below 1 = slower).")
    return result
