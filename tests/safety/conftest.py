"""Fixtures for the boundary tests: ``hoering web`` started as a real process on a free port,
against a database the test prepared (SQLite or PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from bench.web_process import running_web

from hoering.mail.sink import free_port
from hoering.passwords import hash_password
from hoering.runtime import Runtime
from tests.crash.conftest import hoering_env

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
    with running_web(full_env, port, at=at, log=home / f"web-{port}.log") as base:
        yield base


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def log_in(client: httpx.Client, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/sekretariat/login")
    return client.post("/sekretariat/login", data={"password": password, "csrf": csrf_of(page.text)})


