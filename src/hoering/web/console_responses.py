"""The secretariat's response to a kommune's answer ("sekretariatets bemærkning"), from the
hearing's page: how the answer is met and why, as the høringsnotat prints it — ``hoering hearing
respond`` through the same service (every version kept, the latest stands; open or closed
hearing), audited with the person's name."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hoering.errors import HoeringError
from hoering.services.responses import respond as record_response
from hoering.services.users import Principal
from hoering.web.console_actions import Field, back, danish, flash, guard
from hoering.web.hearing_page import Refused, render
from hoering.web.paths import Id
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute)


@router.post("/hoering/{hearing_id}/bemaerkning")
def respond(request: Request, hearing_id: Id, csrf: Field = None, kommune: Field = None,
            stance: Field = None, text: Field = None, subject: Field = None, summary: Field = None) -> Response:
    actor = guard(request, csrf)
    if not isinstance(actor, Principal):
        return actor
    code = (kommune or "").strip()
    try:
        done = record_response(request.app.state.rt, hearing_id, kommune=code, stance=stance or "",
                               text=text or "", subject=subject, summary=summary, actor=actor.actor)
    except HoeringError as exc:  # an unknown hearing: render's 404
        return render(request, hearing_id, refused=Refused(
            f"bemaerk-{code}", f"Bemærkningen er ikke gemt: {danish(exc)}",
            {"stance": stance, "text": text, "subject": subject, "summary": summary}))
    again = f" (version {done.version})" if done.version > 1 else ""
    flash(request, f"Sekretariatets bemærkning er gemt{again}; den står i høringsnotatet.")
    return back(hearing_id)
