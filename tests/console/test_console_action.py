"""Every acting console form goes through one helper (``web.console_action``): the same login,
role and CSRF checks in the same order for every route, the path read first."""

from __future__ import annotations

import inspect

from fastapi.routing import APIRoute

from hoering.web import (
    console_hearings,
    console_inbox,
    console_items,
    console_links,
    console_meetings,
    console_outbox,
    console_responses,
    console_running,
)
from tests.console.conftest import csrf_of, login_as

ACTING = (console_hearings, console_items, console_meetings, console_running, console_links, console_responses,
          console_inbox, console_outbox)
# a hearing's form refuses a stale CSRF field by showing the form again, with its files kept
OWN_CHECKS = {"/sekretariat/hoeringer/ny", "/sekretariat/kladder/{draft_id}/rediger"}


def test_every_console_form_route_goes_through_console_action():
    posts = [r for m in ACTING for r in m.router.routes if isinstance(r, APIRoute) and "POST" in r.methods]
    assert len(posts) >= 25
    bare = [r.path for r in posts if "act" not in inspect.signature(inspect.unwrap(r.endpoint)).parameters]
    assert set(bare) == OWN_CHECKS


def test_refusals_keep_their_order_and_the_path_is_read_first(people, make_client):
    c = make_client()
    # not logged in: the login page; a malformed id is still the 404 page
    r = c.post("/sekretariat/punkt/1/ret", data={"title": "x"})
    assert (r.status_code, r.headers["location"]) == (303, "/sekretariat/login")
    assert c.post("/sekretariat/punkt/abc/ret", data={"title": "x"}).status_code == 404
    # a reader: 403 in Danish; the chair's approval: only the formand
    login_as(c, "laeser@sekretariat.example")
    r = c.post("/sekretariat/moede/1/flyt", data={"csrf": csrf_of(c.get("/sekretariat").text)})
    assert r.status_code == 403 and "kun adgang til at læse" in r.text
    anna = make_client()
    login_as(anna, "anna@sekretariat.example")
    csrf = csrf_of(anna.get("/sekretariat").text)
    r = anna.post("/sekretariat/moede/1/godkend", data={"csrf": csrf})
    assert r.status_code == 403 and "Kun formanden kan godkende referatet." in r.text
    # a missing or stale CSRF field: 400, and nothing done
    r = anna.post("/sekretariat/udbakke/1/send-igen", data={"csrf": "forkert"})
    assert r.status_code == 400 and "Genindlæs siden og prøv igen." in r.text
    # a good form reaches the route: its own answer (a message that does not exist: 404)
    assert anna.post("/sekretariat/udbakke/999/send-igen", data={"csrf": csrf}).status_code == 404
