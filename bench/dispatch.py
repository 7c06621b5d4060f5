"""dispatch: the outbox sender against raw aiosmtplib, same messages, same concurrency, same
aiosmtpd server (its own process); and the sender's peak memory as the outbox grows."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert, select

from bench.common import ROOT, Result, fresh_database, postgres_missing
from bench.smtp_server import smtp_server_process

MESSAGES = 10_000
SMALL = 1_000
OPENED = datetime(2014, 4, 29, 8, 0, tzinfo=UTC)


def prepare(url: str, home: Path, n: int) -> list[tuple[str, str]]:
    """Open the JYFE hearing; then replace its invitations by n invitations built from one of
    them (each with its own recipient and Message-ID; the same personal link, as a placeholder the
    sender puts the token in). Returns (to, raw) of each, as it goes out."""
    from hoering.db.migrate import upgrade
    from hoering.db.outbox import OutboxCopy, OutboxMessage, OutboxUnsent
    from hoering.mail.links import with_tokens
    from hoering.mail.outbox import message_id_for
    from hoering.runtime import bootstrap
    from hoering.services.hearings import open_hearing, read_hearing_file
    from hoering.services.registry import load_registry
    from hoering.settings import load_settings

    settings = load_settings(database_url=url, home=home, secret_key="bench-secret-key")
    rt = bootstrap(settings, clock=lambda: OPENED)
    upgrade(rt.db)
    load_registry(rt)
    open_hearing(rt, read_hearing_file(ROOT / "examples" / "jyfe.yaml"))
    with rt.db.transaction() as s:
        template = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert template is not None and template.unsent is not None and template.copy is not None
        unsent, links, copy = template.unsent.raw, template.unsent.links, template.copy.raw
        assert links, "an invitation without its personal link"
        s.execute(delete(OutboxMessage))
        messages, rows, unsents, copies = [], [], [], []
        for i in range(n):
            key, to = f"bench:{i}", f"kontakt{i:05d}@kommune.example"
            mid = message_id_for(key, settings)
            raw = unsent.replace(template.message_id, mid).replace(template.to_addr, to)
            messages.append((to, with_tokens(raw, links, rt.secret)))
            rows.append({"id": i + 1, "key": key, "message_id": mid, "kind": "invitation",
                         "hearing_id": template.hearing_id, "to_addr": to, "subject": template.subject,
                         "status": "pending", "attempts": 0, "created_at": OPENED, "next_attempt_at": OPENED})
            unsents.append({"outbox_id": i + 1, "raw": raw, "links": links})
            copies.append({"outbox_id": i + 1,
                           "raw": copy.replace(template.message_id, mid).replace(template.to_addr, to)})
        for table, values in ((OutboxMessage, rows), (OutboxUnsent, unsents), (OutboxCopy, copies)):
            for start in range(0, n, 1000):
                s.execute(insert(table), values[start:start + 1000])
    rt.db.dispose()
    return messages


def worker(*args: object) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.dispatch_worker", *map(str, args)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def rate(run: dict[str, float]) -> float:
    return run["sent"] / run["seconds"]


def run(*, connections: int = 4) -> Result:
    result = Result("dispatch", f"dispatch: {MESSAGES:,} invitations, {connections} SMTP connections, "
                                "aiosmtpd in its own process on loopback")
    kinds = ["sqlite"] + ([] if postgres_missing() else ["postgres"])
    with tempfile.TemporaryDirectory() as tmp, smtp_server_process(Path(tmp)) as port:
        work = Path(tmp)
        sender_runs: dict[tuple[str, int], dict[str, float]] = {}
        raw_runs: list[dict[str, float]] = []
        data = work / "messages.jsonl"
        for kind in kinds:
            for n in (MESSAGES, SMALL):
                with fresh_database(kind, work) as url:
                    messages = prepare(url, work, n)
                    if n == MESSAGES:  # the raw run next to each sender run: same moment's noise
                        data.write_text("\n".join(json.dumps(m) for m in messages))
                        raw_runs.append(worker("raw", data, port, connections))
                    sender_runs[kind, n] = worker("sender", url, port, connections, work)
                    assert sender_runs[kind, n]["sent"] == n, sender_runs[kind, n]
        raw_runs.append(worker("raw", data, port, connections))
    raw = sorted(raw_runs, key=rate)[len(raw_runs) // 2]
    result.add("raw aiosmtplib, no database", rate(raw), "msg/s",
               note=f"median of {len(raw_runs)}: " + ", ".join(f"{rate(r):.0f}" for r in raw_runs))
    for kind in kinds:
        result.add(f"outbox sender, {kind}", rate(sender_runs[kind, MESSAGES]), "msg/s",
                   "raw aiosmtplib", rate(raw), higher_is_better=True)
    def cpu_ms(r: dict[str, float]) -> float:
        return 1000 * r["cpu"] / r["sent"]

    raw_cpu = min(raw_runs, key=cpu_ms)
    result.add("raw aiosmtplib CPU per message", cpu_ms(raw_cpu), "ms",
               note="client process, user+sys; less noisy than wall time on a shared machine")
    for kind in kinds:
        result.add(f"outbox sender CPU per message, {kind}", cpu_ms(sender_runs[kind, MESSAGES]), "ms",
                   "raw aiosmtplib", cpu_ms(raw_cpu))
    for kind in kinds:
        big, small = sender_runs[kind, MESSAGES], sender_runs[kind, SMALL]
        grow_big = (big["peak_kb"] - big["rss_before_kb"]) / 1024
        grow_small = (small["peak_kb"] - small["rss_before_kb"]) / 1024
        result.add(f"sender peak memory growth, {MESSAGES:,} queued, {kind}", grow_big, "MiB",
                   f"same at {SMALL:,} queued", grow_small,
                   note=f"peak RSS {big['peak_kb'] / 1024:.0f} MiB")
    raw_growth = (raw["peak_kb"] - raw["rss_before_kb"]) / 1024
    result.notes.append(f"raw side holds all {MESSAGES:,} messages in memory "
                        f"(peak growth while sending {raw_growth:.1f} MiB); the sender claims "
                        f"{connections * 16} rows at a time.")
    result.notes.append("ratio > 1 is better than the limit for rates; for memory the ratio is "
                        "small-outbox growth / big-outbox growth (1.0 = flat).")
    return result
