"""``create_app(rt)``: the answer portal, the secretariat's overview and the API in one app.

Nothing is built at import time; ``hoering web`` (and the tests) call the factory with a Runtime.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from hoering.runtime import Runtime
from hoering.web import answer_routes, api, secretariat_routes
from hoering.web.rendering import make_templates, page
from hoering.web.security import Csrf, FailureLimiter

STATIC = Path(__file__).parent / "static"
SESSION_HOURS = 8

SECURITY_HEADERS = {
    # The answer link carries the token in its path: never send it on as a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


def create_app(rt: Runtime, *, failure_limit: int = 20, failure_window: float = 600.0) -> FastAPI:
    """The web app for ``rt``. ``failure_limit`` failed guesses (unknown links, wrong passwords)
    per client address within ``failure_window`` seconds, then 429 until the window passes."""
    app = FastAPI(
        title="hoering",
        summary="Mail hearings of Nordjysk Socialaftale: hearings, status and results.",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    secret = rt.secret
    app.state.rt = rt
    app.state.templates = make_templates()
    app.state.csrf = Csrf(secret)
    app.state.failures = FailureLimiter(limit=failure_limit, window=failure_window)
    secure = rt.settings.portal_url.startswith("https://")
    app.state.secure_cookies = secure
    session_key = hmac.new(secret, b"hoering-session", hashlib.sha256).hexdigest()
    app.add_middleware(SessionMiddleware, secret_key=session_key, session_cookie="hoering_session",
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=secure)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(answer_routes.router)
    app.include_router(secretariat_routes.router)
    app.include_router(api.router)

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/sekretariat", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return await http_exception_handler(request, exc)
        if exc.status_code == 404:
            return page(request, "ikke_fundet.html", status_code=404)
        return page(request, "fejl.html", {"title": "Siden kan ikke vises",
                                           "message": "Prøv igen, eller kontakt sekretariatet."},
                    status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, exc)
        return page(request, "ikke_fundet.html", status_code=404)

    return app
