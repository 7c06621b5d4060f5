"""The secretariat's login on a cookie: ``hoering_session`` holds a server-side session's token.

Use from routes::

    session = current_session(request)          # LoginSession | None (looked up once per request)
    log_in(request, response, user_id=None, method="password", actor="…")  # a new session id
    log_out(request, response)                   # always ends the session, whatever the form
    scope = session_scope(session)               # the CSRF scope of forms inside the session

The CSRF field of a logged-in form is bound to the session (its scope names the session's id),
so a form from an ended session, or from another login, is refused.
"""

from __future__ import annotations

from fastapi import Request, Response

from hoering.services.web_sessions import LoginSession, end_session, find_session, start_session
from hoering.web.rendering import client_address

SESSION_COOKIE = "hoering_session"
_UNSET = object()


def current_session(request: Request) -> LoginSession | None:
    cached = getattr(request.state, "login_session", _UNSET)
    if cached is _UNSET:
        cached = find_session(request.app.state.rt, request.cookies.get(SESSION_COOKIE))
        request.state.login_session = cached
    return cached  # type: ignore[return-value]


def session_scope(session: LoginSession) -> str:
    return f"sekretariat:{session.id}"


def log_in(request: Request, response: Response, *, user_id: int | None = None, method: str = "password",
           role: str | None = None, actor: str = "sekretariatet") -> None:
    """A new session (a new id: the old one, if any, ends) at every sign-in and every change of
    what the session may do (a second factor added, a role from the provider)."""
    rt = request.app.state.rt
    end_session(rt, request.cookies.get(SESSION_COOKIE))  # never keep a session across logins
    for cached in ("login_session", "principal"):  # the old session no longer answers for this request
        if hasattr(request.state, cached):
            delattr(request.state, cached)
    token = start_session(rt, user_id=user_id, address=client_address(request), method=method,
                          role=role, actor=actor)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(rt.settings.session_hours * 3600),
                        httponly=True, samesite="lax", secure=request.app.state.secure_cookies,
                        path="/")


def log_out(request: Request, response: Response) -> None:
    end_session(request.app.state.rt, request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE, path="/")
