"""The outbox page in Debian's chromium (Playwright): a message the mail server refused is shown
with the server's reply, and «Send igen» sends it once the mailbox is fixed; the reminder's
confirmation lists who gets mail before anything is sent. axe-core at 1 280 and 360 px."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hoering.db.models import OutboxMessage
from hoering.mail.sink import free_port, running_sink
from hoering.runtime import Runtime
from hoering.web.app import create_app
from tests.console.conftest import add_people
from tests.console.test_console_browser import Axe, axe_source, browser, login, wait_for  # noqa: F401 - fixtures
from tests.mailtools import FaultySink
from tests.support import Clock
from tests.web.conftest import LiveServer, open_example, web_runtime

pytestmark = pytest.mark.browser
LAESOE = "socialdirektoer@laesoe.kommune.example"


@pytest.fixture
def refusing(tmp_path: Path, sqlite_url: str, clock: Clock,
             password_hash: str) -> Iterator[tuple[Runtime, LiveServer, FaultySink]]:
    """The console as ``hoering web`` serves it (sending), its mail server refusing Læsø."""
    handler = FaultySink(reject=r"@laesoe\.kommune\.example$")
    with running_sink(handler) as (controller, sink):
        port = free_port()
        rt = web_runtime(tmp_path, sqlite_url, clock, (controller, sink), password_hash,
                         portal_url=f"http://127.0.0.1:{port}")
        add_people(rt)
        with LiveServer(create_app(rt, sends_mail=True), port=port, lifespan="on") as server:
            yield rt, server, handler


def _status(rt: Runtime, to: str) -> list[str]:
    with rt.db.read() as s:
        return list(s.scalars(select(OutboxMessage.status).where(OutboxMessage.to_addr == to)))


def test_a_refused_mail_is_shown_and_send_igen_sends_it(browser, axe_source, refusing):  # noqa: F811
    rt, server, handler = refusing
    hid = open_example(rt)  # 22 invitations; the web app's sender sends them, Læsø's are refused
    assert wait_for(lambda: [st for st in _status(rt, LAESOE) if st == "failed"], 1)
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server.url, "anna@sekretariat.example")
    axe = Axe(browser, axe_source, context.storage_state())
    try:
        page.get_by_role("link", name="Udbakke").click()
        expect(page.locator("h1")).to_have_text("Udbakke")
        expect(page.locator("#fejlet")).to_have_text("Fejlet (2)")
        refused = page.locator("li", has_text=LAESOE).filter(has_text="550 5.1.1 Mailbox unavailable")
        expect(refused).to_have_count(1)
        axe.scan(server.url + "/sekretariat/udbakke", name="udbakke")
        small = axe.context.new_page()
        small.set_viewport_size({"width": 360, "height": 800})
        small.goto(server.url + "/sekretariat/udbakke")
        axe.scan("", name="udbakke (360 px)", page=small)
        small.close()

        handler.reject = None  # the mailbox is fixed
        page.get_by_role("button", name=f"Send igen til {LAESOE}").click()
        expect(page.locator("main")).to_contain_text("Beskeden er lagt i udbakken igen og sendes nu")
        assert wait_for(lambda: [r for r in handler.received if LAESOE in r.rcpt_tos], 1)
        assert wait_for(lambda: [st for st in _status(rt, LAESOE) if st == "sent"], 1)
        page.reload()
        expect(page.locator("#fejlet")).to_have_text("Fejlet (1)")
        expect(page.locator("section[aria-labelledby=sendt] li", has_text=LAESOE)).to_have_count(1)

        # «Send påmindelse nu» asks first, listing who gets it; nothing goes before «Ja, send»
        page.goto(f"{server.url}/sekretariat/hoering/{hid}")
        expect(page.locator("#mailstatus")).to_contain_text("1 fejlet")
        before = len(handler.received)
        page.get_by_role("button", name="Send påmindelse nu").click()
        expect(page.locator("h1")).to_have_text("Send påmindelse nu?")
        expect(page.locator("h2")).to_have_text("22 mails til 11 modtagere")
        time.sleep(1.0)
        assert len(handler.received) == before
        page.get_by_role("link", name="Fortryd").click()
        expect(page.locator("h1")).to_contain_text("Tilbagebetaling af tiloversblevne midler fra JYFE")
        time.sleep(1.0)
        assert len(handler.received) == before and not [r for r in handler.received[before:]]
    finally:
        axe.close()
        context.close()
