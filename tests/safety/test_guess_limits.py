"""Item 6: separate budgets for link guesses and logins, per address and per account, counted in
the database; a valid link is never refused; X-Forwarded-For only from trusted proxies. Over
real HTTP against ``hoering web`` processes (two at once, sharing the counts)."""

from __future__ import annotations

import secrets

import httpx
from sqlalchemy import select

from hoering.db.models import AnswerToken
from hoering.tokens import derive_token
from hoering.web.security import client_ip, parse_networks
from tests.safety.conftest import PASSWORD, csrf_of, hoering_web
from tests.support import make_runtime
from tests.web.conftest import open_example

AT = "2014-05-01T10:00"


def guess(client: httpx.Client, via: str | None = None) -> int:
    headers = {"X-Forwarded-For": via} if via else {}
    return client.get(f"/svar/{secrets.token_urlsafe(32)}", headers=headers).status_code


def login(client: httpx.Client, password: str, via: str | None = None) -> int:
    headers = {"X-Forwarded-For": via} if via else {}
    page = client.get("/sekretariat/login", headers=headers)
    return client.post("/sekretariat/login", data={"password": password, "csrf": csrf_of(page.text)},
                       headers=headers).status_code


def runtime_with_link(tmp_path, clock, password_hash):
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock, admin_password_hash=password_hash)
    open_example(rt)
    with rt.db.read() as s:
        nonce = s.scalars(select(AnswerToken.nonce)).first()
    return rt, derive_token(rt.secret, nonce)


def test_guesses_do_not_block_valid_links_or_logins_and_are_shared_by_processes(tmp_path, clock, password_hash):
    rt, token = runtime_with_link(tmp_path, clock, password_hash)
    with hoering_web(rt, tmp_path, at=AT) as one, hoering_web(rt, tmp_path, at=AT) as two, \
            httpx.Client(base_url=one, follow_redirects=False, timeout=30) as a, \
            httpx.Client(base_url=two, follow_redirects=False, timeout=30) as b:
        assert [guess(a) for _ in range(10)] + [guess(b) for _ in range(10)] == [404] * 20
        assert guess(a) == 429 and guess(b) == 429, "the two processes must share one count"
        assert a.get(f"/svar/{token}").status_code == 200, "a valid link refused for others' guesses"
        assert b.get(f"/svar/{token}").status_code == 200
        assert login(a, PASSWORD) == 303, "link guesses spent the login budget"
    with hoering_web(rt, tmp_path, at=AT) as again, \
            httpx.Client(base_url=again, follow_redirects=False, timeout=30) as c:
        assert guess(c) == 429, "a restart forgot the count"


def test_login_budgets_per_address_and_per_account_behind_a_trusted_proxy(tmp_path, clock, password_hash):
    rt, token = runtime_with_link(tmp_path, clock, password_hash)
    with hoering_web(rt, tmp_path, at=AT, HOERING_TRUSTED_PROXIES="127.0.0.1") as base, \
            httpx.Client(base_url=base, follow_redirects=False, timeout=30) as c:
        # guesses from one client behind the proxy spend that client's budget only
        assert [guess(c, "203.0.113.5") for _ in range(20)] == [404] * 20
        assert guess(c, "203.0.113.5") == 429
        assert guess(c, "203.0.113.6") == 404
        assert guess(c, "spoofed, 203.0.113.5") == 429  # the proxy's own entry counts, not the left end
        # wrong passwords from one address: that address is stopped, others log in
        assert [login(c, "forkert", "198.51.100.1") for _ in range(20)] == [401] * 20
        assert login(c, PASSWORD, "198.51.100.1") == 429
        assert login(c, PASSWORD, "198.51.100.2") == 303
        assert guess(c, "198.51.100.1") == 404, "login failures spent the link-guess budget"
        # the account's own budget (2 × 20) stops a spread-out attack on it
        assert [login(c, "forkert", f"192.0.2.{i}") for i in range(20)] == [401] * 20
        assert login(c, PASSWORD, "192.0.2.200") == 429
        assert c.get(f"/svar/{token}", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200


def test_forwarded_for_is_believed_only_from_trusted_proxies():
    trusted = parse_networks("10.0.0.0/8, 127.0.0.1")
    assert client_ip("203.0.113.9", "1.2.3.4", trusted) == "203.0.113.9"  # not a proxy: ignored
    assert client_ip("10.0.0.2", "1.2.3.4", trusted) == "1.2.3.4"
    assert client_ip("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.9", trusted) == "1.2.3.4"
    assert client_ip("10.0.0.2", "nonsense", trusted) == "10.0.0.2"
    assert client_ip("127.0.0.1", "1.2.3.4", ()) == "127.0.0.1"
