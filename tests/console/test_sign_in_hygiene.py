"""Login hygiene: a new session id at every sign-in (the old one ends), refused sign-ins audited,
and the audit log names how each session signed in."""

from __future__ import annotations

from sqlalchemy import select

from hoering.db.models import AuditEntry
from hoering.web.sessions import SESSION_COOKIE
from tests.console.conftest import csrf_of, login_as


def test_every_sign_in_gets_a_new_session_id_and_the_old_one_ends(people, make_client):
    c = make_client()
    login_as(c, "anna@sekretariat.example")
    first = c.cookies.get(SESSION_COOKIE)
    login_as(c, "anna@sekretariat.example")
    second = c.cookies.get(SESSION_COOKIE)
    assert first and second and first != second
    stale = make_client()
    stale.cookies.set(SESSION_COOKIE, first)
    assert stale.get("/sekretariat").headers["location"] == "/sekretariat/login"
    assert c.get("/sekretariat").status_code == 200


def test_a_refused_password_is_audited_and_each_session_says_how_it_signed_in(people, make_client):
    c = make_client()
    page = c.get("/sekretariat/login")
    r = c.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": "bo@sekretariat.example",
                                           "password": "forkert-kode-123"})
    assert r.status_code == 401
    login_as(c, "bo@sekretariat.example")
    with people.db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action.in_(
            ["sign_in.failed", "session.started"])).order_by(AuditEntry.id)).all()
        seen = [(e.action, e.actor, e.details.get("reason") or e.details.get("method")) for e in entries]
        account = entries[0].details["account"]
    assert seen == [("sign_in.failed", "bo@sekretariat.example", "password"),
                    ("session.started", "Bo Berg (bo@sekretariat.example)", "password")]
    assert account == "bo@sekretariat.example"
