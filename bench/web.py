"""answer page: requests/s and p50/p99 of GET and POST /svar/{token}, against a trivial
endpoint of the same app (GET /, a redirect: same middleware, no database, no template).
``hoering web`` runs in its own process(es); the load generator in another: the httpx one (GET
and POST, its own CPU in the notes) and ``wrk`` (GET only, a C generator that is never the
bottleneck; installed from Debian's packages where missing). Measured with one uvicorn process
and with ``--workers 2`` (docs/operations.md, Production)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, Result, fresh_database, hoering_env, postgres_missing
from bench.web_process import running_web

OPENED = datetime(2014, 4, 29, 8, 0, tzinfo=UTC)
AT = "2014-05-01T10:00"  # the JYFE hearing is open
CONCURRENCY = 8
SECONDS = 8.0


def prepare(url: str, home: Path) -> tuple[int, list[str]]:
    from hoering.db.migrate import upgrade
    from hoering.db.models import AnswerToken
    from hoering.runtime import bootstrap, forget_databases
    from hoering.services.hearings import open_hearing, read_hearing_file
    from hoering.services.registry import load_registry
    from hoering.settings import load_settings
    from hoering.tokens import derive_token

    rt = bootstrap(load_settings(database_url=url, home=home, secret_key="bench-secret-key"), clock=lambda: OPENED)
    upgrade(rt.db)
    load_registry(rt)
    hid = open_hearing(rt, read_hearing_file(ROOT / "examples" / "jyfe.yaml"))
    with rt.db.transaction() as s:
        tokens = [derive_token(rt.secret, t.nonce) for t in s.query(AnswerToken).order_by(AnswerToken.id)]
    forget_databases()
    return hid, tokens


def post_requests(base: str, hid: int, tokens: list[str]) -> list[dict[str, Any]]:
    """One POST per token, with the CSRF field and cookie a browser would have after the GET."""
    out = []
    with httpx.Client(base_url=base) as client:
        for token in tokens:
            page = client.get(f"/svar/{token}")
            field = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert page.status_code == 200 and field, page.status_code
            out.append({"method": "POST", "path": f"/svar/{token}",
                        "data": {"csrf": field.group(1), "hearing": str(hid), "option": "pulje"},
                        "cookies": {"hoering_csrf": client.cookies.get("hoering_csrf")}})
    return out


def loadgen(work: Path, base: str, requests: list[dict[str, Any]], *, concurrency: int = CONCURRENCY,
            seconds: float = SECONDS) -> dict[str, Any]:
    spec = work / "spec.json"
    spec.write_text(json.dumps({"base": base, "concurrency": concurrency, "seconds": seconds,
                                "requests": requests}))
    out = subprocess.run([sys.executable, "-m", "bench.loadgen", str(spec)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure_wrk() -> str | None:
    """``wrk``'s path, installing Debian's package when it is missing (None if that fails)."""
    found = shutil.which("wrk")
    if found is None and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, timeout=300)
        found = shutil.which("wrk")
    return found


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(binary: str, url: str) -> dict[str, float]:
    out = subprocess.run([binary, "-t1", f"-c{CONCURRENCY}", f"-d{SECONDS:.0f}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        latency[pct] = float(value) * WRK_UNITS[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    assert non_2xx is None, out
    return {"rps": rps, "p50_ms": latency["50"], "p99_ms": latency["99"]}


def measure(kind: str, result: Result, work: Path, *, workers: int = 1, wrk_binary: str | None = None) -> None:
    from hoering.mail.sink import free_port

    with fresh_database(kind, work) as url:
        hid, tokens = prepare(url, work)
        port = free_port()
        env = hoering_env(work, url, HOERING_SMTP_PORT="1")
        with running_web(env, port, at=AT, workers=workers if workers > 1 else None) as base:
            if workers > 1:
                time.sleep(2)  # every worker up before measuring
            trivial = loadgen(work, base, [{"method": "GET", "path": "/"}])
            get = loadgen(work, base, [{"method": "GET", "path": f"/svar/{t}"} for t in tokens])
            post = loadgen(work, base, post_requests(base, hid, tokens))
            by_wrk = ((wrk(wrk_binary, base + "/"), wrk(wrk_binary, f"{base}/svar/{tokens[0]}"))
                      if wrk_binary else None)
    assert set(get["statuses"]) == {"200"} and set(post["statuses"]) == {"303"}, (get, post)
    # the figures are one process measured with httpx: those rows keep their names;
    # the others say how they were measured
    prefix = "" if workers == 1 else f"--workers {workers}: "

    def busy(run: dict[str, Any]) -> str:
        return f"generator CPU {100 * run['cpu'] / run['seconds']:.0f}%"

    result.add(f"{prefix}trivial endpoint GET / (the limit), {kind}", trivial["rps"], "req/s",
               note=f"p50 {trivial['p50_ms']:.1f} ms, p99 {trivial['p99_ms']:.1f} ms, {busy(trivial)}")
    for name, run in (("GET /svar/{token}", get), ("POST /svar/{token} (records an answer)", post)):
        result.add(f"{prefix}{name}, {kind}", run["rps"], "req/s", "trivial endpoint", trivial["rps"],
                   higher_is_better=True,
                   note=f"p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, {busy(run)}")
        result.add(f"  {prefix}p99 latency, {name}, {kind}", run["p99_ms"], "ms", "trivial endpoint p99",
                   trivial["p99_ms"])
    if by_wrk is not None:
        w_trivial, w_get = by_wrk
        result.add(f"wrk, {prefix or '1 process: '}trivial endpoint GET /, {kind}", w_trivial["rps"], "req/s",
                   note=f"p50 {w_trivial['p50_ms']:.1f} ms, p99 {w_trivial['p99_ms']:.1f} ms")
        result.add(f"wrk, {prefix or '1 process: '}GET /svar/{{token}}, {kind}", w_get["rps"], "req/s",
                   "wrk trivial endpoint", w_trivial["rps"], higher_is_better=True,
                   note=f"p50 {w_get['p50_ms']:.1f} ms, p99 {w_get['p99_ms']:.1f} ms")
        result.add(f"  wrk, {prefix or '1 process: '}p99 latency, GET /svar/{{token}}, {kind}", w_get["p99_ms"], "ms",
                   "wrk trivial endpoint p99", w_trivial["p99_ms"])


def run() -> Result:
    result = Result("web", f"answer page: hoering web (uvicorn, 1 process, then --workers 2) vs a load generator "
                           f"in another process, {CONCURRENCY} connections, {SECONDS:.0f} s per endpoint")
    binary = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            for kind in ["sqlite"] + ([] if postgres_missing() else ["postgres"]):
                measure(kind, result, Path(tmp), workers=workers, wrk_binary=binary)
    result.notes.append("rates: ratio = figure / trivial endpoint; latency: ratio = trivial p99 / figure.")
    result.notes.append("generator CPU near 100%: the httpx generator set the pace (the trivial endpoint's "
                        "figure is the generator's limit, not the app's); wrk rows are the app's own.")
    if binary is None:
        result.notes.append("wrk is missing and could not be installed: no wrk rows.")
    return result
