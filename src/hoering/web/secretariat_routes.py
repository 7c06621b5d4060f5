"""``/sekretariat``: the secretariat's overview, behind a password (signed session cookie).

Read-only except for two actions on an open hearing: send a reminder now, and close it (with
the CLI's rule: before the deadline only when every kommune has answered, or when forced).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hoering.errors import NotFoundError, RuleViolation
from hoering.services.hearings import close_hearing
from hoering.services.reminders import remind_now
from hoering.web.rendering import client_address, csrf_ok, page
from hoering.web.secretariat_view import hearing_detail, overview
from hoering.web.security import SECRETARIAT_SCOPE, verify_password

router = APIRouter(prefix="/sekretariat", include_in_schema=False)
ACTOR = "sekretariatet (web)"
Field = Annotated[str | None, Form()]


def logged_in(request: Request) -> bool:
    return request.session.get("admin") is True


def _to_login() -> RedirectResponse:
    return RedirectResponse("/sekretariat/login", status_code=303)


def _flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = [kind, message]


def _take_flash(request: Request) -> list[str] | None:
    return request.session.pop("flash", None)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    configured = bool(request.app.state.rt.settings.admin_password_hash)
    return page(request, "login.html", {"configured": configured, "error": None},
                csrf_scope=SECRETARIAT_SCOPE)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, password: Field = None, csrf: Field = None) -> Response:
    limiter = request.app.state.failures
    address = client_address(request)
    configured = bool(request.app.state.rt.settings.admin_password_hash)
    if limiter.blocked(address):
        return page(request, "for_mange.html", status_code=429)
    if not csrf_ok(request, csrf, SECRETARIAT_SCOPE):
        return page(request, "login.html", {"configured": configured,
                                            "error": "Formularen var udløbet. Prøv igen."},
                    status_code=400, csrf_scope=SECRETARIAT_SCOPE)
    if not verify_password(password or "", request.app.state.rt.settings.admin_password_hash):
        limiter.fail(address)
        return page(request, "login.html", {"configured": configured,
                                            "error": "Forkert adgangskode."},
                    status_code=401, csrf_scope=SECRETARIAT_SCOPE)
    request.session.clear()
    request.session["admin"] = True
    return RedirectResponse("/sekretariat", status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Field = None) -> Response:
    if csrf_ok(request, csrf, SECRETARIAT_SCOPE):
        request.session.clear()
    return _to_login()


@router.get("", response_class=HTMLResponse)
def show_overview(request: Request) -> Response:
    if not logged_in(request):
        return _to_login()
    rows = overview(request.app.state.rt)
    return page(request, "oversigt.html", {"rows": rows, "flash": _take_flash(request)},
                csrf_scope=SECRETARIAT_SCOPE)


@router.get("/hoering/{hearing_id}", response_class=HTMLResponse)
def show_hearing(request: Request, hearing_id: int) -> Response:
    if not logged_in(request):
        return _to_login()
    try:
        detail = hearing_detail(request.app.state.rt, hearing_id)
    except NotFoundError:
        return page(request, "fejl.html", {"title": "Høringen findes ikke",
                                           "message": f"Der er ingen høring med nummer {hearing_id}."},
                    status_code=404)
    return page(request, "hoering.html", {"h": detail, "flash": _take_flash(request),
                                          "click": secrets.token_hex(8)},
                csrf_scope=SECRETARIAT_SCOPE)


def _guard(request: Request, csrf: str | None) -> Response | None:
    if not logged_in(request):
        return _to_login()
    if not csrf_ok(request, csrf, SECRETARIAT_SCOPE):
        return page(request, "fejl.html", {"title": "Formularen er udløbet",
                                           "message": "Genindlæs siden og prøv igen."}, status_code=400)
    return None


@router.post("/hoering/{hearing_id}/paamind")
def remind(request: Request, hearing_id: int, csrf: Field = None, click: Field = None) -> Response:
    refused = _guard(request, csrf)
    if refused:
        return refused
    try:
        queued = remind_now(request.app.state.rt, hearing_id, actor=ACTOR,
                            request_id=(click or "").strip() or None)
    except NotFoundError:
        return RedirectResponse("/sekretariat", status_code=303)
    except RuleViolation:
        _flash(request, "Der kan kun sendes påmindelser i en åben høring før fristen.", "fejl")
    else:
        _flash(request, f"Påmindelse lagt i udbakken til {queued} modtager(e)." if queued else
               "Ingen ny påmindelse: alle har svaret, eller påmindelsen er allerede sendt.")
    return RedirectResponse(f"/sekretariat/hoering/{hearing_id}", status_code=303)


@router.post("/hoering/{hearing_id}/luk")
def close(request: Request, hearing_id: int, csrf: Field = None, force: Field = None) -> Response:
    refused = _guard(request, csrf)
    if refused:
        return refused
    try:
        close_hearing(request.app.state.rt, hearing_id, force=force == "ja", actor=ACTOR)
    except NotFoundError:
        return RedirectResponse("/sekretariat", status_code=303)
    except RuleViolation:
        _flash(request, "Høringen er ikke lukket: før fristen kan den kun lukkes, når alle har "
               "svaret, eller hvis du sætter hak i «Luk alligevel». (En afsluttet høring kan ikke "
               "lukkes igen.)", "fejl")
    else:
        _flash(request, "Høringen er afsluttet, og resultatet er lagt i udbakken.")
    return RedirectResponse(f"/sekretariat/hoering/{hearing_id}", status_code=303)
