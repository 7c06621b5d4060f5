"""In Debian's chromium (Playwright), from the invitation's link: download a bilag, answer with
a comment and two files, see them on the receipt page; the secretariat's page lists and serves
them; a 25 MB file and a renamed program are refused in Danish with the typed comment kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from hoering.db.models import Answer, AnswerFile, Document
from hoering.services.hearings import open_hearing
from tests.documents import files
from tests.support import jyfe, with_bilag
from tests.web.conftest import PASSWORD, invitation_links
from tests.web.test_browser import DIRECTOR, SCREENSHOTS, browser, browser_context, live  # noqa: F401 - fixtures

expect.set_options(timeout=30_000)  # a loaded CI machine: wait for the next page, not a fixed time

pytestmark = pytest.mark.browser


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_bilag_and_answer_files_in_the_browser(browser_context, live, sink, tmp_path) -> None:  # noqa: F811
    rt, server = live
    kommissorium = tmp_path / "kommissorium.pdf"
    kommissorium.write_bytes(files.pdf("Kommissorium for arbejdsgruppen"))
    hid = open_hearing(rt, with_bilag(jyfe(contacts=["direktoer"], bilag=[
        {"title": "Kommissorium for arbejdsgruppen", "file": str(kommissorium)}])))
    link = invitation_links(rt, sink)[DIRECTOR]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_context.new_page()
    page.goto(link)

    # the bilag, downloaded through the link
    with page.expect_download() as got:
        page.get_by_role("link", name="Bilag 1: Kommissorium for arbejdsgruppen").click()
    assert sha(Path(got.value.path()).read_bytes()) == sha(kommissorium.read_bytes())

    # a 25 MB file and a renamed program: refused in Danish, the typed comment kept, nothing stored
    big = tmp_path / "stort svar.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024) + b"\n%%EOF\n")
    renamed = tmp_path / "svar.pdf"
    renamed.write_bytes(files.exe())
    for bad, words in ((big, "en fil må højst fylde 20 MB"), (renamed, "er et program, ikke et dokument")):
        page.get_by_label("Midlerne samles i en fælles pulje").check()
        page.get_by_label("Bemærkning").fill("Vores bemærkning, som ikke må gå tabt")
        page.get_by_label("Vedlæg filer").set_input_files([str(bad)])
        page.get_by_role("button", name="Send svar").click()
        alert = page.get_by_role("alert").inner_text()
        assert "Svaret er ikke gemt" in alert and words in alert, alert
        assert page.get_by_label("Bemærkning").input_value() == "Vores bemærkning, som ikke må gå tabt"
        assert page.get_by_label("Midlerne samles i en fælles pulje").is_checked()
    page.screenshot(path=str(SCREENSHOTS / "svar-fil-afvist.png"), full_page=True)
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0
        assert s.scalar(select(func.count()).select_from(Document)) == 1  # the bilag only

    # a comment and two files: the receipt lists them, and they download as sent
    svar, bilag = tmp_path / "høringssvar.pdf", tmp_path / "uddybning.docx"
    svar.write_bytes(files.pdf("Hjørrings høringssvar"))
    bilag.write_bytes(files.docx_file("Uddybning af svaret"))
    page.get_by_label("Bemærkning").fill("Se vores høringssvar og uddybningen")
    page.get_by_label("Vedlæg filer").set_input_files([str(svar), str(bilag)])
    page.get_by_role("button", name="Send svar").click()
    page.wait_for_url("**/kvittering")
    main = page.inner_text("main")
    assert "Tak – svaret er modtaget" in main and "høringssvar.pdf" in main and "uddybning.docx" in main
    with page.expect_download() as got:
        page.get_by_role("link", name="uddybning.docx").click()
    assert sha(Path(got.value.path()).read_bytes()) == sha(bilag.read_bytes())
    page.screenshot(path=str(SCREENSHOTS / "svar-med-filer.png"), full_page=True)

    # the secretariat's page lists both and serves them
    page.goto(server.url + "/sekretariat")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator("h1")).to_have_text("Høringer")  # logged in before going on
    page.goto(f"{server.url}/sekretariat/hoering/{hid}")
    row = page.get_by_role("row", name="Hjørring")
    assert "høringssvar.pdf" in row.inner_text() and "uddybning.docx" in row.inner_text()
    with page.expect_download() as got:
        row.get_by_role("link", name="høringssvar.pdf").click()
    assert sha(Path(got.value.path()).read_bytes()) == sha(svar.read_bytes())
    with rt.db.read() as s:
        assert [f.filename for f in s.scalars(select(AnswerFile).order_by(AnswerFile.position))] == [
            "høringssvar.pdf", "uddybning.docx"]
    page.screenshot(path=str(SCREENSHOTS / "sekretariat-filer.png"), full_page=True)
