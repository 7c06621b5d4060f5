"""``/referat/{meeting}/{person}/{token}``: the chair's personal link in the draft-minutes mail.

The page shows which meeting's minutes and a button; approving is a POST with a CSRF field
bound to the link. A link that is not a chair's own is the same 404 as any unknown page, and a
guess like an unknown answer link: the address's budget of link guesses is spent by both.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hoering.errors import NotFoundError, RuleViolation
from hoering.services.cycle import run_steps_due_for
from hoering.services.minutes_approval import approval_page, approve_by_link
from hoering.web.console_common import see, text
from hoering.web.meeting_errors import danish
from hoering.web.paths import Id
from hoering.web.rendering import csrf_ok, page, unknown_link
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute, prefix="/referat", include_in_schema=False)


def _scope(token: str) -> str:
    return "referat:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _page(request: Request, meeting_id: int, person_id: int, token: str, *, error: str | None = None,
          status_code: int = 200) -> Response:
    try:
        view = approval_page(request.app.state.rt, meeting_id, person_id, token)
    except NotFoundError:
        return unknown_link(request)
    return page(request, "moede_godkend.html", {"a": view, "error": error},
                status_code=status_code, csrf_scope=_scope(token))


@router.get("/{meeting_id}/{person_id}/{token}", response_class=HTMLResponse)
def show(request: Request, meeting_id: Id, person_id: Id, token: str) -> Response:
    return _page(request, meeting_id, person_id, token)


@router.post("/{meeting_id}/{person_id}/{token}", response_class=HTMLResponse)
async def approve(request: Request, meeting_id: Id, person_id: Id, token: str) -> Response:
    form = await request.form()
    try:  # a wrong link is a 404 (and a guess) first
        approval_page(request.app.state.rt, meeting_id, person_id, token)
    except NotFoundError:
        return unknown_link(request)
    if not csrf_ok(request, text(form, "csrf"), _scope(token)):
        return _page(request, meeting_id, person_id, token, error="Formularen var udløbet. Prøv igen.",
                     status_code=400)
    try:
        approve_by_link(request.app.state.rt, meeting_id, person_id, token)
    except RuleViolation as exc:
        return _page(request, meeting_id, person_id, token, error=danish(str(exc)), status_code=409)
    run_steps_due_for(request.app.state.rt, meeting_id)  # the minutes go out now
    return see(f"/referat/{meeting_id}/{person_id}/{token}")
