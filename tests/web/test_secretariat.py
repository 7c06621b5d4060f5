"""The secretariat's overview: login, the live matrix, the audit trail, remind now and close."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hoering.db.models import AuditEntry, OutboxMessage
from hoering.errors import RuleViolation
from hoering.services.answers import record_answer
from hoering.services.outbox import send_outbox
from hoering.services.reminders import remind_now
from hoering.web.app import create_app
from tests.web.conftest import PASSWORD, csrf_of, login, open_example, web_runtime


def reminders_queued(rt) -> int:
    with rt.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.kind == "reminder")) or 0


def test_pages_and_api_need_a_login(web_rt, client):
    hid = open_example(web_rt)
    for path in ("/sekretariat", f"/sekretariat/hoering/{hid}"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/sekretariat/login"
    assert client.post(f"/sekretariat/hoering/{hid}/luk", data={"force": "ja"}).status_code == 303
    assert client.get("/api/hearings").status_code == 401
    page = client.get("/sekretariat/login").text
    wrong = client.post("/sekretariat/login", data={"password": "forkert", "csrf": csrf_of(page)})
    assert wrong.status_code == 401 and "Forkert adgangskode." in wrong.text
    no_csrf = client.post("/sekretariat/login", data={"password": PASSWORD})
    assert no_csrf.status_code == 400
    assert client.get("/sekretariat").status_code == 303
    login(client)
    assert client.get("/sekretariat").status_code == 200
    assert "hoering_session" in client.cookies
    # the session cookie is signed: a forged one is worthless
    forged = TestClient(create_app(web_rt), follow_redirects=False,
                        cookies={"hoering_session": "eyJhZG1pbiI6IHRydWV9.forged.sig"})
    assert forged.get("/sekretariat").status_code == 303
    logout = client.post("/sekretariat/logout", data={"csrf": csrf_of(client.get("/sekretariat").text)})
    assert logout.status_code == 303 and client.get("/sekretariat").status_code == 303


def test_wrong_passwords_are_rate_limited(web_rt):
    with TestClient(create_app(web_rt, failure_limit=2), follow_redirects=False) as c:
        for _ in range(2):
            page = c.get("/sekretariat/login").text
            assert c.post("/sekretariat/login", data={"password": "x", "csrf": csrf_of(page)}).status_code == 401
        page = c.get("/sekretariat/login").text
        assert c.post("/sekretariat/login", data={"password": PASSWORD,
                                                   "csrf": csrf_of(page)}).status_code == 429


def test_overview_shows_progress_silent_kommuner_and_time_left(web_rt, client, clock):
    hid = open_example(web_rt)
    for name in ("Hjørring", "Læsø", "Aalborg"):
        record_answer(web_rt, hid, kommune=name, option="pulje")
    login(client)
    html = client.get("/sekretariat").text
    assert "Svar: 3 af 11" in html and 'max="11" value="3"' in html
    assert "14 dage og 2 timer tilbage" in html
    assert ("Mangler svar fra: Brønderslev, Frederikshavn, Jammerbugt, Mariagerfjord, Morsø, "
            "Rebild, Thisted og Vesthimmerland") in html


def test_hearing_page_matrix_trail_remind_and_close(web_rt, sink, client, clock):
    hid = open_example(web_rt)
    record_answer(web_rt, hid, kommune="Hjørring", option="pulje", comment="Klart <ja>")
    clock.advance(hours=3)
    record_answer(web_rt, hid, kommune="Læsø", option="udbetaling")
    send_outbox(web_rt)  # invitations and receipts
    login(client)
    page = client.get(f"/sekretariat/hoering/{hid}").text
    row = re.search(r"<tr class=\"answered\">\s*<th scope=\"row\">Hjørring</th>(.*?)</tr>", page, re.S).group(1)
    assert "Midlerne samles i en fælles pulje" in row and "29. april 2014 kl. 10.00" in row
    assert "via sekretariatet" in row and "Klart &lt;ja&gt;" in row
    assert "Læsø" in page and "Andelen udbetales til egen kommune" in page
    assert page.count('<tr class="silent">') == 9
    assert "Høringen blev åbnet" in page and page.count("Svar registreret") == 2

    # remind now: one round per click, a resubmitted click queues nothing more
    click = re.search(r'name="click" value="([0-9a-f]+)"', page).group(1)
    form = {"csrf": csrf_of(page), "click": click, "bekraeft": "ja"}
    first = client.post(f"/sekretariat/hoering/{hid}/paamind", data=form)
    assert first.status_code == 303
    assert reminders_queued(web_rt) == 18  # 9 silent kommuner × 2 contacts
    again = client.post(f"/sekretariat/hoering/{hid}/paamind", data=form)
    assert again.status_code == 303 and reminders_queued(web_rt) == 18
    after = client.get(f"/sekretariat/hoering/{hid}").text
    assert "Ingen ny påmindelse" in after and after.count("Påmindelse lagt i udbakken") == 1
    sink.received.clear()
    assert send_outbox(web_rt).sent == 18
    assert all("Påmindelse" in str(m["Subject"]) for m in sink.messages)
    assert not any("hjoerring" in m["To"].addresses[0].domain for m in sink.messages)
    assert client.post(f"/sekretariat/hoering/{hid}/paamind",
                       data={"csrf": "forfalsket", "click": "abc"}).status_code == 400

    # close: refused before the deadline while kommuner are silent, unless forced
    csrf = csrf_of(after)
    client.post(f"/sekretariat/hoering/{hid}/luk", data={"csrf": csrf})
    refused = client.get(f"/sekretariat/hoering/{hid}").text
    assert "Høringen er ikke lukket" in refused and "Afslut høringen" in refused
    client.post(f"/sekretariat/hoering/{hid}/luk", data={"csrf": csrf, "force": "ja"})
    closed = client.get(f"/sekretariat/hoering/{hid}").text
    assert "Høringen er afsluttet, og resultatet er lagt i udbakken." in closed
    assert "<h2>Resultat</h2>" in closed and "Afslut høringen" not in closed
    assert "Høringen blev afsluttet" in closed and "lukket før fristen" in closed
    assert "120.000,00 kr." in closed
    with web_rt.db.transaction() as s:
        actors = {e.actor for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action.in_(["hearing.closed", "hearing.reminded"])))}
    assert actors == {"sekretariatet (fælles adgangskode)"}  # the bootstrap account: no user yet


def test_unknown_hearing_page(web_rt, client):
    login(client)
    response = client.get("/sekretariat/hoering/42")
    assert response.status_code == 404 and "Høringen findes ikke" in response.text


@pytest.fixture
def any_db_rt(tmp_path, database_url, clock, smtp, password_hash):
    return web_runtime(tmp_path, database_url, clock, smtp, password_hash)


def test_remind_now_rules_on_both_databases(any_db_rt, clock):
    rt = any_db_rt
    hid = open_example(rt)
    assert remind_now(rt, hid, actor="test", request_id="a1") == 22
    assert remind_now(rt, hid, actor="test", request_id="a1") == 0
    for name in ("Aalborg", "Hjørring"):
        record_answer(rt, hid, kommune=name, option="pulje")
    assert remind_now(rt, hid, actor="test", request_id="b2") == 18
    with pytest.raises(RuleViolation):
        remind_now(rt, hid, actor="test", request_id="not valid!")
    clock.advance(days=30)
    with pytest.raises(RuleViolation, match="deadline"):
        remind_now(rt, hid, actor="test")
    with rt.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "hearing.reminded")) == 2


def test_web_answers_and_close_on_both_databases(any_db_rt, sink, clock):
    """The answer page and the close action on SQLite and PostgreSQL."""
    from tests.web.conftest import invitation_links, path_of

    rt = any_db_rt
    hid = open_example(rt)
    links = invitation_links(rt, sink)
    with TestClient(create_app(rt), follow_redirects=False) as c:
        for address, link in sorted(links.items()):
            if address.startswith("socialdirektoer@"):
                path = path_of(link)
                form = {"csrf": csrf_of(c.get(path).text), "hearing": str(hid), "option": "pulje"}
                assert c.post(path, data=form).status_code == 303
        login(c)
        page = c.get(f"/sekretariat/hoering/{hid}").text
        assert "Svar: 11 af 11" in page and "Luk alligevel" not in page
        assert c.post(f"/sekretariat/hoering/{hid}/luk", data={"csrf": csrf_of(page)}).status_code == 303
        result = c.get(f"/api/hearings/{hid}/result").json()
    assert result["status"] == "closed" and result["allocation"]["pool"] == "120000.00"
