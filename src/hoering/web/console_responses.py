"""The secretariat's response to a kommune's answer ("sekretariatets bemærkning"), from the
hearing's page: how the answer is met and why, as the høringsnotat prints it — ``hoering hearing
respond`` through the same service (every version kept, the latest stands; open or closed
hearing), audited with the person's name."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from hoering.errors import HoeringError
from hoering.services.responses import respond as record_response
from hoering.web.console_action import Acting, console_action
from hoering.web.console_actions import Field, danish, page_of
from hoering.web.hearing_page import Refused, render
from hoering.web.paths import Id
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute)


@router.post("/hoering/{hearing_id}/bemaerkning")
@console_action
def respond(act: Acting, hearing_id: Id, kommune: Field = None,
            stance: Field = None, text: Field = None, subject: Field = None, summary: Field = None) -> Response:
    code = (kommune or "").strip()
    try:
        done = record_response(act.rt, hearing_id, kommune=code, stance=stance or "",
                               text=text or "", subject=subject, summary=summary, actor=act.who.actor)
    except HoeringError as exc:  # an unknown hearing: render's 404
        return render(act.request, hearing_id, refused=Refused(
            f"bemaerk-{code}", f"Bemærkningen er ikke gemt: {danish(exc)}",
            {"stance": stance, "text": text, "subject": subject, "summary": summary}))
    again = f" (version {done.version})" if done.version > 1 else ""
    return act.said(page_of(hearing_id), f"Sekretariatets bemærkning er gemt{again}; den står i høringsnotatet.")
