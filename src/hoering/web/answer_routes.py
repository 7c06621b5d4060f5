"""``/svar/{token}``: a kommune's contact answers through the personal link from the mail.

Unknown, malformed and revoked links get the same plain 404 page and count as a failed guess
for the client's address; too many failures and the address gets 429 for a while. A valid link
is always served (``security.GuessLimits`` says why).
"""

from __future__ import annotations

import functools

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from hoering.danish import format_time_left
from hoering.db.document_queries import answer_file_of_recipient, bilag_by_number
from hoering.db.lookup import find_token as find_token_row
from hoering.docstore import document_bytes
from hoering.errors import FileRefused, HearingClosedError, NotFoundError, OtherHearing, RuleViolation, UnknownLink
from hoering.services.answers import (
    MAX_COMMENT,
    MAX_TEXT,
    fill_receipts_of,
    record_answer_by_token,
)
from hoering.views.answer_page import AnswerPage, answer_page
from hoering.web.answer_form import AnswerFields, answer_fields
from hoering.web.downloads import file_response
from hoering.web.paths import Id
from hoering.web.rendering import csrf_ok, page, unknown_link
from hoering.web.security import answer_scope
from hoering.web.text_route import TextRoute
from hoering.web.uploads import read_uploads, upload_help

router = APIRouter(route_class=TextRoute, include_in_schema=False)


def not_found(request: Request) -> HTMLResponse:
    return page(request, "ikke_fundet.html", status_code=404)


def _lookup(request: Request, token: str) -> AnswerPage | HTMLResponse:
    """The page of a valid link, always; an unknown link counts against the address's budget of
    link guesses (404, then 429 once it is spent)."""
    found = answer_page(request.app.state.rt, token)
    return found if found is not None else _refused(request)


async def _lookup_on_loop(request: Request, token: str) -> AnswerPage | HTMLResponse:
    """:func:`_lookup` for the ``async`` pages: the read runs on the loop, the failed guess (a
    write, which on SQLite may wait for another process's lock) in the thread pool."""
    found = answer_page(request.app.state.rt, token, held=request.app.state.loop_reader)
    return found if found is not None else await run_in_threadpool(_refused, request)


def _refused(request: Request) -> HTMLResponse:
    """An unknown link: counted against the address's budget of guesses (404, then 429)."""
    return unknown_link(request)


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
        "link": f"/svar/{token}", **upload_help(request.app.state.rt),
    }
    return page(request, "svar.html", context, status_code=status_code,
                csrf_scope=answer_scope(token))


# The two pages a link opens are ``async``: their read (two indexed statements) and render run on
# the event loop itself. As sync endpoints they ran in uvicorn's thread pool, where eight requests
# at once queued for the GIL behind each other at every database call: same throughput, but a p99
# of 49 ms against 8 ms on SQLite, 139 ms against 16 ms on PostgreSQL (measured with 8
# concurrent clients on the app itself). The POST records in a thread (``answer_lane``): on SQLite
# it may wait for another process's write lock, and the loop must never wait for that.
@router.get("/svar/{token}", response_class=HTMLResponse)
async def show_answer_page(request: Request, token: str) -> Response:
    view = await _lookup_on_loop(request, token)
    if isinstance(view, Response):
        return view
    if view.state == "closed":
        return page(request, "lukket.html", {"v": view})
    return _answer_form(request, token, view)


@router.post("/svar/{token}", response_class=HTMLResponse)
async def submit_answer(request: Request, token: str) -> Response:
    """The answers of this process are recorded one at a time, in arrival order, by one thread
    (:func:`answer_lane`): they take the hearing's lock in turn anyway, and eight request threads
    queuing for the lock and for the GIL at every database call stretched each one's turn and
    let some wait through many turns (the POST's p99). The form is parsed here, on the
    loop (``answer_form`` says why not by FastAPI's ``Form()``), and its files closed after."""
    async with request.form() as form:
        fields = answer_fields(form)
        if fields is None:
            return not_found(request)
        return await anyio.to_thread.run_sync(
            functools.partial(_submit_answer, request, token, fields), limiter=answer_lane(request))


def answer_lane(request: Request) -> anyio.CapacityLimiter:
    """The one-thread lane the app's answers are recorded in (made on first use, on the loop)."""
    lane = getattr(request.app.state, "answer_lane", None)
    if lane is None:
        lane = request.app.state.answer_lane = anyio.CapacityLimiter(1)
    return lane


def _submit_answer(request: Request, token: str, fields: AnswerFields) -> Response:
    """The answer is recorded straight away (the service finds the link, checks the hearing and
    takes the lock once); the page's view is built only to show an error (a POST used
    to build it, check the link twice and render the receipt under the lock)."""
    csrf, hearing, option, text, comment = fields.csrf, fields.hearing, fields.option, fields.text, fields.comment

    def form(status_code: int, error: str, chosen: str | None = option) -> Response:
        view = _lookup(request, token)
        if isinstance(view, Response):
            return view
        if hearing != str(view.hearing_id):
            return _other_hearing(request)
        if view.state == "closed":
            return page(request, "lukket.html", {"v": view}, status_code=409)
        return _answer_form(request, token, view, status_code=status_code, error=error, chosen=chosen,
                            text=text, comment=comment)

    if not csrf_ok(request, csrf, answer_scope(token)):
        view = _lookup(request, token)  # an unknown link is a 404 (and a guess), whatever the form
        if isinstance(view, Response):
            return view
        return page(request, "fejl.html", {"title": "Formularen er udløbet",
                                           "message": "Siden var for gammel eller blev sendt fra et "
                                           "andet sted. Åbn linket fra mailen igen, og send svaret "
                                           "på ny."}, status_code=400)
    if not (hearing or "").isdigit():
        return form(400, "")
    rt = request.app.state.rt
    keep_ids = [int(k) for k in fields.keep if k.isdigit()]
    given, problems = read_uploads(rt, fields.files, keeping=len(keep_ids))
    if problems:
        return form(422, "Svaret er ikke gemt: " + " ".join(problems) + " Vælg filerne igen.")
    try:
        recorded = record_answer_by_token(rt, token, option=option or None, text=text, comment=comment,
                                          channel="web", files=given, keep_files=keep_ids,
                                          expect_hearing=int(hearing or 0), fill_receipts=False,
                                          held=request.app.state.answer_connection)
    except UnknownLink:
        return form(404, "")  # revoked since the page was shown: 404 like any unknown link
    except OtherHearing:
        return _other_hearing(request)
    except HearingClosedError:
        return form(409, "")
    except NotFoundError:
        return form(422, "Vælg et af svarene.", chosen="")
    except FileRefused as exc:
        return form(422, f"Svaret er ikke gemt: {exc.message}")
    except RuleViolation:
        view = _lookup(request, token)
        return view if isinstance(view, Response) else form(422, _problem(view, text, comment))
    # the receipt mail (templates, CSS inlined: 20-50 ms) is rendered after the redirect has gone
    # out, outside the answer lane, so no answer waits for another one's receipt
    return RedirectResponse(f"/svar/{token}/kvittering", status_code=303,
                            background=BackgroundTask(fill_receipts_of, rt, recorded) if recorded.receipts else None)


def _other_hearing(request: Request) -> HTMLResponse:
    return page(request, "fejl.html", {"title": "Formularen hører til en anden høring",
                                       "message": "Svaret er ikke gemt. Åbn linket fra mailen "
                                       "om den høring, du vil svare på."}, status_code=400)


def _problem(view: AnswerPage, text: str | None, comment: str | None) -> str:
    if comment and len(comment.strip()) > MAX_COMMENT:
        return f"Bemærkningen må højst være {MAX_COMMENT} tegn."
    if view.kind == "submission" and not (text or "").strip():
        return "Skriv jeres bidrag i tekstfeltet, eller vedlæg et dokument."
    if view.kind == "submission":
        return f"Bidraget må højst være {MAX_TEXT} tegn."
    return "Svaret kunne ikke gemmes. Prøv igen."


@router.get("/svar/{token}/kvittering", response_class=HTMLResponse)
async def show_receipt(request: Request, token: str) -> Response:
    view = await _lookup_on_loop(request, token)
    if isinstance(view, Response):
        return view
    if view.latest is None:
        return RedirectResponse(f"/svar/{token}", status_code=303)
    return page(request, "kvittering.html", {"v": view, "a": view.latest, "back": f"/svar/{token}",
                                             "link": f"/svar/{token}"})


@router.get("/svar/{token}/bilag/{number}")
def download_bilag(request: Request, token: str, number: Id) -> Response:
    """A hearing's bilag, for a holder of one of its answer links."""
    view = _lookup(request, token)
    if isinstance(view, Response):
        return view
    with request.app.state.rt.db.read() as s:
        row = bilag_by_number(s, view.hearing_id, number)
        if row is None:
            return not_found(request)
        return file_response(document_bytes(s, row.document_id), filename=row.filename,
                             mime_type=row.document.mime_type)


@router.get("/svar/{token}/fil/{file_id}")
def download_own_file(request: Request, token: str, file_id: Id) -> Response:
    """A file of the link's own kommune's answers (any version); other kommuners' files are 404."""
    view = _lookup(request, token)
    if isinstance(view, Response):
        return view
    with request.app.state.rt.db.read() as s:
        row = find_token_row(s, token)
        if row is None:
            return not_found(request)
        found = answer_file_of_recipient(s, row.recipient_id, file_id)
        if found is None:
            return not_found(request)
        return file_response(document_bytes(s, found.document_id), filename=found.filename,
                             mime_type=found.document.mime_type)
