"""``create_app(rt)``: the answer portal, the secretariat's overview and the API in one app.

Nothing is built at import time; ``hoering web`` (and the tests) call the factory with a Runtime.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from hoering.db.held import HeldConnection
from hoering.db.rate_limits import DatabaseStorage
from hoering.errors import NotFoundError
from hoering.runtime import Runtime, bootstrap
from hoering.web import (
    answer_routes,
    api,
    api_write,
    approval_routes,
    console_hearings,
    console_items,
    console_meetings,
    console_outbox,
    console_running,
    health_routes,
    oidc,
    secretariat_routes,
    sign_in,
)
from hoering.web.body_limit import BodyLimit, request_limit
from hoering.web.docs import add_docs
from hoering.web.headers import BoundaryHeaders
from hoering.web.outbox_pump import OutboxPump
from hoering.web.rendering import make_templates, page
from hoering.web.request_id import RequestId
from hoering.web.security import Csrf, GuessLimits, parse_networks
from hoering.web.text_route import TextRoute

STATIC = Path(__file__).parent / "static"
SESSION_HOURS = 8

def create_app(rt: Runtime, *, failure_limit: int = 20, failure_window: float = 600.0,
               sends_mail: bool = False) -> FastAPI:
    """The web app for ``rt``. ``failure_limit`` failed link guesses, and separately
    ``failure_limit`` failed logins, per client address within ``failure_window`` seconds (twice
    that per account), then 429 until the window passes (``security.GuessLimits``).
    ``sends_mail``: its lifespan runs the outbox pump (``web.outbox_pump``), as ``hoering web``
    does; tests that are not about sending leave the outbox to themselves."""
    app = FastAPI(
        title="hoering",
        summary="Mail hearings of Nordjysk Socialaftale: hearings, status and results.",
        version="1",
        docs_url=None,  # web/docs.py: served locally, under a CSP
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.router.route_class = TextRoute  # the app's own routes too: every request's text cleaned
    secret = rt.secret
    app.state.rt = rt
    app.state.templates = make_templates()
    # The accessibility statement, linked in every page's footer (base.html).
    app.state.templates.env.globals["accessibility_url"] = rt.settings.accessibility_url
    app.state.csrf = Csrf(secret)
    app.state.limits = GuessLimits.per_window(DatabaseStorage(rt.db), limit=failure_limit,
                                              window=failure_window)
    app.state.trusted_proxies = parse_networks(rt.settings.trusted_proxies)
    # The database connections the answer pages hold (no pool checkout, and on
    # PostgreSQL no pre-ping, per request; ``db.held`` says how a lost one is replaced): the event
    # loop's for the pages' reads, the answer lane's for recording answers. Each opens on first
    # use; ``_lifespan`` closes them.
    app.state.loop_reader = HeldConnection(rt.db, reading=True)
    app.state.answer_connection = HeldConnection(rt.db)
    app.state.outbox_pump = OutboxPump(rt) if sends_mail else None
    secure = rt.settings.portal_url.startswith("https://")
    app.state.secure_cookies = secure
    # innermost of the middlewares (its 413 gets the boundary's headers), before any body is read
    app.add_middleware(BodyLimit, max_bytes=request_limit(rt.settings))
    session_key = hmac.new(secret, b"hoering-session", hashlib.sha256).hexdigest()
    # The signed cookie carries only the one-shot flash message; the login itself is a
    # server-side session (web/sessions.py), so logout and expiry really end it.
    app.add_middleware(SessionMiddleware, secret_key=session_key, session_cookie="hoering_flash",
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=secure)

    app.add_middleware(BoundaryHeaders, https=secure,
                       providers=(rt.settings.oidc_issuer,) if rt.settings.oidc_issuer else ())
    app.add_middleware(RequestId)  # outermost: every log line of the request carries its id

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    add_docs(app)
    app.include_router(answer_routes.router)
    app.include_router(secretariat_routes.router)
    app.include_router(sign_in.router)
    app.include_router(oidc.router)
    app.include_router(console_hearings.router)
    app.include_router(console_running.router)
    app.include_router(console_meetings.router)
    app.include_router(console_items.router)
    app.include_router(console_outbox.router)
    app.include_router(approval_routes.router)
    app.include_router(api.router)
    app.include_router(api_write.router)
    app.include_router(health_routes.router)

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

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        """The one place a missing hearing (or other row) becomes a 404: JSON under /api/, the
        Danish page elsewhere. Routes just call the services and views."""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return page(request, "ikke_fundet.html", status_code=404)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            if any(error["loc"][:1] == ("path",) for error in exc.errors()):
                # an id out of range (web/paths.py) names no row: the same 404 as a missing one
                return JSONResponse({"detail": "not found"}, status_code=404)
            return await request_validation_exception_handler(request, exc)
        return page(request, "ikke_fundet.html", status_code=404)

    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    pump = app.state.outbox_pump
    if pump is not None:
        await pump.start()
    yield
    if pump is not None:
        await pump.stop()
    app.state.loop_reader.close()
    app.state.answer_connection.close()


def serving_app(rt: Runtime) -> FastAPI:
    """The app as ``hoering web`` serves it: every template compiled before the first request (no
    first visitor waits for it, no burst of requests compiles the same page at once), then the
    heap frozen (``gc.freeze``), so the collector's full passes no longer walk the long-lived
    objects of the libraries and the app (the answer page's p99)."""
    app = create_app(rt, sends_mail=rt.settings.web_sends_mail)
    env = app.state.templates.env
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    gc.collect()
    gc.freeze()
    return app


def app_from_environment() -> FastAPI:
    """The app for ``hoering web --workers N``: each uvicorn worker process calls this factory."""
    return serving_app(bootstrap())
