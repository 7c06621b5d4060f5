"""answer page: requests/s and p50/p99 of GET and POST /svar/{token}, against a trivial
endpoint of the same app (GET /, a redirect: same middleware, no database, no template).
``hoering web`` runs in its own process; the load generator (httpx) in a second one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, Result, fresh_database, hoering_env, postgres_missing

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


def loadgen(work: Path, base: str, requests: list[dict[str, Any]]) -> dict[str, Any]:
    spec = work / "spec.json"
    spec.write_text(json.dumps({"base": base, "concurrency": CONCURRENCY, "seconds": SECONDS,
                                "requests": requests}))
    out = subprocess.run([sys.executable, "-m", "bench.loadgen", str(spec)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(kind: str, result: Result, work: Path) -> None:
    from hoering.mail.sink import free_port

    with fresh_database(kind, work) as url:
        hid, tokens = prepare(url, work)
        port = free_port()
        env = hoering_env(work, url, HOERING_SMTP_PORT="1")
        server = subprocess.Popen([sys.executable, "-m", "hoering.cli.main", "--at", AT, "web", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            give_up = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/", timeout=1)
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > give_up:
                        raise RuntimeError("hoering web did not start") from None
                    time.sleep(0.2)
            trivial = loadgen(work, base, [{"method": "GET", "path": "/"}])
            get = loadgen(work, base, [{"method": "GET", "path": f"/svar/{t}"} for t in tokens])
            post = loadgen(work, base, post_requests(base, hid, tokens))
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert set(get["statuses"]) == {"200"} and set(post["statuses"]) == {"303"}, (get, post)
    result.add(f"trivial endpoint GET / (the limit), {kind}", trivial["rps"], "req/s",
               note=f"p50 {trivial['p50_ms']:.1f} ms, p99 {trivial['p99_ms']:.1f} ms")
    for name, run in (("GET /svar/{token}", get), ("POST /svar/{token} (records an answer)", post)):
        result.add(f"{name}, {kind}", run["rps"], "req/s", "trivial endpoint", trivial["rps"],
                   higher_is_better=True, note=f"p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms")
        result.add(f"  p99 latency, {name}, {kind}", run["p99_ms"], "ms", "trivial endpoint p99",
                   trivial["p99_ms"])


def run() -> Result:
    result = Result("web", f"answer page: hoering web (uvicorn, 1 process) vs httpx load generator in a second "
                           f"process, {CONCURRENCY} connections, {SECONDS:.0f} s per endpoint")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ["sqlite"] + ([] if postgres_missing() else ["postgres"]):
            measure(kind, result, Path(tmp))
    result.notes.append("rates: ratio = figure / trivial endpoint; latency: ratio = trivial p99 / figure.")
    return result
