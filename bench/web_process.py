"""``hoering web`` in its own process, as production runs it: for the benchmark and the tests
that need real HTTP (the safety tests, the page race). Yields the base URL once it answers."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def running_web(env: dict[str, str], port: int, *, at: str | None = None, workers: int | None = None,
                log: Path | None = None, start_timeout: float = 60) -> Iterator[str]:
    """Start ``hoering [--at AT] web --port PORT [--workers N]`` with ``env``; stop it on exit.
    The output goes to ``log`` (its tail is in the error when the server does not come up)."""
    args = [sys.executable, "-m", "hoering.cli.main", *(["--at", at] if at else []), "web", "--port", str(port)]
    if workers:
        args += ["--workers", str(workers)]
    out = log.open("ab") if log else subprocess.DEVNULL
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        give_up = time.monotonic() + start_timeout
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > give_up:
                    tail = log.read_text(errors="replace")[-2000:] if log else ""
                    raise RuntimeError(f"hoering web did not start on port {port}: {tail}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if log:
            out.close()  # type: ignore[union-attr]
