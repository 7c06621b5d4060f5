"""Page rendering: the Jinja2 environment (autoescaped, Danish filters) and the CSRF cookie."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hoering import danish
from hoering.web.security import CSRF_COOKIE, CSRF_MAX_AGE, Csrf, client_ip

TEMPLATES = Path(__file__).parent / "templates"


def make_templates() -> Jinja2Templates:
    # auto_reload off: the templates ship with the code, so a page never stats its template files
    # (and their parents) again on each request (~1% of a GET)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, auto_reload=False)
    env.filters["dato"] = danish.format_date
    env.filters["tidspunkt"] = danish.format_datetime
    env.filters["frist"] = danish.format_deadline
    env.filters["beloeb"] = danish.format_amount
    env.globals["join_names"] = danish.join_names
    return Jinja2Templates(env=env)


def client_address(request: Request) -> str:
    """The client's address (``X-Forwarded-For`` only from ``HOERING_TRUSTED_PROXIES``)."""
    return client_ip(request.client.host if request.client else None,
                     request.headers.get("x-forwarded-for"), request.app.state.trusted_proxies)


def page(request: Request, name: str, context: dict[str, Any] | None = None, *,
         status_code: int = 200, csrf_scope: str | None = None) -> HTMLResponse:
    """Render ``name``; with ``csrf_scope`` the page gets a CSRF field (and the cookie, if new)."""
    state = request.app.state
    ctx = dict(context or {})
    new_nonce = None
    if csrf_scope is not None:
        csrf: Csrf = state.csrf
        nonce = request.cookies.get(CSRF_COOKIE) or None
        if nonce is None:
            nonce = new_nonce = csrf.new_nonce()
        ctx["csrf"] = csrf.field_for(nonce, csrf_scope)
    response = state.templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if new_nonce is not None:
        response.set_cookie(CSRF_COOKIE, new_nonce, max_age=CSRF_MAX_AGE, httponly=True,
                            samesite="lax", secure=state.secure_cookies, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


def csrf_ok(request: Request, field: str | None, scope: str) -> bool:
    csrf: Csrf = request.app.state.csrf
    return csrf.valid(field=field, cookie=request.cookies.get(CSRF_COOKIE), scope=scope)


def unknown_link(request: Request) -> HTMLResponse:
    """A personal link that opens nothing (an answer link, a chair's approval link): counted
    against the address's budget of link guesses (``security.GuessLimits``): 404, then 429 once it
    is spent. A valid link is never refused, whatever its address has guessed."""
    if not request.app.state.limits.link_guess_failed(client_address(request)):
        return page(request, "for_mange.html", status_code=429)
    return page(request, "ikke_fundet.html", status_code=404)
