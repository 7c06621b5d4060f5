"""Fixtures of the console tests: the web app on SQLite with the registry, people to log in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hoering.mail.sink import MailSink
from hoering.runtime import Runtime
from hoering.services.users import add_user
from hoering.web.app import create_app
from tests.support import Clock
from tests.web.conftest import password_hash, web_runtime  # noqa: F401 - fixtures

PASSWORDS = {"anna@sekretariat.example": "annas-adgangskode",
             "bo@sekretariat.example": "bos-adgangskode-1",
             "laeser@sekretariat.example": "laeserens-kode-1"}


@pytest.fixture
def console_rt(tmp_path: Path, sqlite_url: str, clock: Clock, smtp: tuple[Any, MailSink],
               password_hash: str) -> Runtime:  # noqa: F811
    return web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash)


def add_people(rt: Runtime) -> None:
    add_user(rt, "anna@sekretariat.example", name="Anna Andersen", role="sekretariat",
             password=PASSWORDS["anna@sekretariat.example"])
    add_user(rt, "bo@sekretariat.example", name="Bo Berg", role="sekretariat",
             password=PASSWORDS["bo@sekretariat.example"])
    add_user(rt, "laeser@sekretariat.example", name="Lis Læser", role="laeser",
             password=PASSWORDS["laeser@sekretariat.example"])


@pytest.fixture
def people(console_rt: Runtime) -> Runtime:
    add_people(console_rt)
    return console_rt


def client_for(rt: Runtime) -> TestClient:
    """The console as ``hoering web`` serves it: it sends the mail it queues."""
    return TestClient(create_app(rt, sends_mail=True), follow_redirects=False)


@pytest.fixture
def make_client(console_rt: Runtime) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make() -> TestClient:
        c = client_for(console_rt).__enter__()
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def login_as(client: TestClient, email: str) -> None:
    page = client.get("/sekretariat/login")
    r = client.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": email,
                                                 "password": PASSWORDS[email]})
    assert r.status_code == 303, r.text
