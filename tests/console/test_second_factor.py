"""A second factor for local accounts: enrolment by QR code, sign-in with a code from the app, a
wrong code refused and counted, a recovery code used once only, required for the secretariat where
HOERING_REQUIRE_2FA is set, and ``hoering user reset-2fa``."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from hoering.db.models import AuditEntry, ConsoleUser, RecoveryCode, WebSession
from hoering.mail.sink import MailSink
from hoering.runtime import Runtime
from hoering.services.second_factor import reset
from tests.console.conftest import PASSWORDS, add_people, client_for, csrf_of, login_as
from tests.support import Clock
from tests.web.conftest import password_hash, web_runtime  # noqa: F401 - fixtures

ANNA = "anna@sekretariat.example"


@pytest.fixture
def strict_rt(tmp_path: Path, sqlite_url: str, clock: Clock, smtp: tuple[Any, MailSink],
              password_hash: str) -> Runtime:  # noqa: F811
    rt = web_runtime(tmp_path, sqlite_url, clock, smtp, password_hash, require_2fa=True)
    add_people(rt)
    return rt


def secret_of(html: str) -> str:
    return re.search(r'id="totp-noegle">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")  # type: ignore[union-attr]


def password_step(c: Any, email: str, password: str | None = None) -> Any:
    page = c.get("/sekretariat/login")
    return c.post("/sekretariat/login", data={"csrf": csrf_of(page.text), "email": email,
                                              "password": password or PASSWORDS[email]})


def enrol_from_console(c: Any, clock: Clock) -> tuple[str, list[str]]:
    page = c.get("/sekretariat/totrin")
    assert page.status_code == 200
    secret = secret_of(page.text)
    r = c.post("/sekretariat/totrin", data={"csrf": csrf_of(page.text),
                                            "kode": pyotp.TOTP(secret).at(clock.now)})
    assert r.status_code == 200, r.text
    return secret, re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", r.text)


def test_enrolment_by_qr_code_then_sign_in_with_a_code(people, make_client, clock):
    c = make_client()
    login_as(c, ANNA)
    page = c.get("/sekretariat/totrin")
    # the QR code is inline SVG (the CSP allows no script) and encodes the otpauth URI of the key
    assert "<svg" in page.text and "<script" not in page.text
    secret = secret_of(page.text)
    assert len(secret) == 32
    wrong = c.post("/sekretariat/totrin", data={"csrf": csrf_of(page.text), "kode": "000000"})
    assert wrong.status_code == 401 and "Koden passer ikke" in wrong.text
    with people.db.read() as s:
        assert s.scalar(select(ConsoleUser.totp_secret).where(ConsoleUser.email == ANNA)) is None
    r = c.post("/sekretariat/totrin", data={"csrf": csrf_of(page.text), "kode": pyotp.TOTP(secret).at(clock.now)})
    codes = re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", r.text)
    assert r.status_code == 200 and len(set(codes)) == 10
    with people.db.read() as s:
        stored = s.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only digests are kept
    assert c.get("/sekretariat").status_code == 200  # the new session (it names the second factor)

    # the next sign-in asks for a code after the password; no session before it
    other = make_client()
    r = password_step(other, ANNA)
    assert r.status_code == 303 and r.headers["location"] == "/sekretariat/login/kode"
    assert other.get("/sekretariat").headers["location"] == "/sekretariat/login"
    clock.set(clock.now + timedelta(minutes=1))
    page = other.get("/sekretariat/login/kode")
    r = other.post("/sekretariat/login/kode", data={"csrf": csrf_of(page.text),
                                                    "kode": pyotp.TOTP(secret).at(clock.now)})
    assert r.status_code == 303 and r.headers["location"] == "/sekretariat"
    assert "Logget ind som Anna Andersen" in other.get("/sekretariat").text
    with people.db.read() as s:
        methods = [e.details["method"] for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "session.started").order_by(AuditEntry.id))]
    assert methods == ["password", "password+totp", "password+totp"]


def test_a_wrong_code_is_refused_counted_and_a_used_code_not_taken_twice(console_rt, clock):
    add_people(console_rt)
    app_client = client_for(console_rt)
    with app_client as c:
        login_as(c, ANNA)
        secret, _ = enrol_from_console(c, clock)
    # a small budget: 3 failures per address within the window
    from fastapi.testclient import TestClient

    from hoering.web.app import create_app

    with TestClient(create_app(console_rt, failure_limit=3), follow_redirects=False) as c:
        password_step(c, ANNA)
        page = c.get("/sekretariat/login/kode")
        r = c.post("/sekretariat/login/kode", data={"csrf": csrf_of(page.text), "kode": "123456"})
        assert r.status_code == 401 and "forkert" in r.text
        # the code of the step used at enrolment cannot be replayed
        r = c.post("/sekretariat/login/kode", data={"csrf": csrf_of(page.text),
                                                    "kode": pyotp.TOTP(secret).at(clock.now)})
        assert r.status_code == 401
        r = c.post("/sekretariat/login/kode", data={"csrf": csrf_of(page.text), "kode": "654321"})
        assert r.status_code == 401
        clock.set(clock.now + timedelta(minutes=1))
        # the budget is spent: even the right code waits for the window
        r = c.post("/sekretariat/login/kode", data={"csrf": csrf_of(page.text),
                                                    "kode": pyotp.TOTP(secret).at(clock.now)})
        assert r.status_code == 429
        assert c.get("/sekretariat").headers["location"] == "/sekretariat/login"
    with console_rt.db.read() as s:
        failures = [e.details for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in.failed"))]
    assert [f["reason"] for f in failures] == ["second_factor"] * 3
    assert {f["account"] for f in failures} == {ANNA}


def test_a_recovery_code_works_once_only(people, make_client, clock):
    c = make_client()
    login_as(c, ANNA)
    _, codes = enrol_from_console(c, clock)
    first = make_client()
    password_step(first, ANNA)
    page = first.get("/sekretariat/login/kode")
    r = first.post("/sekretariat/login/kode", data={"csrf": csrf_of(page.text), "kode": codes[3].lower()})
    assert r.status_code == 303
    assert "9 tilbage" in first.get("/sekretariat").text
    second = make_client()
    password_step(second, ANNA)
    page = second.get("/sekretariat/login/kode")
    r = second.post("/sekretariat/login/kode", data={"csrf": csrf_of(page.text), "kode": codes[3]})
    assert r.status_code == 401
    assert second.get("/sekretariat").headers["location"] == "/sekretariat/login"
    with people.db.read() as s:
        used = s.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
        methods = s.scalars(select(WebSession.method).order_by(WebSession.id)).all()
    assert len(used) == 1 and methods[-1] == "recovery"


def test_required_for_the_secretariat_enrols_before_any_console_page(strict_rt, clock):
    with client_for(strict_rt) as c:
        r = password_step(c, ANNA)
        assert r.headers["location"] == "/sekretariat/totrin"
        assert c.get("/sekretariat").headers["location"] == "/sekretariat/login"
        page = c.get("/sekretariat/totrin")
        assert "skal logge ind med en kode" in page.text
        r = c.post("/sekretariat/totrin", data={"csrf": csrf_of(page.text),
                                                "kode": pyotp.TOTP(secret_of(page.text)).at(clock.now)})
        assert r.status_code == 200 and c.get("/sekretariat").status_code == 200
    with client_for(strict_rt) as reader:  # a reader is not asked
        login_as(reader, "laeser@sekretariat.example")
        assert reader.get("/sekretariat").status_code == 200


def test_a_password_session_stops_when_2fa_becomes_required(people, make_client):
    c = make_client()
    login_as(c, ANNA)
    assert c.get("/sekretariat").status_code == 200
    people.settings = people.settings.model_copy(update={"require_2fa": True})
    assert c.get("/sekretariat").headers["location"] == "/sekretariat/login"


def test_reset_2fa_removes_the_factor_and_ends_the_sessions(people, make_client, clock):
    c = make_client()
    login_as(c, ANNA)
    enrol_from_console(c, clock)
    assert c.get("/sekretariat").status_code == 200
    reset(people, ANNA, actor="it")
    assert c.get("/sekretariat").headers["location"] == "/sekretariat/login"
    login_as(c, ANNA)  # the password alone again (2FA not required here)
    with people.db.read() as s:
        assert s.scalar(select(RecoveryCode.id)) is None
        assert s.scalar(select(AuditEntry.actor).where(AuditEntry.action == "user.2fa_reset")) == "it"
