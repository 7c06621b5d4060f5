"""``HOERING_LOG_FORMAT=json``: the real ``hoering web`` writes one JSON object per line, each
request's lines carry its request id (the proxy's, or a new one, sent back in X-Request-ID), and
neither an answer link's token nor an e-mail address reaches the log."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_json_log_lines_with_request_ids_and_nothing_personal(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "HOERING_HOME": str(tmp_path / "var"), "HOERING_SECRET_KEY": "json-logs",
           "HOERING_DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}", "HOERING_LOG_FORMAT": "json"}
    hoering = [sys.executable, "-m", "hoering.cli.main"]
    assert subprocess.run([*hoering, "init"], env=env, capture_output=True, timeout=120).returncode == 0
    log = (tmp_path / "web.log").open("w")
    server = subprocess.Popen([*hoering, "web", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        given = httpx.get(f"{base}/svar/{TOKEN}", headers={"X-Request-ID": "nginx-req-0123456789"}, timeout=10)
        assert given.headers["X-Request-ID"] == "nginx-req-0123456789"
        made = httpx.get(f"{base}/sekretariat/login?next=/svar/{TOKEN}&hvem=birthe@laesoe.kommune.example",
                         timeout=10)
        assert len(made.headers["X-Request-ID"]) == 32
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    text = (tmp_path / "web.log").read_text()
    assert TOKEN not in text and "birthe@" not in text, text
    lines = [line for line in text.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    assert {"nginx-req-0123456789", made.headers["X-Request-ID"]} <= {r.get("request_id") for r in access}, access
    assert any("/svar/…" in r["message"] for r in access)
    # every line but the process's own first words is an object
    others = [line for line in text.splitlines() if line.strip() and not line.startswith("{")]
    assert all(line.startswith(("Kører på", "Bemærk")) for line in others), others
