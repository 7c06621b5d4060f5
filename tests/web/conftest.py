"""Fixtures for the web tests: a runtime on SQLite with a login and an API token, the app, and
a live uvicorn server on a free loopback port (for the browser and schemathesis runs)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from hoering.mail.sink import MailSink, free_port
from hoering.passwords import hash_password
from hoering.runtime import Runtime
from hoering.services.hearings import open_hearing
from hoering.services.outbox import anything_to_send, send_outbox
from hoering.web.app import create_app
from tests.support import BOTH_CONTACTS, Clock, jyfe, make_runtime

PASSWORD = "rigtig-adgangskode"
API_TOKEN = "api-token-for-tests-0123456789"
LINK = re.compile(r"(https?://[^\s\"<>]+/svar/([A-Za-z0-9_-]{43}))")


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


def web_runtime(tmp_path: Path, url: str, clock: Clock, smtp: tuple[Any, MailSink], password_hash: str,
                **settings: Any) -> Runtime:
    controller, _ = smtp
    return make_runtime(tmp_path, url, clock, smtp_host=controller.hostname, smtp_port=controller.port,
                        admin_password_hash=password_hash, api_token=API_TOKEN, **settings)


@pytest.fixture
def web_rt(tmp_path: Path, sqlite_url: str, clock: Clock, smtp: tuple[Any, MailSink],
           password_hash: str) -> Runtime:
    """SQLite only: the subject of most web tests is not the database."""
    return web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash)


@pytest.fixture
def client(web_rt: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(web_rt), follow_redirects=False) as c:
        yield c


def open_example(rt: Runtime, name: str = "jyfe.yaml") -> int:
    """The JYFE example, asking each kommune's director and deputy (two personal links each);
    tests open it (and its equal-key twin, same title and deadline) more than once."""
    return open_hearing(rt, jyfe(name, contacts=BOTH_CONTACTS), again=True)


def send_mail(rt: Runtime) -> int:
    """``send_outbox`` in a thread of its own: Playwright's sync API keeps an event loop running
    in the test's thread, where ``asyncio.run`` is refused."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(send_outbox, rt).result().sent


def wait_until_sent(rt: Runtime, seconds: float = 20) -> None:
    """Until no message waits to be sent (a web app's outbox pump may hold some)."""
    deadline = time.monotonic() + seconds
    while anything_to_send(rt):
        assert time.monotonic() < deadline, "mail still waiting in the outbox"
        time.sleep(0.05)


def invitation_links(rt: Runtime, sink: MailSink) -> dict[str, str]:
    """Send the outbox; the answer link of every invitation received, by recipient address."""
    send_mail(rt)
    wait_until_sent(rt)
    links = {}
    for m in sink.messages:
        if "Mailhøring" not in str(m["Subject"]) or "Påmindelse" in str(m["Subject"]):
            continue
        text = m.get_body(preferencelist=("plain",)).get_content()
        match = LINK.search(text)
        assert match, "an invitation without an answer link"
        links[m["To"].addresses[0].addr_spec] = match.group(1)
    return links


def path_of(link: str) -> str:
    return "/svar/" + link.rsplit("/svar/", 1)[1]


def login(client: TestClient) -> None:
    page = client.get("/sekretariat/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/sekretariat/login", data={"password": PASSWORD, "csrf": csrf})
    assert response.status_code == 303


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


class LiveServer:
    """The app served by uvicorn in a background thread on a free loopback port."""

    def __init__(self, app: Any, port: int | None = None, *, lifespan: str = "off") -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan=lifespan)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
