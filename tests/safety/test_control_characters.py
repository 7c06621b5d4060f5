"""NUL and other control characters are cleaned where a request's text is parsed (every form,
JSON body and query of the web app, ``web.text_route``), not form by form: on PostgreSQL a NUL
never reaches a query (it refused it with HTTP 500), on SQLite none is stored. And every document
writer writes what was stored before this existed: a vertical tab in a decision correction or a
bilag title made the meeting's DOCX fail for ever."""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document
from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from hoering import web
from hoering.db.base import Base
from hoering.db.meetings import Bilag
from hoering.db.models import AnswerToken
from hoering.documents.ics import meeting_ics
from hoering.domain.meetings import MeetingPlan
from hoering.reports.blocks import Grid, Heading, Notat, Para
from hoering.reports.docx_writer import write_docx
from hoering.reports.pdf_writer import write_pdf
from hoering.runtime import Runtime, forget_databases
from hoering.services.items import add_item, correct_decision, decide_item, read_item_file, route_item
from hoering.services.meetings import approve_minutes, meeting_items
from hoering.services.planning import plan_meetings
from hoering.services.users import issue_api_token
from hoering.tokens import derive_token
from hoering.web.app import create_app
from hoering.web.text_route import TextRoute
from tests.console.conftest import PASSWORDS, add_people, csrf_of, login_as
from tests.console.test_new_hearing import JYFE_FORM
from tests.console.test_users_cli import run_stdin
from tests.governance.das2021 import EX, local
from tests.governance.test_documents import needs_pdftotext, pdf_text
from tests.governance.test_minutes_record import STANDARD
from tests.support import Clock, cli_runner, make_runtime
from tests.web.conftest import open_example, web_runtime

UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ANNA = "anna@sekretariat.example"


def unwritable_values(rt: Runtime) -> list[str]:
    """Every stored text (JSON columns walked too) holding NUL or another control character, as
    ``table.column: value``."""
    found: list[str] = []

    def walk(where: str, value: Any) -> None:
        if isinstance(value, str) and UNWRITABLE.search(value):
            found.append(f"{where}: {value!r}")
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(where, k)
                walk(where, v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(where, v)

    with rt.db.read() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)).mappings():
                for column, value in row.items():
                    walk(f"{table.name}.{column}", value)
    return found


@pytest.fixture
def console(tmp_path, database_url, clock, smtp, password_hash) -> Iterator[tuple[Runtime, TestClient]]:
    rt = web_runtime(tmp_path, database_url, clock, smtp, password_hash)
    add_people(rt)
    with TestClient(create_app(rt), follow_redirects=False) as client:
        yield rt, client


def test_a_nul_in_the_login_is_a_failed_login(console):
    rt, client = console
    page = client.get("/sekretariat/login")
    r = client.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": "anna\x00@sekretariat.example",
                                                 "password": "x\x00y"})
    assert r.status_code < 500
    assert client.get("/sekretariat", follow_redirects=False).status_code == 303  # still not logged in
    page = client.get("/sekretariat/login")
    r = client.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": ANNA,
                                                 "password": PASSWORDS[ANNA] + "\x0b"})
    assert r.status_code < 500
    assert unwritable_values(rt) == []


def test_a_nul_in_the_new_hearing_form_is_not_stored(console):
    rt, client = console
    login_as(client, ANNA)
    page = client.get("/sekretariat/hoeringer/ny")
    form = {**JYFE_FORM, "csrf": csrf_of(page.text), "title": "Titel\x00med NUL",
            "question": "Spørgsmål\x00?\x0bNæste linje", "background": "Baggrund\x01\x1b[31m"}
    r = client.post("/sekretariat/hoeringer/ny", data=form)
    assert r.status_code == 303, r.text[:800]
    draft = client.get(r.headers["location"])
    assert draft.status_code == 200 and "Titelmed NUL" in draft.text
    assert unwritable_values(rt) == []


def test_a_nul_in_a_phoned_answer_is_not_stored(console):
    rt, client = console
    hid = open_example(rt)
    login_as(client, ANNA)
    csrf = csrf_of(client.get(f"/sekretariat/hoering/{hid}").text)
    r = client.post(f"/sekretariat/hoering/{hid}/svar", data={
        "csrf": csrf, "kommune": "773\x00", "option": "pulje\x00", "comment": "Ringede\x00 kl. 10\x0b",
        "received": "telefon\x00", "who": "socialdirektør\x00 i Morsø"})
    assert r.status_code == 303, r.text[:800]
    assert "Svaret er registreret" in client.get(f"/sekretariat/hoering/{hid}").text
    # as a browser sends the form with its file field left empty: multipart
    r = client.post(f"/sekretariat/hoering/{hid}/svar", files={"files": ("", b"", "application/octet-stream")},
                    data={"csrf": csrf, "kommune": "825", "option": "pulje", "comment": "Brev\x00\x0bmodtaget",
                          "received": "brev", "who": "Læsø\x00 Kommune"})
    assert r.status_code == 303, r.text[:800]
    assert "Svaret er registreret" in client.get(f"/sekretariat/hoering/{hid}").text
    assert unwritable_values(rt) == []


def test_a_nul_in_a_link_s_address_is_a_refusal(console):
    rt, client = console
    hid = open_example(rt)
    login_as(client, ANNA)
    csrf = csrf_of(client.get(f"/sekretariat/hoering/{hid}").text)
    for action in ("spaer", "nyt"):
        r = client.post(f"/sekretariat/hoering/{hid}/link/{action}",
                        data={"csrf": csrf, "email": "direktoer\x00@morsoe.example"})
        assert r.status_code == 303, r.text[:800]
    assert unwritable_values(rt) == []


def test_a_nul_in_the_answer_page_and_the_api_is_not_stored(console):
    rt, client = console
    hid = open_example(rt)
    with rt.db.read() as s:
        nonce = s.scalars(select(AnswerToken.nonce)).first()
    token = derive_token(rt.secret, nonce)
    page = client.get(f"/svar/{token}")
    r = client.post(f"/svar/{token}", data={"csrf": csrf_of(page.text), "hearing": f"{hid}\x00",
                                            "option": "pulje", "comment": "Svar\x00\x0c"})
    assert r.status_code < 500, r.text[:800]
    api = {"Authorization": f"Bearer {issue_api_token(rt, ANNA)}"}
    assert client.get("/api/hearings", params={"status": "open\x00"}, headers=api).status_code < 500
    r = client.post(f"/api/hearings/{hid}/answers", headers=api, json={
        "kommune": "Morsø\x00", "option": "pulje\x00", "comment": "Ringede\x00", "channel": "phone",
        "answered_by": "direktøren\x00\x1b[31m"})
    assert r.status_code == 201, r.text[:800]
    assert unwritable_values(rt) == []


def test_every_route_of_the_app_cleans_its_text(tmp_path, clock):
    """Each router of ``web`` and the app's own routes hand their endpoints a cleaned request: a
    router added without ``route_class=TextRoute`` fails here."""
    routers = []
    for m in pkgutil.iter_modules(web.__path__):
        router = getattr(importlib.import_module(f"hoering.web.{m.name}"), "router", None)
        if isinstance(router, APIRouter):
            routers.append((m.name, router))
    assert len(routers) >= 12
    app = create_app(make_runtime(tmp_path, f"sqlite:///{tmp_path / 'h.db'}", clock))
    for name, router in [*routers, ("app", app.router)]:
        assert router.route_class is TextRoute, name
        routes = [r for r in router.routes if isinstance(r, APIRoute)]
        assert all(isinstance(r, TextRoute) for r in routes), (name, [r.path for r in routes])


def test_a_password_given_on_standard_input_is_cleaned_like_the_login_form(tmp_path, password_hash):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    added = run_stdin(tmp_path, "god-adgangs\x00kode\n", "user", "add", ANNA, "--name", "Anna",
                      "--password-stdin")
    assert added.returncode == 0, added.stderr
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'cli.db'}", Clock())
    with TestClient(create_app(rt), follow_redirects=False) as client:
        page = client.get("/sekretariat/login")
        r = client.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": ANNA,
                                                     "password": "god-adgangs\x00kode"})
        assert r.status_code == 303 and client.get("/sekretariat").status_code == 200


# -- documents of stored text --------------------------------------------------------------


@pytest.fixture
def approved(tmp_path, password_hash) -> Iterator[tuple[Runtime, int]]:
    """DAS 17 March 2031 held and its minutes approved; one item has a bilag."""
    clock = Clock(local(2031, 2, 1, 10))
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock, admin_password_hash=password_hash)
    (first,) = plan_meetings(rt, MeetingPlan.model_validate({"body": "das", "year": 2031, "meetings": [
        {"date": "2031-03-17", "place": "Aalborg"}]}))
    # an item with a bilag (item 5 lists its standard contracts as a link, not a bilag)
    item = add_item(rt, read_item_file(EX / "items" / "06-evaluering-kkr-setup.yaml"), base_dir=EX / "items")
    route_item(rt, item, to="fu")
    route_item(rt, item, to="das", meeting_id=first)
    clock.set(local(2031, 3, 17, 15))
    for i in meeting_items(rt, first)["items"]:
        decide_item(rt, i["id"], outcome=STANDARD.get(i["kind"], "godkendt"), text="Godkendt.")
    clock.set(local(2031, 3, 18, 9))
    approve_minutes(rt, first, by="Formanden")
    # as a version before the cleaning stored them (the service takes what it is given)
    correct_decision(rt, item, text="DAS godkender\x0bstandardkontrakterne.", reason="Skrive\x0cfejl\x00")
    with rt.db.transaction() as s:
        s.execute(update(Bilag).values(title="Links\x0btil standardkontrakter\x01"))
    yield rt, first
    forget_databases()


def test_minutes_and_agenda_are_written_with_control_characters_stored_earlier(approved):
    rt, meeting = approved
    with TestClient(create_app(rt), follow_redirects=False) as client:
        page = client.get("/sekretariat/login")
        client.post("/sekretariat/login", data={"password": "rigtig-adgangskode", "csrf": csrf_of(page.text)})
        texts = {}
        for name in ("referat", "dagsorden"):
            r = client.get(f"/sekretariat/moede/{meeting}/{name}.pdf")
            assert r.status_code == 200 and r.content.startswith(b"%PDF"), (name, r.text[:300])
            r = client.get(f"/sekretariat/moede/{meeting}/{name}.docx")
            assert r.status_code == 200, (name, r.text[:300])
            texts[name] = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
        assert client.get(f"/sekretariat/moede/{meeting}").status_code == 200
    assert all("Links\ntil standardkontrakter" in text for text in texts.values())
    assert "DAS godkender\nstandardkontrakterne." in texts["referat"]


HOSTILE = "Linje\x00 et\x0bLinje to\x0c\x01\x1b[31m slut\x7f"


@needs_pdftotext
def test_the_notat_writers_and_the_calendar_file_take_control_characters():
    notat = Notat("Høringsnotat", f"Emne {HOSTILE}", [Heading(HOSTILE, 1), Para(HOSTILE), Para(HOSTILE, "bullet"),
                                                      Grid(("Kommune", "Svar"), ((HOSTILE, HOSTILE),))])
    assert Document(io.BytesIO(write_docx(notat)))
    pdf = write_pdf(notat)
    text = pdf_text(pdf).replace("\f", "")  # pdftotext ends each page with a form feed
    assert "Linje et" in text and "Linje to" in text and not UNWRITABLE.search(text), text
    ics = meeting_ics(uid="m1@hoering", summary=f"DAS {HOSTILE}", starts_at=datetime(2031, 3, 17, 9, tzinfo=UTC),
                      ends_at=datetime(2031, 3, 17, 12, tzinfo=UTC), location=HOSTILE, description=HOSTILE,
                      organizer="sek@example.dk", attendees=[(HOSTILE, "a@example.dk")],
                      stamp=datetime(2031, 3, 1, tzinfo=UTC))
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", ics)
