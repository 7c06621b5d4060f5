"""Who is logged in to the console, checked on every request.

``principal(request)`` is the person behind the server-side session (``hoering.web.sessions``;
looked up once per request, so a disabled account's session stops at its next request; a session
of the identity provider acts with the role its groups gave at sign-in; where a second factor is
required, a session without one is no principal), or the
bootstrap account while no account exists and the shared password was used (a session without a
user). ``require(request, act=True)`` guards every console page: a redirect to the login page,
or a Danish 403 page for a reader.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from hoering.services.second_factor import session_allowed
from hoering.services.users import BOOTSTRAP, Principal, active_user, bootstrap_open
from hoering.web.rendering import page
from hoering.web.security import SECRETARIAT_SCOPE
from hoering.web.sessions import current_session, session_scope

_UNSET = object()


def principal(request: Request) -> Principal | None:
    cached = getattr(request.state, "principal", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    rt = request.app.state.rt
    session = current_session(request)
    found: Principal | None = None
    if session is not None:
        if session.user_id is not None:
            found = active_user(rt, session.user_id)  # None once the account is disabled
            if found is not None and session.role is not None:
                found = replace(found, role=session.role)
            if found is not None and not session_allowed(rt.settings, found.role, session.method):
                found = None
        elif bootstrap_open(rt):
            found = BOOTSTRAP
    request.state.principal = found
    return found


def to_login() -> RedirectResponse:
    return RedirectResponse("/sekretariat/login", status_code=303)


def require(request: Request, *, act: bool = False) -> Principal | Response:
    """The principal, or the response to return instead (login redirect, or 403 for readers)."""
    who = principal(request)
    if who is None:
        return to_login()
    if act and not who.can_act:
        return page(request, "fejl.html", {"title": "Ikke tilladt",
                                           "message": "Din rolle giver kun adgang til at læse. "
                                                      "Kontakt sekretariatet."}, status_code=403)
    return who


def csrf_scope(request: Request) -> str:
    """The CSRF scope of the console's forms: bound to the session."""
    session = current_session(request)
    return session_scope(session) if session is not None else SECRETARIAT_SCOPE
