"""``/svar/{token}``: a kommune's contact answers through the personal link from the mail.

Unknown, malformed and revoked links get the same plain 404 page and count as a failed guess
for the client's address; too many failures and the address gets 429 for a while.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hoering.danish import format_time_left
from hoering.errors import HearingClosedError, NotFoundError, RuleViolation
from hoering.services.answers import MAX_COMMENT, MAX_TEXT, record_answer_by_token
from hoering.web.answer_view import AnswerPage, answer_page
from hoering.web.rendering import client_address, csrf_ok, page
from hoering.web.security import answer_scope

router = APIRouter(include_in_schema=False)

OptionalField = Annotated[str | None, Form()]


def not_found(request: Request) -> HTMLResponse:
    return page(request, "ikke_fundet.html", status_code=404)


def _lookup(request: Request, token: str) -> AnswerPage | HTMLResponse:
    limiter = request.app.state.failures
    address = client_address(request)
    if limiter.blocked(address):
        return page(request, "for_mange.html", status_code=429)
    found = answer_page(request.app.state.rt, token)
    if found is None:
        limiter.fail(address)
        return not_found(request)
    return found


def _answer_form(request: Request, token: str, view: AnswerPage, *, status_code: int = 200,
                 error: str | None = None, chosen: str | None = None, text: str | None = None,
                 comment: str | None = None) -> HTMLResponse:
    latest = view.latest
    context = {
        "v": view, "error": error,
        "time_left": format_time_left(view.deadline, request.app.state.rt.now()),
        "chosen": chosen if chosen is not None else (latest.option if latest else None),
        "text": text if text is not None else (latest.text if latest else ""),
        "comment": comment if comment is not None else (latest.comment if latest else ""),
        "max_comment": MAX_COMMENT, "max_text": MAX_TEXT, "action": f"/svar/{token}",
    }
    return page(request, "svar.html", context, status_code=status_code,
                csrf_scope=answer_scope(token))


@router.get("/svar/{token}", response_class=HTMLResponse)
def show_answer_page(request: Request, token: str) -> Response:
    view = _lookup(request, token)
    if isinstance(view, Response):
        return view
    if view.state == "closed":
        return page(request, "lukket.html", {"v": view})
    return _answer_form(request, token, view)


@router.post("/svar/{token}", response_class=HTMLResponse)
def submit_answer(
    request: Request, token: str, csrf: OptionalField = None, hearing: OptionalField = None,
    option: OptionalField = None, text: OptionalField = None, comment: OptionalField = None,
) -> Response:
    view = _lookup(request, token)
    if isinstance(view, Response):
        return view
    if not csrf_ok(request, csrf, answer_scope(token)):
        return page(request, "fejl.html", {"title": "Formularen er udløbet",
                                           "message": "Siden var for gammel eller blev sendt fra et "
                                           "andet sted. Åbn linket fra mailen igen, og send svaret "
                                           "på ny."}, status_code=400)
    if hearing != str(view.hearing_id):
        return page(request, "fejl.html", {"title": "Formularen hører til en anden høring",
                                           "message": "Svaret er ikke gemt. Åbn linket fra mailen "
                                           "om den høring, du vil svare på."}, status_code=400)
    if view.state == "closed":
        return page(request, "lukket.html", {"v": view}, status_code=409)
    rt = request.app.state.rt
    try:
        record_answer_by_token(rt, token, option=option or None, text=text, comment=comment,
                               channel="web")
    except HearingClosedError:
        return page(request, "lukket.html", {"v": answer_page(rt, token) or view}, status_code=409)
    except NotFoundError:
        return _answer_form(request, token, view, status_code=422, error="Vælg et af svarene.",
                            chosen="", text=text, comment=comment)
    except RuleViolation:
        return _answer_form(request, token, view, status_code=422, error=_problem(view, text, comment),
                            chosen=option, text=text, comment=comment)
    return RedirectResponse(f"/svar/{token}/kvittering", status_code=303)


def _problem(view: AnswerPage, text: str | None, comment: str | None) -> str:
    if comment and len(comment.strip()) > MAX_COMMENT:
        return f"Bemærkningen må højst være {MAX_COMMENT} tegn."
    if view.kind == "submission" and not (text or "").strip():
        return "Skriv jeres bidrag i tekstfeltet."
    if view.kind == "submission":
        return f"Bidraget må højst være {MAX_TEXT} tegn."
    return "Svaret kunne ikke gemmes. Prøv igen."


@router.get("/svar/{token}/kvittering", response_class=HTMLResponse)
def show_receipt(request: Request, token: str) -> Response:
    view = _lookup(request, token)
    if isinstance(view, Response):
        return view
    if view.latest is None:
        return RedirectResponse(f"/svar/{token}", status_code=303)
    return page(request, "kvittering.html", {"v": view, "a": view.latest, "back": f"/svar/{token}"})
