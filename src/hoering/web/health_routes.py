"""``GET /healthz``: the engine's health as JSON, 200 when healthy and 503 when not (for the
reverse proxy, systemd watchdogs and monitoring). No login: it names no person and no hearing."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hoering.services.health import check_health
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute)


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    health = check_health(request.app.state.rt)
    return JSONResponse(health.as_json(), status_code=200 if health.healthy else 503,
                        headers={"Cache-Control": "no-store"})
