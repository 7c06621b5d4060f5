"""The JSON API's write operations: same validation as the form and the CLI, a person's token,
401 without one, 403 for a reader's token and for the shared read token, in OpenAPI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hoering.db.models import AuditEntry
from hoering.services.users import issue_api_token
from hoering.web.api_write import JYFE_EXAMPLE
from tests.web.conftest import API_TOKEN, open_example


@pytest.fixture
def tokens(people):
    return {"anna": issue_api_token(people, "anna@sekretariat.example"),
            "laeser": issue_api_token(people, "laeser@sekretariat.example")}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


WRITES = [("post", "/api/drafts", JYFE_EXAMPLE), ("post", "/api/drafts/1/open", None),
          ("post", "/api/hearings/1/answers", {"kommune": 773, "option": "pulje"}),
          ("post", "/api/hearings/1/extend", {"deadline": "2014-05-20T12:00", "reason": "Pinse"}),
          ("post", "/api/hearings/1/close", {"force": True})]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_every_write_refused_without_a_token_and_for_readers(people, tokens, make_client, method, path, body):
    open_example(people)
    c = make_client()
    assert c.request(method, path, json=body).status_code == 401
    assert c.request(method, path, json=body, headers=bearer("hoe_wrong")).status_code == 401
    assert c.request(method, path, json=body, headers=bearer(tokens["laeser"])).status_code == 403
    assert c.request(method, path, json=body, headers=bearer(API_TOKEN)).status_code == 403
    # the reader's token still reads
    assert c.get("/api/hearings", headers=bearer(tokens["laeser"])).status_code == 200


def test_draft_open_answer_extend_close(people, tokens, make_client):
    c = make_client()
    auth = bearer(tokens["anna"])
    bad = c.post("/api/drafts", json={**JYFE_EXAMPLE, "title": "J", "allocation": {
        **JYFE_EXAMPLE["allocation"], "payout_option": "pulje"}, "colour": "blå"}, headers=auth)
    assert bad.status_code == 422
    assert any(p.startswith("title:") for p in bad.json()["detail"])
    assert any(p.startswith("colour:") for p in bad.json()["detail"])

    made = c.post("/api/drafts", json=JYFE_EXAMPLE, headers=auth)
    assert made.status_code == 201
    opened = c.post(f"/api/drafts/{made.json()['draft']}/open", headers=auth)
    assert opened.status_code == 200
    hid = opened.json()["hearing"]
    assert c.post(f"/api/drafts/{made.json()['draft']}/open", headers=auth).status_code == 409

    answer = c.post(f"/api/hearings/{hid}/answers", headers=auth,
                    json={"kommune": "Morsø", "option": "pulje", "channel": "phone", "answered_by": "direktøren"})
    assert answer.status_code == 201 and answer.json()["kommune"] == 773 and answer.json()["version"] == 1
    wrong = c.post(f"/api/hearings/{hid}/answers", headers=auth, json={"kommune": 773, "option": "nej"})
    assert wrong.status_code == 404 and "ingen svarmulighed" in wrong.json()["detail"]

    assert c.post(f"/api/hearings/{hid}/extend", headers=auth,
                  json={"deadline": "2014-05-10T12:00", "reason": "x"}).status_code == 409
    ext = c.post(f"/api/hearings/{hid}/extend", headers=auth,
                 json={"deadline": "2014-05-20T12:00", "reason": "Pinse"})
    assert ext.status_code == 200 and ext.json()["deadline"] == "2014-05-20T12:00:00+02:00"

    assert c.post(f"/api/hearings/{hid}/close", headers=auth, json={}).status_code == 409  # not all answered
    closed = c.post(f"/api/hearings/{hid}/close", headers=auth, json={"force": True})
    assert closed.status_code == 200
    assert c.post(f"/api/hearings/{hid}/answers", headers=auth,
                  json={"kommune": 851, "option": "pulje"}).status_code == 409
    assert c.post("/api/hearings/9999/close", headers=auth, json={"force": True}).status_code == 404
    with people.db.read() as s:
        actors = {e.actor for e in s.scalars(select(AuditEntry).where(AuditEntry.hearing_id == hid))}
    assert actors == {"Anna Andersen (anna@sekretariat.example)"}


def test_write_operations_are_in_openapi(console_rt, make_client):
    spec = make_client().get("/api/openapi.json").json()
    for path in ("/api/drafts", "/api/drafts/{draft_id}/open", "/api/hearings/{hearing_id}/answers",
                 "/api/hearings/{hearing_id}/extend", "/api/hearings/{hearing_id}/close"):
        op = spec["paths"][path]["post"]
        assert {"403", "401"} <= set(op["responses"]), path
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()


def test_a_console_session_does_not_write_through_the_api(people, tokens, make_client):
    """The API writes with a person's token only: a logged-in browser's cookie reads, but a page
    elsewhere cannot make that browser write (no CSRF field on a JSON API, SameSite=Lax alone)."""
    from tests.console.conftest import login_as

    open_example(people)
    c = make_client()
    login_as(c, "anna@sekretariat.example")
    assert c.get("/api/hearings").status_code == 200
    for method, path, body in WRITES:
        assert c.request(method, path, json=body).status_code == 401, path
    with people.db.read() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action.like("draft.%"))) is None
    assert c.post("/api/drafts", json=JYFE_EXAMPLE, headers=bearer(tokens["anna"])).status_code == 201
