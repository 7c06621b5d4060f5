"""``/sekretariat``: the secretariat's overview, behind a password (a server-side session).

Read-only here except for "send a reminder now"; the hearing page's other actions (record an
answer, extend, reopen, close, links, responses, the inbox's queue) are in ``console_running``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hoering.db.document_queries import answer_file_of_hearing, bilag_by_number
from hoering.docstore import document_bytes
from hoering.errors import NotFoundError, RuleViolation
from hoering.passwords import verify_password
from hoering.services.attention import attention
from hoering.services.confirmations import reminders_now
from hoering.services.reminders import remind_now
from hoering.services.users import BOOTSTRAP, authenticate, bootstrap_open
from hoering.services.web_sessions import end_all_sessions, sign_in_failed
from hoering.views.hearings import overview
from hoering.web import hearing_page, oidc
from hoering.web.confirm import ask, confirmed
from hoering.web.console_auth import csrf_scope, principal
from hoering.web.downloads import file_response
from hoering.web.paths import Id
from hoering.web.rendering import client_address, csrf_ok, page
from hoering.web.security import SECRETARIAT_SCOPE
from hoering.web.sessions import current_session, log_out
from hoering.web.sign_in import after_password
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute, prefix="/sekretariat", include_in_schema=False)
ACTOR = "sekretariatet (web)"
ADMIN_ACCOUNT = "admin"  # the bootstrap administrator's account name in the login budgets
Field = Annotated[str | None, Form()]
# Ids outside a database integer (PostgreSQL refused them: HTTP 500) are a 404 like any unknown id.


def logged_in(request: Request) -> bool:
    return principal(request) is not None


def _scope(request: Request) -> str:
    return csrf_scope(request)


def _actor(request: Request) -> str:
    who = principal(request)
    return who.actor if who is not None else ACTOR


def _to_login() -> RedirectResponse:
    return RedirectResponse("/sekretariat/login", status_code=303)


def _flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = [kind, message]


def _take_flash(request: Request) -> list[str] | None:
    return request.session.pop("flash", None)


def _login_context(request: Request, error: str | None, email: str = "") -> dict[str, object]:
    rt = request.app.state.rt
    return {"configured": bool(rt.settings.admin_password_hash), "bootstrap": bootstrap_open(rt),
            "error": error, "email": email, "local": rt.settings.local_login,
            "oidc": bool(rt.settings.oidc_issuer)}


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return page(request, "login.html", _login_context(request, None), csrf_scope=SECRETARIAT_SCOPE)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, password: Field = None, csrf: Field = None, email: Field = None) -> Response:
    """E-mail and password of an account; while no account exists, the shared password."""
    limits = request.app.state.limits
    address = client_address(request)
    rt = request.app.state.rt
    if not rt.settings.local_login:  # HOERING_LOCAL_LOGIN=false: only the identity provider
        return page(request, "login.html", _login_context(request, "Log ind med din organisations konto."),
                    status_code=403, csrf_scope=SECRETARIAT_SCOPE)
    bootstrap = bootstrap_open(rt)
    account = ADMIN_ACCOUNT if bootstrap else (email or "").strip().lower()
    if not limits.login_allowed(address, account):
        return page(request, "for_mange.html", {"login": True}, status_code=429)
    if not csrf_ok(request, csrf, SECRETARIAT_SCOPE):
        return page(request, "login.html", _login_context(request, "Formularen var udløbet. Prøv igen.",
                                                          email or ""),
                    status_code=400, csrf_scope=SECRETARIAT_SCOPE)
    if bootstrap:
        who = BOOTSTRAP if verify_password(password or "", rt.settings.admin_password_hash) else None
    else:
        who = authenticate(rt, email or "", password or "")
    if who is None:
        limits.login_failed(address, account)
        sign_in_failed(rt, account=account, address=address, reason="password")
        message = "Forkert adgangskode." if bootstrap else "Forkert e-mail eller adgangskode."
        return page(request, "login.html", _login_context(request, message, email or ""),
                    status_code=401, csrf_scope=SECRETARIAT_SCOPE)
    return after_password(request, who)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Ends the session whatever the form carries: a stale page's logout button still logs out
    (a forged cross-site logout cannot carry the SameSite=Lax cookie). A session of the identity
    provider goes on to the provider's sign-out, where it offers one."""
    id_token = request.session.get(oidc.ID_TOKEN)
    request.session.clear()
    response = await oidc.provider_logout(request, id_token) or _to_login()
    await run_in_threadpool(log_out, request, response)
    return response


@router.post("/logout-everywhere")
def logout_everywhere(request: Request, csrf: Field = None) -> Response:
    """Ends every session of the logged-in principal, on every browser."""
    refused = _guard(request, csrf)
    if refused:
        return refused
    session = current_session(request)
    assert session is not None
    end_all_sessions(request.app.state.rt, user_id=session.user_id, actor=_actor(request))
    request.session.clear()
    response = _to_login()
    log_out(request, response)
    return response


@router.get("", response_class=HTMLResponse)
def show_overview(request: Request) -> Response:
    if not logged_in(request):
        return _to_login()
    rows = overview(request.app.state.rt)
    return page(request, "oversigt.html", {"rows": rows, "todo": attention(request.app.state.rt),
                                           "flash": _take_flash(request),
                                           "who": principal(request)},
                csrf_scope=_scope(request))


@router.get("/hoering/{hearing_id}", response_class=HTMLResponse)
def show_hearing(request: Request, hearing_id: Id) -> Response:
    if not logged_in(request):
        return _to_login()
    return hearing_page.render(request, hearing_id)


@router.get("/hoering/{hearing_id}/fil/{file_id}")
def download_answer_file(request: Request, hearing_id: Id, file_id: Id) -> Response:
    """A file a kommune answered with (any version)."""
    if not logged_in(request):
        return _to_login()
    with request.app.state.rt.db.read() as s:
        found = answer_file_of_hearing(s, hearing_id, file_id)
        if found is None:
            return page(request, "ikke_fundet.html", status_code=404)
        return file_response(document_bytes(s, found.document_id), filename=found.filename,
                             mime_type=found.document.mime_type)


@router.get("/hoering/{hearing_id}/bilag/{number}")
def download_bilag(request: Request, hearing_id: Id, number: Id) -> Response:
    if not logged_in(request):
        return _to_login()
    with request.app.state.rt.db.read() as s:
        found = bilag_by_number(s, hearing_id, number)
        if found is None:
            return page(request, "ikke_fundet.html", status_code=404)
        return file_response(document_bytes(s, found.document_id), filename=found.filename,
                             mime_type=found.document.mime_type)


def _guard(request: Request, csrf: str | None) -> Response | None:
    who = principal(request)
    if who is None:
        return _to_login()
    if not who.can_act:
        return page(request, "fejl.html", {"title": "Ikke tilladt",
                                           "message": "Din rolle giver kun adgang til at læse."},
                    status_code=403)
    if not csrf_ok(request, csrf, _scope(request)):
        return page(request, "fejl.html", {"title": "Formularen er udløbet",
                                           "message": "Genindlæs siden og prøv igen."}, status_code=400)
    return None


@router.post("/hoering/{hearing_id}/paamind")
def remind(request: Request, hearing_id: Id, csrf: Field = None, click: Field = None,
           bekraeft: Field = None) -> Response:
    refused = _guard(request, csrf)
    if refused:
        return refused
    if not confirmed({"bekraeft": bekraeft}):
        try:
            recipients = reminders_now(request.app.state.rt, hearing_id)
        except NotFoundError:
            return RedirectResponse("/sekretariat", status_code=303)
        return ask(request, title="Send påmindelse nu?", action=f"/sekretariat/hoering/{hearing_id}/paamind",
                   yes="Ja, send", back=f"/sekretariat/hoering/{hearing_id}", recipients=recipients,
                   fields={"click": click or ""},
                   what="Hver kontakt i de kommuner, der ikke har svaret, får en påmindelse med sit svarlink.")
    try:
        queued = remind_now(request.app.state.rt, hearing_id, actor=_actor(request),
                            request_id=(click or "").strip() or None)
    except NotFoundError:
        return RedirectResponse("/sekretariat", status_code=303)
    except RuleViolation:
        _flash(request, "Der kan kun sendes påmindelser i en åben høring før fristen.", "fejl")
    else:
        _flash(request, f"Påmindelse lagt i udbakken til {queued} modtager(e)." if queued else
               "Ingen ny påmindelse: alle har svaret, eller påmindelsen er allerede sendt.")
    return RedirectResponse(f"/sekretariat/hoering/{hearing_id}", status_code=303)
