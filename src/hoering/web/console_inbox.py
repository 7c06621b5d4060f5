"""The inbox's review queue for one hearing, on the hearing's page: one click per message —
"Registrér som <svarmulighed>" records the reply as the kommune's answer (channel mail), and
"Ignorér" takes it out of the queue with a reason — ``hoering inbox record/ignore`` through the
same services, audited with the person's name."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hoering.errors import HearingClosedError, HoeringError
from hoering.services.inbox_review import ignore_message, list_messages, record_reviewed
from hoering.web.console_action import Acting, console_action
from hoering.web.console_actions import Field, danish, page_of
from hoering.web.hearing_page import Refused, render
from hoering.web.paths import Id
from hoering.web.rendering import page
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute)
IGNORED = "Ikke et høringssvar"  # the reason when none is typed


@router.post("/hoering/{hearing_id}/indbakke/{message_id}/registrer")
@console_action
def record(act: Acting, hearing_id: Id, message_id: Id, option: Field = None,
           kommune: Field = None) -> Response:
    if not _of_hearing(act.request, hearing_id, message_id):
        return page(act.request, "ikke_fundet.html", status_code=404)
    try:
        record_reviewed(act.rt, message_id, option=option or None, hearing_id=hearing_id,
                        kommune=(kommune or "").strip() or None, actor=act.who.actor)
    except HearingClosedError:
        return _refused(act.request, hearing_id, message_id,
                        "høringen er afsluttet. Genåbn den først, hvis svaret skal tælle.", kommune)
    except HoeringError as exc:
        return _refused(act.request, hearing_id, message_id, danish(exc), kommune)
    return act.said(page_of(hearing_id), "Mailen er registreret som kommunens svar.")


@router.post("/hoering/{hearing_id}/indbakke/{message_id}/ignorer")
@console_action
def ignore(act: Acting, hearing_id: Id, message_id: Id, reason: Field = None) -> Response:
    if not _of_hearing(act.request, hearing_id, message_id):
        return page(act.request, "ikke_fundet.html", status_code=404)
    try:
        ignore_message(act.rt, message_id, reason=(reason or "").strip() or IGNORED,
                       actor=act.who.actor)
    except HoeringError as exc:
        return _refused(act.request, hearing_id, message_id, danish(exc), None)
    return act.said(page_of(hearing_id), "Mailen er taget ud af køen uden at blive registreret.")


def _of_hearing(request: Request, hearing_id: int, message_id: int) -> bool:
    """Only a message matched to this hearing is worked from its page (the others: ``hoering inbox``)."""
    return any(e.id == message_id for e in list_messages(request.app.state.rt, hearing_id=hearing_id, limit=10_000))


def _refused(request: Request, hearing_id: int, message_id: int, why: str, kommune: str | None) -> Response:
    return render(request, hearing_id, refused=Refused(f"indbakke-{message_id}", f"Mailen er ikke behandlet: {why}",
                                                       {"kommune": kommune}))
