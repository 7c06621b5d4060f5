"""A Prefect server of our own on loopback (``prefect server start``), for ``make serve`` and the
scale-out check. Unlike the temporary server, it runs Prefect's scheduler, so cron schedules
create runs, and it serves the UI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

QUIET = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Record task runs in large batches, or the server takes a minute per 1 000 task runs.
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
}


def prefect_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "prefect", *args]


@contextmanager
def running_server(*, port: int, home: Path, log: Path, env: dict[str, str] | None = None,
                   startup_timeout: float = 120.0) -> Iterator[str]:
    """Run ``prefect server start`` on 127.0.0.1:``port`` while the block runs; yields its API URL."""
    home.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    server_env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    server_env.update(QUIET)
    api_url = f"http://127.0.0.1:{port}/api"
    # The UI asks /ui-settings where the API is; without this it names port 4200 whatever
    # port the server runs on, and the UI is blank on any other port.
    server_env.update({"PREFECT_HOME": str(home), "PREFECT_UI_API_URL": api_url})
    server_env.update(env or {})
    with log.open("ab") as out:
        proc = subprocess.Popen(
            prefect_command("server", "start", "--host", "127.0.0.1", "--port", str(port), "--analytics-off"),
            env=server_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_healthy(api_url, proc, timeout=startup_timeout, log=log)
        yield api_url
    finally:
        stop(proc)


def wait_healthy(api_url: str, proc: subprocess.Popen[bytes], *, timeout: float, log: Path) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if proc.poll() is not None:
            raise RuntimeError(f"the Prefect server exited ({proc.returncode}); see {log}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s; see {log}")


def stop(proc: subprocess.Popen[bytes], *, timeout: float = 20.0) -> None:
    """Stop a process we started (and its children, which share its session)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
