"""scale: ten years of five regions on one database (``bench.scale_data``: 5 000 hearings, 250 000
answer versions, 2 000 meetings, 30 000 cases, 500 000 mails on PostgreSQL; a tenth of it on
SQLite), then the console's and the API's pages under concurrent clients against a real ``hoering
web``: p50/p99 of each page against the floor, the same server's trivial endpoint (GET /, no
database), and the number of SQL statements each page runs (counted in-process on the same data).

    python -m bench scale                      # PostgreSQL at full size, SQLite at a tenth
    python -m bench scale --size 0.1           # everything ten times smaller (a quick look)
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.common import Result, fresh_database, hoering_env, postgres_missing
from bench.scale_data import CONSOLE_USER, OPENED, Built, build
from bench.web import loadgen
from bench.web_process import running_web

#: ten years on: every copied hearing is long closed (the open ones are overdue)
AT = "2024-06-03T10:00"
NOW = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)
CONCURRENCY = 4
SECONDS = 4.0
SQLITE_SHARE = 0.1  # SQLite's data set, relative to PostgreSQL's
API_TOKEN = "bench-api-token-0123456789abcdef"


def pages(built: Built) -> list[tuple[str, str]]:
    """(figure name, path) of every page measured."""
    return [
        ("console front page /sekretariat", "/sekretariat"),
        ("a hearing's page (opened by the service)", f"/sekretariat/hoering/{built.hearing_id}"),
        ("an open hearing's page", f"/sekretariat/hoering/{built.open_hearing_id}"),
        ("meetings list /sekretariat/moeder", "/sekretariat/moeder"),
        ("a meeting's page", f"/sekretariat/moede/{built.meeting_id}"),
        ("an item's page (sagens gang)", f"/sekretariat/punkt/{built.item_id}"),
        ("outbox page /sekretariat/udbakke", "/sekretariat/udbakke"),
        ("one hearing's outbox", f"/sekretariat/udbakke?hoering={built.open_hearing_id}"),
        ("API hearing list /api/hearings", "/api/hearings"),
        ("API open hearings /api/hearings?status=open", "/api/hearings?status=open"),
        ("API one hearing's status", f"/api/hearings/{built.open_hearing_id}"),
        ("API one hearing's result", f"/api/hearings/{built.open_hearing_id}/result"),
    ]


def headers_for(path: str) -> dict[str, str]:
    return {"authorization": f"Bearer {API_TOKEN}"} if path.startswith("/api/") else {}


@contextmanager
def counting(engine: Any) -> Iterator[list[str]]:
    """The statements run on ``engine`` while inside."""
    from sqlalchemy import event

    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def login(client: Any) -> None:
    """Log the console user in on an httpx or TestClient client (its cookie jar keeps the session)."""
    import re

    form = client.get("/sekretariat/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    r = client.post("/sekretariat/login", data={"csrf": csrf, "email": CONSOLE_USER[0], "password": CONSOLE_USER[1]})
    assert r.status_code == 303, r.status_code


def statements(rt: Any, built: Built) -> dict[str, int]:
    """Per page path: the SQL statements of one request, in-process on the same database."""
    from fastapi.testclient import TestClient

    from hoering.web.app import create_app

    counts: dict[str, int] = {}
    with TestClient(create_app(rt), follow_redirects=False) as client:
        login(client)
        for _, path in pages(built):
            client.get(path, headers=headers_for(path))  # warm: caches, the first connection
            with counting(rt.db.engine) as seen:
                r = client.get(path, headers=headers_for(path))
            assert r.status_code == 200, (path, r.status_code)
            counts[path] = len(seen)
    return counts


def measure(kind: str, size: float, result: Result, work: Path) -> None:
    from hoering.db.migrate import upgrade
    from hoering.mail.sink import free_port
    from hoering.runtime import bootstrap, forget_databases
    from hoering.services.registry import load_registry
    from hoering.settings import load_settings

    with fresh_database(kind, work) as url:
        settings = load_settings(database_url=url, home=work, secret_key="bench-secret-key", api_token=API_TOKEN)
        rt = bootstrap(settings, clock=lambda: OPENED)
        upgrade(rt.db)
        load_registry(rt)
        start = time.perf_counter()
        built = build(rt, size)
        took = time.perf_counter() - start
        c = built.counts
        result.notes.append(f"{kind}: built {c['hearing']:,} hearings, {c['answer']:,} answer versions, "
                            f"{c['meeting']:,} meetings, {c['item']:,} cases, {c['outbox']:,} mails in {took:.0f} s")
        result.add(f"building the data set, {kind}", took, "s", "the goal", 300.0)
        rt.clock = lambda: NOW  # type: ignore[misc]
        counted = statements(rt, built)
        forget_databases()
        port = free_port()
        env = hoering_env(work, url, HOERING_SMTP_PORT="1", HOERING_API_TOKEN=API_TOKEN)
        with running_web(env, port, at=AT, log=work / f"web-{kind}.log") as base:
            with httpx.Client(base_url=base) as client:
                login(client)
                cookies = dict(client.cookies.items())
            trivial = loadgen(work, base, [{"method": "GET", "path": "/"}], concurrency=CONCURRENCY, seconds=SECONDS)
            runs = {}
            for name, path in pages(built):
                runs[name] = (path, loadgen(work, base, [{"method": "GET", "path": path, "cookies": cookies,
                                                          "headers": headers_for(path)}],
                                              concurrency=CONCURRENCY, seconds=SECONDS))
    result.add(f"trivial endpoint GET / (the floor), p99, {kind}", trivial["p99_ms"], "ms",
               note=f"p50 {trivial['p50_ms']:.1f} ms, {trivial['rps']:.0f} req/s")
    for name, (path, run) in runs.items():
        assert set(run["statuses"]) == {"200"}, (name, run["statuses"])
        result.add(f"{name}, p99, {kind}", run["p99_ms"], "ms", "trivial endpoint p99", trivial["p99_ms"],
                   note=f"p50 {run['p50_ms']:.1f} ms, {run['rps']:.0f} req/s, {counted[path]} statements")
        result.add(f"  {name}, statements per request, {kind}", counted[path], "statements")


def run(argv: list[str] | None = None) -> Result:
    size = 1.0
    args = list(argv or [])
    if "--size" in args:
        size = float(args[args.index("--size") + 1])
    result = Result("scale", f"scale: ten years of five regions (size {size:g}), pages under {CONCURRENCY} "
                             f"concurrent clients, {SECONDS:.0f} s each, against hoering web (1 process)")
    with tempfile.TemporaryDirectory() as tmp:
        measure("sqlite", size * SQLITE_SHARE, result, Path(tmp))
        if postgres_missing() is None:
            measure("postgres", size, result, Path(tmp))
        else:
            result.notes.append("PostgreSQL is not reachable: no PostgreSQL rows.")
    result.notes.append("latency: ratio = trivial endpoint p99 / the page's p99 (1.0 = as fast as no database "
                        "at all). Statements: one request's SQL statements, counted in-process.")
    return result
