"""HOERING_ACCESSIBILITY_URL: the accessibility statement is linked in every page's footer."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hoering.errors import ConfigurationError
from hoering.settings import load_settings
from hoering.web.app import create_app
from hoering.web.rendering import TEMPLATES
from tests.support import Clock, make_runtime

URL = "https://www.was.digst.dk/hoering-socialaftale-example"
FOOTER = re.compile(r'<footer[^>]*>.*<a href="' + re.escape(URL) + r'">Tilgængelighedserklæring</a>.*</footer>', re.S)


def test_every_page_template_extends_the_base_with_the_footer():
    pages = [p for p in TEMPLATES.glob("*.html") if not p.name.startswith("_") and p.name != "base.html"]
    assert pages
    for page in pages:
        assert page.read_text().lstrip().startswith('{% extends "base.html" %}'), page.name
    assert "accessibility_url" in (TEMPLATES / "base.html").read_text()


def test_pages_show_the_link(tmp_path, sqlite_url):
    rt = make_runtime(tmp_path, sqlite_url, Clock(), accessibility_url=URL)
    with TestClient(create_app(rt), follow_redirects=False) as client:
        for path, status in (("/sekretariat/login", 200), ("/findes-ikke", 404),
                             ("/svar/" + "x" * 43, 404)):
            response = client.get(path)
            assert response.status_code == status, path
            assert FOOTER.search(response.text), f"no accessibility link on {path}"


def test_without_the_setting_no_dead_link_and_a_bad_value_is_refused(tmp_path, sqlite_url):
    rt = make_runtime(tmp_path, sqlite_url, Clock())
    with TestClient(create_app(rt)) as client:
        assert "Tilgængelighedserklæring" not in client.get("/sekretariat/login").text
    with pytest.raises(ConfigurationError, match="HOERING_ACCESSIBILITY_URL"):
        load_settings(accessibility_url="www.example.dk")
