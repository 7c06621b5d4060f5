"""Is the engine healthy? What ``GET /healthz`` answers, and the heartbeats it reads.

Each check is ``ok``, ``warn`` (worth a look, not an outage: a job that never ran yet) or
``fail``; one ``fail`` makes the whole answer unhealthy (HTTP 503). The checks: the database
answers, its migrations are current, the oldest pending mail has not waited too long, the last
inbox fetch (when the inbox is in use) and the last successful ``hearing_watch`` are recent.
Heartbeats are recorded with the real clock, so a replay (``--at 2014-...``) never makes the
engine look stale or fresh.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, text

from hoering.danish import utcnow
from hoering.db.heartbeat import Heartbeat
from hoering.db.outbox import OutboxMessage, not_sent
from hoering.db.schema_version import revisions
from hoering.runtime import Runtime

State = Literal["ok", "warn", "fail"]
WATCH = "hearing_watch"
INBOX = "inbox_fetch"


@dataclass(frozen=True)
class Check:
    name: str
    state: State
    detail: str
    value: Any = None


@dataclass
class Health:
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(c.state != "fail" for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.healthy else "fail",
                "checks": {c.name: {k: v for k, v in asdict(c).items() if k != "name"} for c in self.checks}}


def record_heartbeat(rt: Runtime, name: str, *, error: str | None = None) -> None:
    """Note that job ``name`` just succeeded (or failed, with ``error``), by the real clock."""
    now = utcnow()
    with rt.db.transaction() as s:
        beat = s.get(Heartbeat, name, with_for_update=True)
        if beat is None:
            beat = Heartbeat(name=name)
            s.add(beat)
        if error is None:
            beat.last_ok_at = now
        else:
            beat.last_error_at, beat.last_error = now, error[:2000]


def check_health(rt: Runtime, *, now: datetime | None = None) -> Health:
    """Every check, never raising: a database that does not answer is a ``fail``, not an error."""
    now = now or utcnow()
    health = Health()
    try:
        with rt.db.read() as s:
            s.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means the same: not reachable
        health.checks.append(Check("database", "fail", f"not reachable: {type(exc).__name__}: {_short(exc)}"))
        return health
    health.checks.append(Check("database", "ok", "reachable"))
    health.checks.append(_migrations(rt))
    if health.checks[-1].state == "fail":
        return health
    with rt.db.read() as s:
        oldest = s.scalar(select(func.min(OutboxMessage.created_at)).where(
            not_sent(), OutboxMessage.status.in_(("pending", "sending"))))
        beats = {name: ok for name, ok in s.execute(select(Heartbeat.name, Heartbeat.last_ok_at))}
    health.checks.append(_outbox(oldest, now, rt.settings.health_outbox_max_age_minutes))
    health.checks.append(_beat(WATCH, beats.get(WATCH), now, rt.settings.health_watch_max_age_minutes,
                               never="hearing_watch has not run yet"))
    if INBOX in beats or getattr(rt.settings, "imap_host", None):
        health.checks.append(_beat(INBOX, beats.get(INBOX), now, rt.settings.health_inbox_max_age_minutes,
                                   never="the inbox has not been fetched yet"))
    return health


def _migrations(rt: Runtime) -> Check:
    try:
        current, heads = revisions(rt.db)
    except Exception as exc:
        return Check("migrations", "fail", f"cannot read the schema version: {_short(exc)}")
    if current == heads:
        return Check("migrations", "ok", "current", sorted(current))
    return Check("migrations", "fail", f"database at {sorted(current) or 'nothing'}, code at {sorted(heads)}: "
                 "run `hoering init`", sorted(current))


def _outbox(oldest: datetime | None, now: datetime, limit_minutes: int) -> Check:
    if oldest is None:
        return Check("outbox", "ok", "nothing pending", None)
    age = max(0.0, (now - oldest).total_seconds())
    state: State = "fail" if age > limit_minutes * 60 else "ok"
    return Check("outbox", state, f"oldest pending mail waited {_minutes(age)} (limit {limit_minutes} min)",
                 round(age))


def _beat(name: str, last_ok: datetime | None, now: datetime, limit_minutes: int, *, never: str) -> Check:
    if last_ok is None:
        return Check(name, "warn", never, None)
    age = max(0.0, (now - last_ok).total_seconds())
    state: State = "fail" if age > limit_minutes * 60 else "ok"
    return Check(name, state, f"last success {_minutes(age)} ago (limit {limit_minutes} min)", last_ok.isoformat())


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__

