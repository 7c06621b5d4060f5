"""The JSON API: each endpoint, its guard, and the OpenAPI schema."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hoering.services.answers import record_answer
from hoering.services.hearings import close_hearing
from hoering.web.app import create_app
from tests.web.conftest import API_TOKEN, invitation_links, login, open_example, path_of

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
ENDPOINTS = ["/api/hearings", "/api/hearings/1", "/api/hearings/1/result"]


def test_hearings_status_and_result(web_rt, client, clock):
    hid = open_example(web_rt)
    record_answer(web_rt, hid, kommune="Hjørring", option="pulje", comment="Enig")
    listed = client.get("/api/hearings", headers=AUTH)
    assert listed.status_code == 200
    assert listed.json() == [{"id": hid, "title": "Tilbagebetaling af tiloversblevne midler fra JYFE",
                              "kind": "allocation", "status": "open", "body": "socialdirektoerkredsen",
                              "deadline": "2014-05-13T10:00:00+00:00", "closed_at": None, "answered": 1,
                              "recipients": 11}]
    assert client.get("/api/hearings?status=closed", headers=AUTH).json() == []
    status = client.get(f"/api/hearings/{hid}", headers=AUTH).json()
    assert status["answered"] == 1 and status["time_left"] == "14 dage og 2 timer"
    assert 860 not in status["silent"] and len(status["silent"]) == 10
    hjoerring = next(ln for ln in status["lines"] if ln["kommune"] == 860)
    assert hjoerring["option"] == "pulje" and hjoerring["comment"] == "Enig"
    open_result = client.get(f"/api/hearings/{hid}/result", headers=AUTH).json()
    assert open_result["status"] == "open" and open_result["counts"] == {"pulje": 1, "udbetaling": 0}
    close_hearing(web_rt, hid, force=True)
    closed = client.get(f"/api/hearings/{hid}/result", headers=AUTH).json()
    assert closed["status"] == "closed" and closed["outcome"] == "passed"
    assert closed["summary"] and closed["total_da"] == "120.000,00 kr."
    assert client.get("/api/hearings?status=closed", headers=AUTH).json()[0]["id"] == hid


def test_unknown_hearing_is_404_json(client):
    for path in ("/api/hearings/99", "/api/hearings/99/result"):
        response = client.get(path, headers=AUTH)
        assert response.status_code == 404 and response.json() == {"detail": "høring 99 findes ikke"}
    assert client.get("/api/hearings/0", headers=AUTH).status_code == 404  # out of range: no such row


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {API_TOKEN}"},
    {"Authorization": f"Bearer {API_TOKEN}x"}, {"Authorization": "Bearer "},
])
def test_wrong_credentials_are_refused(web_rt, client, headers):
    open_example(web_rt)
    for path in ENDPOINTS:
        response = client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"


def test_an_answer_link_token_is_no_api_credential(web_rt, sink, client):
    open_example(web_rt)
    token = path_of(next(iter(invitation_links(web_rt, sink).values()))).rsplit("/", 1)[1]
    for path in ENDPOINTS:
        assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_without_a_configured_api_token_only_the_session_gets_in(web_rt, client):
    web_rt.settings.api_token = None
    open_example(web_rt)
    assert client.get("/api/hearings", headers={"Authorization": "Bearer None"}).status_code == 401
    login(client)
    assert client.get("/api/hearings").status_code == 200
    assert client.get("/api/hearings/1").json()["recipients"] == 11


def test_openapi_documents_the_api_only(client):
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {"/api/hearings", "/api/hearings/{hearing_id}",
                                    "/api/hearings/{hearing_id}/result", "/api/drafts",
                                    "/api/drafts/{draft_id}/open", "/api/drafts/{draft_id}/bilag",
                                    "/api/hearings/{hearing_id}/answers",
                                    "/api/hearings/{hearing_id}/extend", "/api/hearings/{hearing_id}/close"}
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert client.get("/api/docs").status_code == 200


def test_security_headers_everywhere(web_rt):
    with TestClient(create_app(web_rt)) as c:
        for path in ("/api/hearings", "/sekretariat/login", "/svar/x"):
            headers = c.get(path).headers
            assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"


def test_the_list_of_hearings_comes_a_page_at_a_time(web_rt, client):
    ids = [open_example(web_rt) for _ in range(3)]
    assert [h["id"] for h in client.get("/api/hearings", headers=AUTH).json()] == ids[::-1]
    first = client.get("/api/hearings?limit=2", headers=AUTH).json()
    rest = client.get("/api/hearings?limit=2&offset=2", headers=AUTH).json()
    assert [h["id"] for h in first] == ids[:0:-1] and [h["id"] for h in rest] == ids[:1]
    assert client.get("/api/hearings?limit=0", headers=AUTH).status_code == 422
