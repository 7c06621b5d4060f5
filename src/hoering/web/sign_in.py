"""The second step of a sign-in with a password, and enrolling a second factor (TOTP).

After a good password (``secretariat_routes.login`` calls :func:`after_password`):

* an account with a second factor goes to ``/sekretariat/login/kode`` (a code from the app, or a
  recovery code);
* a ``sekretariat`` account without one, where ``HOERING_REQUIRE_2FA`` is set, goes to
  ``/sekretariat/totrin`` and enrols before any console page;
* anyone else gets a session at once.

Until the second step is done there is no session: the password's success is held in the signed
``hoering_flash`` cookie for :data:`PENDING_SECONDS` (who, when), and only the code makes a
session (a new id, ``web.sessions.log_in``). Wrong codes count against the same budgets as wrong
passwords (``GuessLimits``) and are audited. From the console, a person enrols by choice at
``/sekretariat/totrin``; the session is then replaced by one that names the second factor.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hoering.services import second_factor
from hoering.services.users import Principal, active_user
from hoering.services.web_sessions import sign_in_failed
from hoering.web.console_auth import principal
from hoering.web.rendering import client_address, csrf_ok, page
from hoering.web.security import SECRETARIAT_SCOPE
from hoering.web.sessions import log_in
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute, prefix="/sekretariat", include_in_schema=False)
Field = Annotated[str | None, Form()]
PENDING = "pending_sign_in"
ENROL_SECRET = "totp_enrolment"
PENDING_SECONDS = 600


def after_password(request: Request, who: Principal) -> Response:
    """The response to a good password: the second step, enrolment, or a session."""
    rt = request.app.state.rt
    request.session.clear()
    if who.id is not None and second_factor.is_enrolled(rt, who.id):
        request.session[PENDING] = {"user": who.id, "at": time.time()}
        return RedirectResponse("/sekretariat/login/kode", status_code=303)
    if who.id is not None and second_factor.required(rt.settings, who.role):
        request.session[PENDING] = {"user": who.id, "at": time.time(), "enrol": True}
        return RedirectResponse("/sekretariat/totrin", status_code=303)
    response = RedirectResponse("/sekretariat", status_code=303)
    log_in(request, response, user_id=who.id, method="password" if who.id is not None else "bootstrap",
           actor=who.actor)
    return response


def _pending(request: Request, *, enrol: bool) -> Principal | None:
    """The account whose password was just right and that still owes its second step."""
    held = request.session.get(PENDING)
    if not isinstance(held, dict) or bool(held.get("enrol")) != enrol:
        return None
    if not isinstance(held.get("at"), (int, float)) or time.time() - held["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return active_user(request.app.state.rt, int(held["user"]))


def _expired(request: Request) -> Response:
    request.session.pop(PENDING, None)
    return RedirectResponse("/sekretariat/login", status_code=303)


@router.get("/login/kode", response_class=HTMLResponse)
def code_form(request: Request) -> Response:
    if _pending(request, enrol=False) is None:
        return _expired(request)
    return page(request, "login_kode.html", {"error": None}, csrf_scope=SECRETARIAT_SCOPE)


@router.post("/login/kode", response_class=HTMLResponse)
def code(request: Request, kode: Field = None, csrf: Field = None) -> Response:
    rt = request.app.state.rt
    who = _pending(request, enrol=False)
    if who is None or who.email is None or who.id is None:
        return _expired(request)
    limits, address = request.app.state.limits, client_address(request)
    if not limits.login_allowed(address, who.email):
        return page(request, "for_mange.html", {"login": True}, status_code=429)
    if not csrf_ok(request, csrf, SECRETARIAT_SCOPE):
        return page(request, "login_kode.html", {"error": "Formularen var udløbet. Prøv igen."},
                    status_code=400, csrf_scope=SECRETARIAT_SCOPE)
    method = second_factor.check_code(rt, who.id, kode or "")
    if method is None:
        limits.login_failed(address, who.email)
        sign_in_failed(rt, account=who.email, address=address, reason="second_factor")
        return page(request, "login_kode.html", {"error": "Koden er forkert eller allerede brugt."},
                    status_code=401, csrf_scope=SECRETARIAT_SCOPE)
    request.session.clear()
    if method == "recovery":
        left = second_factor.codes_left(rt, who.id)
        request.session["flash"] = ["fejl" if left < 3 else "ok",
                                    f"Du loggede ind med en gendannelseskode. Der er {left} tilbage."]
    response = RedirectResponse("/sekretariat", status_code=303)
    log_in(request, response, user_id=who.id, method=method, actor=who.actor)
    return response


def _enrolling(request: Request) -> tuple[Principal | None, bool]:
    """Who enrols: a pending sign-in (enrolment required) or the signed-in person (by choice)."""
    pending = _pending(request, enrol=True)
    if pending is not None:
        return pending, True
    who = principal(request)
    return (who if who is not None and who.id is not None else None), False


@router.get("/totrin", response_class=HTMLResponse)
def enrol_form(request: Request) -> Response:
    who, required = _enrolling(request)
    if who is None or who.id is None or who.email is None:
        return _expired(request)
    rt = request.app.state.rt
    if not required and second_factor.is_enrolled(rt, who.id):
        return page(request, "totrin.html", {"enrolled": True, "who": who,
                                             "left": second_factor.codes_left(rt, who.id)})
    secret = request.session.get(ENROL_SECRET) or second_factor.new_secret()
    request.session[ENROL_SECRET] = secret
    return _enrol_page(request, who, secret, required, None)


def _enrol_page(request: Request, who: Principal, secret: str, required: bool, error: str | None,
                status_code: int = 200) -> Response:
    uri = second_factor.provisioning_uri(secret, who.email or "")
    return page(request, "totrin.html", {"enrolled": False, "who": who, "required": required,
                                         "qr": second_factor.qr_svg(uri),
                                         "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                                         "error": error},
                status_code=status_code, csrf_scope=SECRETARIAT_SCOPE)


@router.post("/totrin", response_class=HTMLResponse)
def enrol(request: Request, kode: Field = None, csrf: Field = None) -> Response:
    rt = request.app.state.rt
    who, required = _enrolling(request)
    secret = request.session.get(ENROL_SECRET)
    if who is None or who.id is None or who.email is None or not isinstance(secret, str):
        return _expired(request)
    limits, address = request.app.state.limits, client_address(request)
    if not limits.login_allowed(address, who.email):
        return page(request, "for_mange.html", {"login": True}, status_code=429)
    if not csrf_ok(request, csrf, SECRETARIAT_SCOPE):
        return _enrol_page(request, who, secret, required, "Formularen var udløbet. Prøv igen.", 400)
    if not required and second_factor.is_enrolled(rt, who.id):
        return RedirectResponse("/sekretariat/totrin", status_code=303)
    codes = second_factor.enrol(rt, who.id, secret, kode or "", actor=who.actor)
    if codes is None:
        limits.login_failed(address, who.email)
        sign_in_failed(rt, account=who.email, address=address, reason="enrolment_code")
        return _enrol_page(request, who, secret, required,
                           "Koden passer ikke. Tjek at telefonens ur går rigtigt, og prøv igen.", 401)
    request.session.clear()
    response = page(request, "totrin_koder.html", {"codes": codes})
    # a new session, which names the second factor (the one before it, if any, ends)
    log_in(request, response, user_id=who.id, method="password+totp", actor=who.actor)
    return response
