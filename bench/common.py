"""What every benchmark shares: fresh databases, a runtime, timing, and the result table."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
KINDS = ("sqlite", "postgres")


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[str]:
    """An empty database of ``kind``; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        return
    import psycopg

    name = f"hoering_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        from hoering.runtime import forget_databases

        forget_databases()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_missing() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except Exception as exc:  # any failure: that benchmark row is skipped
        return f"{type(exc).__name__}: {exc}"


def hoering_env(home: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOERING_")}
    env.update({"HOERING_HOME": str(home), "HOERING_DATABASE_URL": database_url,
                "HOERING_SECRET_KEY": "bench-secret-key", "DO_NOT_TRACK": "1",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PYTHONPATH": os.pathsep.join((str(ROOT / "src"), str(ROOT)))})  # this checkout's code
    env.update(extra)
    return env


def timed(fn: Callable[[], Any], *, repeat: int = 5) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls (seconds), and the last call's value."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    limit_name: str = ""
    limit: float | None = None
    higher_is_better: bool = False
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.limit in (None, 0) or self.value == 0:
            return None
        return self.value / self.limit if self.higher_is_better else self.limit / self.value

    def as_json(self) -> dict[str, Any]:
        return {"figure": self.figure, "value": self.value, "unit": self.unit, "limit_name": self.limit_name,
                "limit": self.limit, "ratio": self.ratio, "higher_is_better": self.higher_is_better,
                "note": self.note}


@dataclass
class Result:
    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> Row:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        return row

    def print(self) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=self.title, title_justify="left")
        for col in ("figure", "value", "limit (what it is compared with)", "ratio"):
            table.add_column(col, justify="right" if col in ("value", "ratio") else "left")
        for r in self.rows:
            limit = "" if r.limit is None else f"{_fmt(r.limit)} {r.unit}  {r.limit_name}"
            ratio = "" if r.ratio is None else f"{r.ratio:.2f}x"
            table.add_row(r.figure + (f" ({r.note})" if r.note else ""), f"{_fmt(r.value)} {r.unit}", limit, ratio)
        console = Console(width=140)
        console.print(table)
        for note in self.notes:
            console.print(f"  {note}")

    def save(self) -> Path:
        OUT.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = OUT / f"{self.name}-{stamp}.json"
        data = {"benchmark": self.name, "title": self.title, "at": stamp, "host": platform.node(),
                "cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version(),
                "rows": [r.as_json() for r in self.rows], "notes": self.notes}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
        (OUT / f"{self.name}-latest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
        return path


def _fmt(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.4g}"
