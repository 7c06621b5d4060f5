"""People log in, not a shared password: bootstrap until the first account, names in the audit
log, a disabled account's session ends at its next request, a reader cannot act."""

from __future__ import annotations

from sqlalchemy import select

from hoering.db.models import AuditEntry
from hoering.services.users import add_user, disable_user
from tests.console.conftest import PASSWORDS, csrf_of, login_as
from tests.web.conftest import PASSWORD, open_example


def test_bootstrap_password_until_the_first_account(console_rt, make_client):
    c = make_client()
    page = c.get("/sekretariat/login")
    assert 'name="email"' not in page.text and "ingen brugere" in page.text
    r = c.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "password": PASSWORD})
    assert r.status_code == 303 and c.get("/sekretariat").status_code == 200

    add_user(console_rt, "anna@sekretariat.example", name="Anna Andersen", role="sekretariat",
             password=PASSWORDS["anna@sekretariat.example"])
    # the bootstrap session ends with the first account, and the shared password no longer works
    assert c.get("/sekretariat").headers["location"] == "/sekretariat/login"
    page = c.get("/sekretariat/login")
    assert 'name="email"' in page.text and "ingen brugere" not in page.text
    r = c.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": "", "password": PASSWORD})
    assert r.status_code == 401 and "Forkert e-mail eller adgangskode" in r.text
    login_as(c, "anna@sekretariat.example")
    assert "Logget ind som Anna Andersen" in c.get("/sekretariat").text


def test_wrong_password_of_a_person_is_refused(people, make_client):
    c = make_client()
    page = c.get("/sekretariat/login")
    r = c.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": "anna@sekretariat.example",
                                           "password": "forkert-kode-123"})
    assert r.status_code == 401 and 'value="anna@sekretariat.example"' in r.text


def test_two_people_act_and_the_audit_log_names_each(people, make_client, clock):
    hid = open_example(people)
    anna, bo = make_client(), make_client()
    login_as(anna, "anna@sekretariat.example")
    login_as(bo, "bo@sekretariat.example")
    page = anna.get(f"/sekretariat/hoering/{hid}")
    r = anna.post(f"/sekretariat/hoering/{hid}/paamind",
                  data={"csrf": csrf_of(page.text), "click": "a1", "bekraeft": "ja"})
    assert r.status_code == 303
    page = bo.get(f"/sekretariat/hoering/{hid}")
    r = bo.post(f"/sekretariat/hoering/{hid}/luk", data={"csrf": csrf_of(page.text), "force": "ja"})
    assert r.status_code == 303
    with people.db.read() as s:
        actors = {e.action: e.actor for e in s.scalars(select(AuditEntry).where(AuditEntry.hearing_id == hid))}
    assert actors["hearing.reminded"] == "Anna Andersen (anna@sekretariat.example)"
    assert actors["hearing.closed"] == "Bo Berg (bo@sekretariat.example)"
    trail = anna.get(f"/sekretariat/hoering/{hid}").text
    assert "Anna Andersen" in trail and "Bo Berg" in trail


def test_a_disabled_persons_session_stops_at_the_next_request(people, make_client):
    c = make_client()
    login_as(c, "bo@sekretariat.example")
    assert c.get("/sekretariat").status_code == 200
    disable_user(people, "bo@sekretariat.example", actor="test")
    r = c.get("/sekretariat")
    assert r.status_code == 303 and r.headers["location"] == "/sekretariat/login"
    assert c.get("/api/hearings").status_code == 401
    page = c.get("/sekretariat/login")
    r = c.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": "bo@sekretariat.example",
                                           "password": PASSWORDS["bo@sekretariat.example"]})
    assert r.status_code == 401


def test_a_reader_reads_but_cannot_act(people, make_client):
    hid = open_example(people)
    c = make_client()
    login_as(c, "laeser@sekretariat.example")
    page = c.get(f"/sekretariat/hoering/{hid}")
    assert page.status_code == 200
    r = c.post(f"/sekretariat/hoering/{hid}/luk", data={"csrf": csrf_of(page.text), "force": "ja"})
    assert r.status_code == 403 and "kun adgang til at læse" in r.text
    assert c.get("/sekretariat/hoeringer/ny").status_code == 403


