"""Sign-in through a real OpenID Connect provider (the npm package oidc-provider, run with the
machine's Node.js from tests/oidc/provider.mjs) in Debian's chromium: a member of the secretariat's
group signs in at the provider's login page and acts; a member of the readers' group sees but
cannot act; someone in no mapped group is refused in Danish and gets no account; taken out of the
group, a person has no access from the next sign-in (and a disabled account's session ends at its
next request); sign-out ends the session here and at the provider."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hoering.db.models import AuditEntry, ConsoleUser
from hoering.mail.sink import MailSink, free_port
from hoering.runtime import Runtime
from hoering.services.users import disable_user
from hoering.web.app import create_app
from tests.support import ROOT, Clock
from tests.web.conftest import LiveServer, open_example, web_runtime
from tests.web.test_browser import browser  # noqa: F401 - the fixture: one headless chromium per module

expect.set_options(timeout=30_000)
pytestmark = pytest.mark.browser

NPM_CACHE = ROOT / "var" / "cache" / "npm"
PROVIDER_VERSION = "9.13.3"
PROVIDER_SCRIPT = Path(__file__).parent.parent / "oidc" / "provider.mjs"
GROUPS = {"g-sekretariat": "sekretariat", "g-laesere": "laeser"}
PEOPLE = {
    "sara": {"email": "sara@sekretariat.example", "name": "Sara Sekretær", "groups": ["g-sekretariat"]},
    "lars": {"email": "lars@kommune.example", "name": "Lars Læser", "groups": ["g-laesere"]},
    "uffe": {"email": "uffe@kommune.example", "name": "Uffe Udenfor", "groups": ["g-andet"]},
}


@pytest.fixture(scope="session")
def provider_dir() -> Path:
    """oidc-provider installed once with npm into a cache directory (like axe-core)."""
    target = NPM_CACHE / f"oidc-provider-{PROVIDER_VERSION}"
    if not (target / "node_modules" / "oidc-provider" / "package.json").exists():
        if shutil.which("npm") is None or shutil.which("node") is None:
            pytest.skip("Node.js/npm is not installed: cannot run oidc-provider")
        target.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(target),
                               f"oidc-provider@{PROVIDER_VERSION}"], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.skip(f"the npm registry is unreachable: cannot fetch oidc-provider ({done.stderr.strip()[-200:]})")
    return target


class Provider:
    def __init__(self, directory: Path, tmp_path: Path, app_url: str) -> None:
        self.port = free_port()
        while app_url.endswith(f":{self.port}"):  # the app's port is not bound yet
            self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.users = tmp_path / "people.json"
        self.set_people(PEOPLE)
        script = directory / "provider.mjs"  # beside its node_modules, where the import resolves
        shutil.copyfile(PROVIDER_SCRIPT, script)
        self.process = subprocess.Popen(
            ["node", str(script), str(self.port), app_url + "/sekretariat/login/oidc/svar",
             app_url + "/sekretariat/login", str(self.users)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oidc-provider did not start") from None
                time.sleep(0.2)

    def set_people(self, people: dict[str, Any]) -> None:
        self.users.write_text(json.dumps(people), encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def oidc_live(tmp_path: Path, sqlite_url: str, clock: Clock, smtp: tuple[Any, MailSink], password_hash: str,
              provider_dir: Path) -> Iterator[tuple[Runtime, LiveServer, Provider]]:
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    provider = Provider(provider_dir, tmp_path, app_url)
    try:
        rt = web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash, portal_url=app_url,
                         oidc_issuer=provider.url, oidc_client_id="hoering",
                         oidc_client_secret="hoering-test-secret", oidc_role_map=json.dumps(GROUPS),
                         local_login=False)
        with LiveServer(create_app(rt, failure_limit=50), port=port, lifespan="on") as server:
            yield rt, server, provider
    finally:
        provider.stop()


def sign_in(page: Any, url: str, login: str) -> None:
    """Through our login page to the provider's, and back (straight back while the provider's
    own session lasts: the groups are still read anew)."""
    page.goto(url + "/sekretariat/login")
    page.get_by_role("link", name="Log ind med din organisations konto").click()
    page.wait_for_load_state()
    if page.locator("input[name=login]").count():  # no session at the provider yet
        page.locator("input[name=login]").fill(login)
        page.locator("input[name=password]").fill("hvad-som-helst")
        page.get_by_role("button", name="Sign-in").click()
        page.wait_for_load_state()
    if page.get_by_role("button", name="Continue").count():  # the provider's consent, first time
        page.get_by_role("button", name="Continue").click()


def test_the_secretariat_group_acts_readers_read_others_are_refused(browser, oidc_live):  # noqa: F811
    rt, server, _ = oidc_live
    hid = open_example(rt)
    # no password form with HOERING_LOCAL_LOGIN=false
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.goto(server.url + "/sekretariat/login")
    expect(page.get_by_label("Adgangskode")).to_have_count(0)

    sign_in(page, server.url, "sara")
    expect(page.locator("h1")).to_have_text("Høringer")
    expect(page.get_by_text("Logget ind som Sara Sekretær")).to_be_visible()
    page.goto(f"{server.url}/sekretariat/hoering/{hid}")
    page.get_by_role("button", name="Send påmindelse nu").click()
    page.get_by_role("button", name="Ja, send").click()
    expect(page.get_by_role("status")).to_contain_text("Påmindelse lagt i udbakken")
    context.close()

    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    sign_in(page, server.url, "lars")
    expect(page.get_by_text("Logget ind som Lars Læser")).to_be_visible()
    page.goto(f"{server.url}/sekretariat/hoering/{hid}")
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_role("button", name="Send påmindelse nu")).to_have_count(0)
    response = page.goto(server.url + "/sekretariat/hoeringer/ny")
    assert response is not None and response.status == 403
    context.close()

    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    sign_in(page, server.url, "uffe")
    expect(page.get_by_role("alert")).to_contain_text("ikke medlem af en gruppe, der giver adgang")
    response = page.goto(server.url + "/sekretariat")
    assert page.url.endswith("/sekretariat/login")
    context.close()

    with rt.db.read() as s:
        accounts = {u.email: u.role for u in s.scalars(select(ConsoleUser))}
        methods = s.scalars(select(AuditEntry.details).where(AuditEntry.action == "session.started")).all()
        refused = s.scalars(select(AuditEntry.details).where(AuditEntry.action == "sign_in.failed")).all()
    assert accounts == {"sara@sekretariat.example": "sekretariat", "lars@kommune.example": "laeser"}
    assert [m["method"] for m in methods] == ["oidc", "oidc"]
    assert [r["reason"] for r in refused] == ["no_mapped_group"]


def test_out_of_the_group_no_access_and_sign_out_ends_the_session(browser, oidc_live):  # noqa: F811
    rt, server, provider = oidc_live
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    sign_in(page, server.url, "sara")
    expect(page.locator("h1")).to_have_text("Høringer")
    cookies = context.cookies()

    # sign-out ends the session here and goes on to the provider's sign-out
    page.get_by_role("button", name="Log ud", exact=True).click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.locator("h1")).to_have_text("Log ind – sekretariatet")
    stale = browser.new_context(locale="da-DK")
    stale.add_cookies(cookies)
    other = stale.new_page()
    other.goto(server.url + "/sekretariat")
    assert other.url.endswith("/sekretariat/login")  # the old cookie no longer opens the console
    stale.close()

    # taken out of the secretariat's group at the provider: refused at the next sign-in
    provider.set_people({**PEOPLE, "sara": {**PEOPLE["sara"], "groups": []}})
    sign_in(page, server.url, "sara")
    expect(page.get_by_role("alert")).to_contain_text("ikke medlem af en gruppe, der giver adgang")
    page.goto(server.url + "/sekretariat")
    assert page.url.endswith("/sekretariat/login")

    # moved to the readers' group: the next sign-in reads only
    provider.set_people({**PEOPLE, "sara": {**PEOPLE["sara"], "groups": ["g-laesere"]}})
    sign_in(page, server.url, "sara")
    expect(page.get_by_text("Logget ind som Sara Sekretær")).to_be_visible()
    response = page.goto(server.url + "/sekretariat/hoeringer/ny")
    assert response is not None and response.status == 403

    # a disabled account's open session ends at its next request
    disable_user(rt, "sara@sekretariat.example", actor="it")
    page.goto(server.url + "/sekretariat")
    assert page.url.endswith("/sekretariat/login")
    context.close()
