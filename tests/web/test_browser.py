"""Playwright driving Debian's chromium against the app served by uvicorn on loopback.

The invitation's link is taken from a mail the test SMTP server received, so the portal URL in
the mail must be the live server's address. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from hoering.mail.sink import MailSink, free_port
from hoering.runtime import Runtime
from hoering.services.hearings import close_hearing
from hoering.web.app import create_app
from tests.support import JYFE_DEADLINE, ROOT, Clock
from tests.web.conftest import LiveServer, invitation_links, open_example, send_mail, web_runtime

expect.set_options(timeout=30_000)  # a loaded CI machine: wait for the next page, not a fixed time

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "var" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DIRECTOR = "socialdirektoer@hjoerring.kommune.example"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium per module; Playwright gives it a new, empty temporary profile."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); run: bash .ci/system-deps.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(browser: Any) -> Iterator[Any]:
    """A fresh context (no cookies, no storage) per test, with JavaScript off: the pages must
    work without it."""
    context = browser.new_context(locale="da-DK", java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def live(tmp_path: Path, sqlite_url: str, clock: Clock, smtp: tuple[Any, MailSink],
         password_hash: str) -> Iterator[tuple[Runtime, LiveServer]]:
    port = free_port()
    rt = web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash, portal_url=f"http://127.0.0.1:{port}")
    with LiveServer(create_app(rt), port=port) as server:
        yield rt, server


def test_answer_in_the_browser_from_the_invitation_mail(browser_context, live, sink, clock):
    rt, server = live
    open_example(rt)
    link = invitation_links(rt, sink)[DIRECTOR]
    assert link.startswith(server.url + "/svar/")
    sink.received.clear()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = browser_context.new_page()
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Tilbagebetaling af tiloversblevne midler fra JYFE")
    assert "Hjørring Kommune" in page.locator(".lead").inner_text()
    assert "tirsdag den 13. maj 2014 kl. 12.00" in page.inner_text(".deadline")
    page.screenshot(path=str(SCREENSHOTS / "svarside-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(SCREENSHOTS / "svarside-360px.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")  # evaluate works without page JS
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px wide)"

    # answer, by the labels a person reads
    page.get_by_label("Midlerne samles i en fælles pulje").check()
    page.get_by_label("Bemærkning").fill("Hjørring støtter puljen.")
    page.get_by_role("button", name="Send svar").click()
    expect(page.locator("h1")).to_have_text("Tak – svaret er modtaget")
    assert "Midlerne samles i en fælles pulje" in page.inner_text("dl.answer")
    assert "Hjørring støtter puljen." in page.inner_text("dl.answer")
    page.screenshot(path=str(SCREENSHOTS / "kvittering-360px.png"), full_page=True)

    assert send_mail(rt) == 2
    receipt = next(m for m in sink.messages if m["To"].addresses[0].addr_spec == DIRECTOR)
    assert str(receipt["Subject"]).startswith("Kvittering: Hjørring Kommunes svar")
    assert "Hjørring støtter puljen." in receipt.get_body(preferencelist=("plain",)).get_content()

    # change the answer
    clock.advance(days=2)
    page.get_by_role("link", name="Ret svaret").click()
    assert page.get_by_label("Midlerne samles i en fælles pulje").is_checked()
    page.get_by_label("Andelen udbetales til egen kommune").check()
    page.get_by_role("button", name="Gem det ændrede svar").click()
    assert "ændring nr. 1" in page.inner_text(".box.ok")
    assert "Andelen udbetales til egen kommune" in page.inner_text("dl.answer")

    # after the deadline and the close: the closed page with the counted answer
    clock.set(JYFE_DEADLINE + timedelta(minutes=5))
    close_hearing(rt, 1)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Høringen er afsluttet")
    assert "Andelen udbetales til egen kommune" in page.inner_text("dl.answer")
    assert page.locator("form").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "afsluttet-desktop.png"), full_page=True)

    # a wrong token: the plain 404 page
    response = page.goto(server.url + "/svar/" + "A" * 43)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Siden findes ikke")


def test_secretariat_overview_in_the_browser(browser_context, live, sink, clock):
    from tests.web.conftest import PASSWORD

    rt, server = live
    hid = open_example(rt)
    links = invitation_links(rt, sink)
    page = browser_context.new_page()
    page.goto(links[DIRECTOR])
    page.get_by_label("Midlerne samles i en fælles pulje").check()
    page.get_by_role("button", name="Send svar").click()
    page.wait_for_url("**/kvittering")

    page.goto(server.url + "/sekretariat")
    assert page.url.endswith("/sekretariat/login")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator("h1")).to_have_text("Høringer")
    expect(page.locator("main")).to_contain_text("Svar: 1 af 11")
    page.screenshot(path=str(SCREENSHOTS / "sekretariat-oversigt.png"), full_page=True)
    page.get_by_role("link", name="Tilbagebetaling af tiloversblevne midler fra JYFE").click()
    page.wait_for_url(f"**/sekretariat/hoering/{hid}")
    page.get_by_role("button", name="Send påmindelse nu").click()
    expect(page.locator("h2")).to_have_text("20 mails til 10 modtagere")
    page.get_by_role("button", name="Ja, send").click()
    expect(page.locator("main")).to_contain_text("Påmindelse lagt i udbakken til 20 modtager(e).")
    page.get_by_label("Luk alligevel").check()
    page.get_by_role("button", name="Afslut høringen").click()
    expect(page.locator("main")).to_contain_text("Høringen er afsluttet")
    page.screenshot(path=str(SCREENSHOTS / "sekretariat-hoering.png"), full_page=True)
