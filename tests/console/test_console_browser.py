"""The console in Debian's chromium (Playwright): a secretariat user writes the JYFE hearing in the
form, meets a field error and fixes it, previews Aalborg's invitation, opens it (the invitations
arrive at the test SMTP server), records Morsø's phoned-in answer, closes and downloads the
høringsnotat, which reads back. axe-core (from the npm registry) checks every console page and
every answer-page state for WCAG 2.1 A/AA violations; screenshots go to var/screenshots/.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from hoering.db.models import Hearing
from hoering.mail.sink import MailSink, free_port
from hoering.runtime import Runtime
from hoering.services.hearings import close_hearing
from hoering.services.inbox import import_files
from hoering.services.users import disable_user
from hoering.web.app import create_app
from tests.console.conftest import PASSWORDS, add_people
from tests.inbox.support import CORPUS
from tests.support import JYFE_DEADLINE, ROOT, Clock
from tests.web.conftest import LiveServer, invitation_links, open_example, web_runtime
from tests.web.test_browser import browser  # noqa: F401 - the fixture: one headless chromium per module

expect.set_options(timeout=30_000)  # a loaded CI machine: wait for the next page, not a fixed time

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "var" / "screenshots"
NPM_CACHE = ROOT / "var" / "cache" / "npm"
AXE_VERSION = "4.14.1"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAIL = "07-outlook-both-options.eml"  # Mariagerfjord: "enten pulje eller udbetaling"
RESPONSES = [(773, "Morsø", "Imødekommet", "Morsøs tilsagn til puljen er noteret."),
             (846, "Mariagerfjord", "Taget til efterretning", "Mariagerfjord overlader valget til sekretariatet.")]


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's ``axe.min.js``, fetched once from the npm registry (``npm pack``) into a cache."""
    target = NPM_CACHE / f"axe-core-{AXE_VERSION}.min.js"
    if not target.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed: cannot fetch axe-core from the npm registry")
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(NPM_CACHE)],
                              capture_output=True, text=True, timeout=180)
        tgz = NPM_CACHE / f"axe-core-{AXE_VERSION}.tgz"
        if done.returncode != 0 or not tgz.exists():
            pytest.skip(f"the npm registry is unreachable: cannot fetch axe-core ({done.stderr.strip()[-200:]})")
        with tarfile.open(tgz) as tar:
            member = tar.extractfile("package/axe.min.js")
            assert member is not None
            target.write_bytes(member.read())
    return target.read_text()


class Axe:
    """Scans pages in a context made with ``bypass_csp=True`` (our CSP refuses injected scripts)."""

    def __init__(self, browser: Any, source: str, storage: dict[str, Any] | None = None) -> None:  # noqa: F811
        self.context = browser.new_context(bypass_csp=True, locale="da-DK", storage_state=storage,
                                           viewport={"width": 1280, "height": 900})
        self.source = source
        self.scanned: list[str] = []

    def scan(self, url: str, *, name: str, page: Any | None = None) -> None:
        own = page is None
        page = page or self.context.new_page()
        if own:
            page.goto(url)
        page.add_script_tag(content=self.source)
        result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                               WCAG)
        if own:
            page.close()
        self.scanned.append(name)
        problems = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
                    for v in result["violations"]]
        assert not problems, f"axe-core on {name}: " + "; ".join(problems)

    def close(self) -> None:
        self.context.close()


def _serving(tmp_path: Path, url: str, clock: Clock, smtp: tuple[Any, MailSink],
             password_hash: str) -> Iterator[tuple[Runtime, LiveServer]]:
    port = free_port()
    rt = web_runtime(tmp_path, url, clock, smtp, password_hash, portal_url=f"http://127.0.0.1:{port}")
    add_people(rt)
    with LiveServer(create_app(rt, failure_limit=3, sends_mail=True), port=port, lifespan="on") as server:
        yield rt, server


@pytest.fixture
def live(tmp_path: Path, database_url: str, clock: Clock, smtp: tuple[Any, MailSink],
         password_hash: str) -> Iterator[tuple[Runtime, LiveServer]]:
    """The console served on SQLite, and again on PostgreSQL (the production database)."""
    yield from _serving(tmp_path, database_url, clock, smtp, password_hash)


@pytest.fixture
def live_sqlite(tmp_path: Path, sqlite_url: str, clock: Clock, smtp: tuple[Any, MailSink],
                password_hash: str) -> Iterator[tuple[Runtime, LiveServer]]:
    """SQLite only: for the pages whose subject is the markup (axe-core), not the database."""
    yield from _serving(tmp_path, sqlite_url, clock, smtp, password_hash)


def wait_for(get: Any, count: int, seconds: float = 30) -> list[Any]:
    deadline = time.monotonic() + seconds
    while len(found := get()) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def login(page: Any, url: str, email: str) -> None:
    page.goto(url + "/sekretariat/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORDS[email])
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator("h1")).to_have_text("Høringer")


def test_jyfe_from_the_form_to_the_notat(browser, axe_source, live, sink, clock):  # noqa: F811
    rt, server = live
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    login(page, server.url, "anna@sekretariat.example")
    axe = Axe(browser, axe_source, context.storage_state())
    try:
        _the_story(page, axe, rt, server, sink)
    finally:
        axe.close()
        context.close()
    assert {"kladde med forhåndsvisning", "høring (åben, alle afsnit)", "høring (bemærkning afvist)",
            "høring (afsluttet, med bemærkninger)"} <= set(axe.scanned)


def _the_story(page: Any, axe: Axe, rt: Runtime, server: LiveServer, sink: MailSink) -> None:
    page.get_by_role("link", name="Ny høring").click()
    expect(page.locator("h1")).to_have_text("Ny høring")
    page.get_by_label("Titel *").fill("J")  # too short: the error comes next
    page.get_by_label("Organ *").select_option("socialdirektoerkredsen")
    page.get_by_label("Type *").select_option("allocation")
    page.get_by_label("Spørgsmål *").fill("Ønsker kommunen sin andel af de tiloversblevne midler fra JYFE "
                                          "udbetalt, eller kan den tilslutte sig en fælles pulje?")
    page.get_by_label("Svarmulighed 1", exact=True).fill("Midlerne samles i en fælles pulje")
    page.locator("#option_key_0").fill("pulje")
    page.get_by_label("Svarmulighed 2", exact=True).fill("Andelen udbetales til egen kommune")
    page.locator("#option_key_1").fill("udbetaling")
    page.get_by_label("Stedfortræderen").uncheck()
    page.get_by_label("Antal arbejdsdage").check()
    page.get_by_label("Arbejdsdage", exact=True).fill("10")
    page.get_by_label("Påmindelser (dage før fristen)").fill("3, 1")
    page.get_by_label("Regel").select_option("unanimity")
    page.get_by_label("Beløb i kroner").fill("120.000,00")
    page.get_by_label("Fordelingsnøgle").select_option("population")
    # htmx: the computed deadline, the options for pool and payout and the shares arrive live
    page.wait_for_selector("#frist-beregnet strong")
    assert page.inner_text("#frist-beregnet strong") == "tirsdag den 13. maj 2014 kl. 12.00"
    page.wait_for_selector("#alloc_pool option[value=pulje]", state="attached")
    page.get_by_label("Svarmulighed for fælles pulje").select_option("pulje")
    page.get_by_label("Svarmulighed for udbetaling").select_option("udbetaling")
    page.wait_for_selector("table.andele")
    shares = dict(re.findall(r"(\S+)\t([\d.]+,\d\d kr\.)", page.inner_text("table.andele tbody")))
    assert len(shares) == 11 and shares["Aalborg"] > "0"

    page.screenshot(path=str(SCREENSHOTS / "ny-hoering-1280px.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(SCREENSHOTS / "ny-hoering-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the form scrolls sideways at 360 px"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator("#fejlliste")).to_contain_text("Høringen er ikke gemt")
    assert page.inner_text("#fejl-title") == "Skal være mindst 3 tegn."
    assert page.get_by_label("Beløb i kroner").input_value() == "120.000,00"  # nothing lost
    # not even a choice made while a live update was on its way (the form's hx-sync="this:replace")
    assert page.get_by_label("Svarmulighed for udbetaling").input_value() == "udbetaling"
    page.get_by_label("Titel *").fill("Tilbagebetaling af tiloversblevne midler fra JYFE")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator("h1")).to_have_text("Kladde: Tilbagebetaling af tiloversblevne midler fra JYFE")
    draft_url = page.url

    page.get_by_label("Sådan får direktøren i").select_option(label="Aalborg")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("#preview-subject")).to_have_text(
        "Mailhøring: Tilbagebetaling af tiloversblevne midler fra JYFE (svarfrist 13. maj 2014)")
    expect(page.locator("#preview-text")).to_contain_text("Aalborg")
    frame = page.frame_locator("iframe.mailhtml")
    assert "Tilbagebetaling af tiloversblevne midler fra JYFE" in frame.locator("h1").inner_text()
    axe.scan(page.url, name="kladde med forhåndsvisning")

    # opening mails every kommune: the console asks once, saying how many mails go to whom, and
    # nothing is sent (nor opened) before «Ja, send»
    confirm = axe.context.new_page()
    confirm.goto(page.url)
    confirm.get_by_role("button", name="Åbn høringen og send invitationerne").click()
    expect(confirm.locator("h1")).to_have_text("Åbn høringen og send invitationerne?")
    expect(confirm.locator("h2")).to_have_text("11 mails til 11 modtagere")
    expect(confirm.locator("#modtagere")).to_contain_text("Aalborg: Socialdirektør")
    time.sleep(1.5)  # the web app's sender would have sent anything queued by now
    assert not [m for m in sink.messages if str(m["Subject"]).startswith("Mailhøring:")]
    with rt.db.read() as s:
        assert s.scalar(select(Hearing.id)) is None
    axe.scan("", name="bekræft åbning", page=confirm)
    confirm.set_viewport_size({"width": 360, "height": 800})
    axe.scan("", name="bekræft åbning (360 px)", page=confirm)
    confirm.get_by_role("button", name="Ja, send").click()
    expect(confirm.locator("main")).to_contain_text("Høringen er åbnet")
    page.goto(confirm.url)
    confirm.close()
    hid = int(page.url.rsplit("/", 1)[1])
    # "Open" sends: the invitations arrive at the SMTP server without anyone running the outbox
    invitations = wait_for(lambda: [m for m in sink.messages if str(m["Subject"]).startswith("Mailhøring:")], 11)
    to = sorted(m["To"].addresses[0].addr_spec for m in invitations)
    assert len(to) == 11 and all(a.startswith("socialdirektoer@") for a in to)
    assert "socialdirektoer@aalborg.kommune.example" in to

    # Morsø phones in its answer
    page.get_by_label("Kommune", exact=True).select_option(label="Morsø")
    page.locator("#registrer").get_by_label("Midlerne samles i en fælles pulje").check()
    page.locator("#registrer").get_by_label("Bemærkning").fill("Telefonisk tilsagn")
    page.get_by_label("telefonisk").check()
    page.get_by_label("Hvem svarede for kommunen").fill("socialdirektøren")
    page.get_by_role("button", name="Registrér svaret").click()
    expect(page.locator("main")).to_contain_text("Svaret er registreret (version 1)")
    assert "Telefonisk tilsagn" in page.inner_text("table")

    # Mariagerfjord's mail names both options: it waits in the inbox's queue, recorded with one click
    import_files(rt, [(MAIL, (CORPUS / MAIL).read_bytes())])
    page.reload()
    expect(page.locator("#indbakke")).to_contain_text("Mails til gennemsyn (1)")

    for path, name in [("/sekretariat", "oversigt"), ("/sekretariat/hoeringer/ny", "ny høring"),
                       ("/sekretariat/kladder", "kladder"), (f"/sekretariat/hoering/{hid}", "høring (åben)")]:
        axe.scan(server.url + path, name=name)
    everything = axe.context.new_page()  # every section, the folded ones unfolded
    everything.goto(server.url + f"/sekretariat/hoering/{hid}")
    everything.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert everything.locator("#links ul.links").is_visible()
    axe.scan("", name="høring (åben, alle afsnit)", page=everything)
    everything.set_viewport_size({"width": 360, "height": 740})  # every section usable on a phone
    everything.screenshot(path=str(SCREENSHOTS / "hoering-360px.png"), full_page=True)
    assert everything.evaluate("document.documentElement.scrollWidth") <= 360, "the hearing page scrolls sideways"
    errors_page = axe.context.new_page()
    errors_page.goto(server.url + "/sekretariat/hoeringer/ny")
    errors_page.get_by_role("button", name="Gem kladde").click()
    axe.scan("", name="ny høring med fejl", page=errors_page)

    page.locator("#indbakke").get_by_role("button", name="Registrér som «Midlerne samles i en fælles pulje»").click()
    expect(page.locator("main")).to_contain_text("Mailen er registreret som kommunens svar.")
    assert page.locator("#indbakke").count() == 0

    page.get_by_label("Luk alligevel").check()
    page.get_by_label("Begrundelse for at afslutte før fristen").fill("Sagen skal på DAS-mødet")
    page.get_by_role("button", name="Afslut høringen").click()
    expect(page.locator("main")).to_contain_text("Høringen er afsluttet")
    assert "begrundelse: Sagen skal på DAS-mødet" in page.inner_text(".trail")
    axe.scan(server.url + f"/sekretariat/hoering/{hid}", name="høring (afsluttet)")

    # the secretariat responds to two answers, for the notat
    morsoe = page.locator("#bemaerk-773")
    morsoe.get_by_label("Svaret fra Morsø er").select_option(label="Imødekommet")
    morsoe.get_by_role("button", name="Gem bemærkningen").click()  # no text: the browser asks for it
    assert page.url.endswith(f"/sekretariat/hoering/{hid}")
    assert page.evaluate("document.querySelector('#bemaerk-773-tekst').validity.valueMissing")
    refused = axe.context.new_page()  # without the browser's check, the server refuses it the same way
    refused.goto(server.url + f"/sekretariat/hoering/{hid}")
    refused.evaluate("document.querySelector('#bemaerk-773-tekst').removeAttribute('required')")
    refused.get_by_label("Svaret fra Morsø er").select_option(label="Imødekommet")
    refused.locator("#bemaerk-773").get_by_role("button", name="Gem bemærkningen").click()
    expect(refused.locator("#bemaerk-773")).to_contain_text(
        "Bemærkningen er ikke gemt: skriv sekretariatets bemærkning")
    axe.scan("", name="høring (bemærkning afvist)", page=refused)
    for code, name, stance, response in RESPONSES:
        form = page.locator(f"#bemaerk-{code}")
        form.get_by_label(f"Svaret fra {name} er").select_option(label=stance)
        form.get_by_label(f"Sekretariatets bemærkning til {name}").fill(response)
        form.get_by_role("button", name="Gem bemærkningen").click()
        expect(page.locator("main")).to_contain_text("Sekretariatets bemærkning er gemt")
        expect(page.locator(f"#bemaerk-{code}")).to_contain_text(response)
    axe.scan(server.url + f"/sekretariat/hoering/{hid}", name="høring (afsluttet, med bemærkninger)")

    with page.expect_download() as download:
        page.get_by_role("link", name="Høringsnotat (Word)").click()
    notat = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join([p.text for p in notat.paragraphs] +
                     [c.text for t in notat.tables for row in t.rows for c in row.cells])
    assert "Tilbagebetaling af tiloversblevne midler fra JYFE" in text
    assert "Morsø" in text and "Midlerne samles i en fælles pulje" in text
    with page.expect_download() as download:
        page.get_by_role("link", name="Høringsnotat (PDF)").click()
    pdf_text = " ".join(subprocess.run(["pdftotext", "-layout", download.value.path(), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())
    for _code, _name, stance, response in RESPONSES:
        assert f"Sekretariatets bemærkning: {stance}. {response}" in text
        assert f"Sekretariatets bemærkning: {stance}. {response}" in pdf_text
    assert draft_url  # the draft now redirects to the hearing
    page.goto(draft_url)
    assert page.url.endswith(f"/sekretariat/hoering/{hid}")


def test_every_answer_page_state_and_the_login_pass_axe(browser, axe_source, live_sqlite, sink, clock):  # noqa: F811
    rt, server = live_sqlite
    hid = open_example(rt)
    links = invitation_links(rt, sink)
    link = links["socialdirektoer@hjoerring.kommune.example"]
    axe = Axe(browser, axe_source)
    try:
        axe.scan(server.url + "/sekretariat/login", name="login")
        axe.scan(link, name="svarside (formular)")
        page = axe.context.new_page()
        page.goto(link)
        page.get_by_label("Midlerne samles i en fælles pulje").check()
        page.get_by_role("button", name="Send svar").click()
        expect(page.locator("h1")).to_have_text("Tak – svaret er modtaget")
        axe.scan("", name="svarside (kvittering)", page=page)
        page.goto(link)
        page.evaluate("document.querySelector('input[name=csrf]').value = 'forkert'")
        page.get_by_role("button", name=re.compile("Gem|Send")).click()
        expect(page.locator("h1")).to_have_text("Formularen er udløbet")
        axe.scan("", name="svarside (fejl)", page=page)
        clock.set(JYFE_DEADLINE + timedelta(hours=1))
        axe.scan(links["socialdirektoer@laesoe.kommune.example"], name="svarside (for sent)")
        close_hearing(rt, hid)
        axe.scan(link, name="svarside (afsluttet)")
        axe.scan(server.url + "/svar/" + "A" * 43, name="svarside (404)")
        for _ in range(3):
            page.goto(server.url + "/svar/" + "B" * 43)
        response = page.goto(server.url + "/svar/" + "C" * 43)
        assert response is not None and response.status == 429
        axe.scan("", name="svarside (429)", page=page)
    finally:
        axe.close()
    assert len(axe.scanned) == 8


def test_a_disabled_users_browser_session_stops(browser, live):  # noqa: F811
    rt, server = live
    context = browser.new_context(locale="da-DK")
    try:
        page = context.new_page()
        login(page, server.url, "bo@sekretariat.example")
        disable_user(rt, "bo@sekretariat.example", actor="test")
        page.goto(server.url + "/sekretariat")
        assert page.url.endswith("/sekretariat/login")
        assert json.loads(page.goto(server.url + "/api/hearings").text())["detail"].startswith("log in")
    finally:
        context.close()
