"""Fixtures for the boundary tests: ``hoering web`` started as a real process on a free port,
against a database the test prepared (SQLite or PostgreSQL)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from hoering.mail.sink import free_port
from hoering.runtime import Runtime
from hoering.web.security import hash_password
from tests.crash.conftest import ROOT, hoering_env

PASSWORD = "rigtig-adgangskode"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@contextmanager
def hoering_web(rt: Runtime, home: Path, *, at: str | None = None, **env: str) -> Iterator[str]:
    """``hoering web`` in its own process on ``rt``'s database; yields the base URL."""
    port = free_port()
    settings = rt.settings
    extra = {"HOERING_PORTAL_URL": f"http://127.0.0.1:{port}"}
    if settings.admin_password_hash:
        extra["HOERING_ADMIN_PASSWORD_HASH"] = settings.admin_password_hash
    extra.update(env)
    full_env = hoering_env(home, settings.database_url, settings.smtp_port, **extra)
    prefix = ["--at", at] if at else []
    log = (home / f"web-{port}.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "hoering.cli.main", *prefix, "web", "--port", str(port)],
                              cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        give_up = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > give_up:
                    raise RuntimeError("hoering web did not start: "
                                       + (home / f"web-{port}.log").read_text()[-2000:]) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def log_in(client: httpx.Client, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/sekretariat/login")
    return client.post("/sekretariat/login", data={"password": password, "csrf": csrf_of(page.text)})


