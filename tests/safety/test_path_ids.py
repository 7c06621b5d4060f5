"""Every id in a path is bounded (1 .. 2**31 - 1) by one annotated type: an id beyond a database
integer is a 404 like a missing row, on every route, before any query. On PostgreSQL such an id
reached the database and came back as an error (HTTP 500: integer out of range)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from hoering.services.users import issue_api_token
from hoering.web.app import create_app
from hoering.web.paths import ID_MAX
from tests.console.conftest import add_people, login_as
from tests.web.conftest import invitation_links, open_example, path_of, web_runtime

OUT_OF_RANGE = ("99999999999", str(ID_MAX + 1), "0", "-1")


def id_routes(app: Any) -> list[tuple[str, str, list[str]]]:
    """(method, path, int path parameters) of every route with an int in its path."""
    found = []
    routes = list(app.routes)
    while routes:
        route = routes.pop(0)
        included = getattr(route, "original_router", None)  # FastAPI 0.150 keeps an included router whole
        if included is not None:
            routes.extend(included.routes)
            continue
        if not isinstance(route, APIRoute):
            continue
        ints = [p.name for p in route.dependant.path_params if p.field_info.annotation is int]
        if ints:
            found.extend((method, route.path, ints) for method in sorted(route.methods))
    return found


def test_every_id_in_a_path_is_bounded(tmp_path, database_url, clock, smtp, sink, password_hash):
    rt = web_runtime(tmp_path, database_url, clock, smtp, password_hash)
    hid = open_example(rt)
    token = path_of(next(iter(invitation_links(rt, sink).values()))).rsplit("/", 1)[1]
    add_people(rt)
    api = {"Authorization": "Bearer " + issue_api_token(rt, "anna@sekretariat.example")}
    with TestClient(create_app(rt), follow_redirects=False) as client:
        login_as(client, "anna@sekretariat.example")
        routes = id_routes(client.app)
        assert len(routes) >= 40, routes  # the console's, the API's, the answer page's and the approval link's
        for method, path, ints in routes:
            for value in OUT_OF_RANGE:
                url = path.replace("{token}", token).replace("{name}", "dagsorden").replace("{fmt}", "pdf")
                url = url.replace("{action}", "slet")
                for name in ints:
                    url = url.replace("{" + name + "}", value)
                r = client.request(method, url, headers=api if path.startswith("/api/") else {})
                assert r.status_code == 404, f"{method} {url}: {r.status_code}"
        # in range and missing: the same 404 (the answer page's own file, an unknown id)
        assert client.get(f"/svar/{token}/fil/2147483647").status_code == 404
        assert client.get(f"/api/hearings/{ID_MAX}", headers=api).status_code == 404
        assert client.get(f"/sekretariat/hoering/{hid}").status_code == 200


@pytest.mark.parametrize("query", ["kopi=99999999999", "kopi=-5"])
def test_an_out_of_range_copy_is_a_fresh_form(tmp_path, database_url, clock, smtp, password_hash, query):
    rt = web_runtime(tmp_path, database_url, clock, smtp, password_hash)
    add_people(rt)
    with TestClient(create_app(rt), follow_redirects=False) as client:
        login_as(client, "anna@sekretariat.example")
        assert client.get(f"/sekretariat/hoeringer/ny?{query}").status_code in (200, 404)
