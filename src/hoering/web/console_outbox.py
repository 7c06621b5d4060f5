"""``/sekretariat/udbakke``: the outbox as it is, not as the buttons hoped. What waits to be
sent (and why it waits, when a try failed), what failed for good with the mail server's reply,
and what was sent lately; «Send igen» puts a failed message back in the queue, and the web
process's sender (``web.outbox_pump``) sends it at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from hoering.errors import NotFoundError, RuleViolation
from hoering.services.outbox import retry_message
from hoering.services.users import Principal
from hoering.views.outbox import outbox_page
from hoering.web.console_action import Acting, console_action
from hoering.web.console_auth import csrf_scope, require
from hoering.web.paths import Id
from hoering.web.rendering import page
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute, prefix="/sekretariat", include_in_schema=False)


@router.get("/udbakke", response_class=HTMLResponse)
def show_outbox(request: Request, hoering: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    who = require(request)
    if not isinstance(who, Principal):
        return who
    view = outbox_page(request.app.state.rt, hearing_id=hoering)
    return page(request, "udbakke.html", {"o": view, "who": who, "flash": request.session.pop("flash", None)},
                csrf_scope=csrf_scope(request))


@router.post("/udbakke/{message_id}/send-igen")
@console_action
def send_again(act: Acting, message_id: Id) -> Response:
    try:
        retry_message(act.rt, message_id, actor=act.who.actor)
    except NotFoundError:
        return page(act.request, "ikke_fundet.html", status_code=404)
    except RuleViolation:
        return act.said("/sekretariat/udbakke",
                        "Beskeden er ikke fejlet (den er sendt eller venter allerede); genindlæs siden.", "fejl")
    return act.said("/sekretariat/udbakke", f"Beskeden er lagt i udbakken igen og sendes nu (besked {message_id}).")
