"""Crash tests: a real process killed with SIGKILL, restarted until its work is done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.smtp_server import smtp_server_process

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/crash/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def smtp_log(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """An SMTP server in its own process, logging ``recipient<TAB>Message-ID`` per message."""
    log = tmp_path / "received.log"
    log.touch()
    with smtp_server_process(tmp_path, log=log) as port:
        yield port, log


def hoering_env(home: Path, database_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOERING_")}
    env.update({
        "HOERING_HOME": str(home), "HOERING_DATABASE_URL": database_url,
        "HOERING_SECRET_KEY": "test-secret-key", "HOERING_PORTAL_URL": "http://127.0.0.1:8000",
        "HOERING_SMTP_HOST": "127.0.0.1", "HOERING_SMTP_PORT": str(smtp_port),
        "HOERING_SMTP_TIMEOUT": "5", "HOERING_SMTP_BACKOFF_SECONDS": "0.05",
        "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    })
    env.update(extra)
    return env


def start_cli(args: list[str], *, env: dict[str, str], cwd: Path, output: Path) -> subprocess.Popen[bytes]:
    with output.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "hoering.cli.main", *args], env=env, cwd=cwd,
                                stdout=out, stderr=subprocess.STDOUT)


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def read_log(log: Path) -> list[tuple[str, str]]:
    lines = log.read_text(encoding="utf-8").splitlines()
    return [(rcpt, mid) for rcpt, mid in (line.split("\t") for line in lines if line)]
