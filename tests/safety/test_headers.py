"""Item 8: headers and protocol, over real HTTP against ``hoering web``: HSTS only for an https
portal, no-store on /api and /sekretariat, no server banner, HEAD where GET, redirects without
the client's Host, /api/docs working under its CSP (chromium), a registry name with CR/LF refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from hoering.db.models import AnswerToken
from hoering.errors import DefinitionError
from hoering.registry import DEFAULT_REGISTRY
from hoering.services.registry import load_registry
from hoering.tokens import derive_token
from tests.safety.conftest import hoering_web
from tests.support import cli_runner, make_runtime
from tests.web.conftest import open_example

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from tests.support import Clock

    home = tmp_path_factory.mktemp("headers")
    rt = make_runtime(home, f"sqlite:///{home / 'hoering.db'}", Clock())
    open_example(rt)
    with rt.db.read() as s:
        token = derive_token(rt.secret, s.scalars(select(AnswerToken.nonce)).first())
    with hoering_web(rt, home, at="2014-05-01T10:00") as base:
        yield rt, home, base, token


def test_headers_caching_banner_and_head(served):
    _, _, base, token = served
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as c:
        for path in ("/api/hearings", "/sekretariat/login", "/sekretariat", "/api/openapi.json"):
            r = c.get(path)
            assert r.headers.get("cache-control") == "no-store", path
        for path in ("/sekretariat/login", f"/svar/{token}", "/api/hearings", "/nowhere"):
            r = c.get(path)
            assert "server" not in r.headers, (path, r.headers.get("server"))
            assert "strict-transport-security" not in r.headers  # http portal: no HSTS
            assert r.headers["content-security-policy"].startswith("default-src 'self'")
        for path in ("/sekretariat/login", f"/svar/{token}", "/api/openapi.json", "/api/docs"):
            get, head = c.get(path), c.head(path)
            assert (head.status_code, head.content) == (get.status_code, b""), path
            assert get.status_code == 200 and head.headers.get("content-length") == get.headers.get("content-length")


def test_redirects_never_reflect_the_host_header(served):
    _, _, base, _ = served
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as c:
        for path in ("/", "/sekretariat", "/api/hearings/", "/sekretariat/"):
            r = c.get(path, headers={"Host": "evil.example"})
            if r.is_redirect:
                location = r.headers["location"]
                assert "evil.example" not in location and location.startswith("/"), (path, location)


def test_hsts_when_the_portal_is_https(served):
    rt, home, _, _ = served
    with hoering_web(rt, home, HOERING_PORTAL_URL="https://hoering.example") as base:
        r = httpx.get(base + "/sekretariat/login", timeout=30)
        assert r.headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.browser
def test_api_docs_render_under_their_csp(served):
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    _, _, base, _ = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        refused = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(base + "/api/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
        assert "hoering" in page.inner_text(".swagger-ui .info .title")
        assert page.locator(".opblock-summary-path").count() >= 3  # the API's routes are listed
        browser.close()
    assert refused == []


def test_a_registry_name_with_a_line_break_is_refused(tmp_path, sqlite_url, clock):
    rt = make_runtime(tmp_path, sqlite_url, clock)
    data = yaml.safe_load(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    data["kommuner"][0]["contacts"][0]["name"] = "Socialdirektør\r\nBcc: alle@evil.example"
    bad = tmp_path / "registry.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"kommuner\.0\.contacts\.0\.name: must be on one line"):
        load_registry(rt, bad)
    run = cli_runner(tmp_path)
    result = run("init", "--registry", str(bad))
    assert result.returncode == 2 and "must be on one line" in result.stdout + result.stderr
    assert len((result.stdout + result.stderr).strip().splitlines()) == 1, "a one-line error"
    assert "Traceback" not in result.stdout + result.stderr
