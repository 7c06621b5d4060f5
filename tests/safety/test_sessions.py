"""Item 4: logins are server-side sessions. Logout, "log out everywhere" and expiry end them for
every copy of the cookie; a logged-in form's CSRF field is bound to its session; the logout
button of a stale page still logs out. Over real HTTP against ``hoering web`` in its own process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from hoering.services.web_sessions import end_all_sessions, end_session, find_session, start_session
from tests.safety.conftest import csrf_of, hoering_web, log_in
from tests.support import Clock, make_runtime
from tests.web.conftest import open_example


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, password_hash: str) -> Iterator[tuple[str, int]]:
    home = tmp_path_factory.mktemp("sessions")
    rt = make_runtime(home, f"sqlite:///{home / 'hoering.db'}", Clock(), admin_password_hash=password_hash)
    hid = open_example(rt)
    with hoering_web(rt, home) as base:
        yield base, hid


@contextmanager
def logged_in_client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        assert log_in(client).status_code == 303
        assert client.get("/sekretariat").status_code == 200
        yield client


def opens(base: str, cookies: dict[str, str]) -> tuple[int, int]:
    """(status of /sekretariat, status of /api/hearings) with exactly these cookies."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30, cookies=cookies) as c:
        return c.get("/sekretariat").status_code, c.get("/api/hearings").status_code


def test_a_saved_cookie_opens_nothing_after_logout(served):
    base, _ = served
    with logged_in_client(base) as client:
        saved = dict(client.cookies)
        assert opens(base, saved) == (200, 200)
        page = client.get("/sekretariat").text
        assert client.post("/sekretariat/logout", data={"csrf": csrf_of(page)}).status_code == 303
    assert opens(base, saved) == (303, 401)


def test_logout_from_a_stale_page_still_logs_out(served):
    base, _ = served
    with logged_in_client(base) as client:
        saved = dict(client.cookies)
        for stale in ({"csrf": "expired-or-from-another-page"}, {}):
            client.cookies.update(saved)
            assert client.post("/sekretariat/logout", data=stale).status_code == 303
            assert opens(base, saved) == (303, 401)


def test_log_out_everywhere_ends_every_browser(served):
    base, _ = served
    with logged_in_client(base) as laptop, logged_in_client(base) as phone:
        phone_cookies = dict(phone.cookies)
        page = laptop.get("/sekretariat").text
        assert laptop.post("/sekretariat/logout-everywhere", data={"csrf": csrf_of(page)}).status_code == 303
        assert laptop.get("/sekretariat").status_code == 303
    assert opens(base, phone_cookies) == (303, 401)


def test_a_form_from_an_ended_session_is_refused_in_the_next(served):
    base, hid = served
    with logged_in_client(base) as client:
        old_field = csrf_of(client.get(f"/sekretariat/hoering/{hid}").text)
        client.post("/sekretariat/logout", data={"csrf": old_field})
        assert log_in(client).status_code == 303  # same browser, same CSRF cookie, new session
        refused = client.post(f"/sekretariat/hoering/{hid}/paamind", data={"csrf": old_field, "click": "a1"})
        assert refused.status_code == 400 and "Formularen er udløbet" in refused.text
        fresh = csrf_of(client.get(f"/sekretariat/hoering/{hid}").text)
        assert client.post(f"/sekretariat/hoering/{hid}/paamind",
                           data={"csrf": fresh, "click": "a2", "bekraeft": "ja"}).status_code == 303


def test_sessions_end_when_idle_or_expired_and_per_principal(tmp_path: Path, sqlite_url: str):
    clock = Clock()
    rt = make_runtime(tmp_path, sqlite_url, clock, session_hours=8, session_idle_minutes=60)
    token = start_session(rt)
    assert find_session(rt, token) is not None
    clock.advance(minutes=59)
    assert find_session(rt, token) is not None  # and touched: idle counts from here
    clock.advance(minutes=59)
    assert find_session(rt, token) is not None
    clock.advance(minutes=61)
    assert find_session(rt, token) is None, "an idle session must end"

    token = start_session(rt)
    for _ in range(9):  # 9 × 59 min > 8 h, never idle
        clock.advance(minutes=59)
        find_session(rt, token)
    assert find_session(rt, token) is None, "a session must end at its absolute limit"

    admin, alice, bob = start_session(rt), start_session(rt, user_id=7), start_session(rt, user_id=8)
    assert find_session(rt, alice).user_id == 7
    assert end_all_sessions(rt, user_id=7) == 1
    assert find_session(rt, alice) is None and find_session(rt, bob) and find_session(rt, admin)
    end_session(rt, admin)
    assert find_session(rt, admin) is None and find_session(rt, bob)
    assert find_session(rt, "not-a-token") is None and find_session(rt, None) is None
