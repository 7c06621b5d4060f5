"""The one shape of every acting console form: ``@console_action`` around a route.

Before the route runs, the wrapper reads the form and checks that someone is logged in (else the
login page), that they may act (the secretariat, or the role named: else a Danish 403), and the
form's CSRF field (else a Danish 400); the route then gets an :class:`Acting` — the request, the
form and the person — instead of a ``Principal | Response`` to test. ``act.said(url, message)``
is the flash message and the 303 after it. The wrapper runs after FastAPI has read the path, so a
malformed id is still the 404 page; a plain ``def`` route still runs in the thread pool. Mail is
not sent here: services put it in the outbox, which the web process's sender empties
(``web.outbox_pump``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_type_hints

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from hoering.services.users import Principal
from hoering.web.console_auth import csrf_scope, require
from hoering.web.console_common import flash, see, text
from hoering.web.rendering import csrf_ok, page


@dataclass(frozen=True)
class Acting:
    """Who acts, with the form they sent."""

    request: Request
    form: FormData
    who: Principal

    @property
    def rt(self) -> Any:
        return self.request.app.state.rt

    def text(self, name: str) -> str:
        return text(self.form, name)

    def said(self, url: str, message: str, kind: str = "ok") -> Response:
        """The message on the next page (``ok`` or ``fejl``) and the 303 to ``url``."""
        flash(self.request, message, kind)
        return see(url)


def refusal(request: Request, form: FormData, *, role: str | None = None) -> Principal | Response:
    """The person when they may act (the secretariat, or ``role``) and the form is good, else the
    response instead: the login page, 403, or 400 for a missing or stale CSRF field."""
    who = require(request, act=role is None)
    if not isinstance(who, Principal):
        return who
    if role is not None and who.role != role:
        return page(request, "fejl.html", {"title": "Ikke tilladt",
                                           "message": "Kun formanden kan godkende referatet."}, status_code=403)
    if not csrf_ok(request, text(form, "csrf"), csrf_scope(request)):
        return page(request, "fejl.html", {"title": "Formularen er udløbet",
                                           "message": "Genindlæs siden og prøv igen."}, status_code=400)
    return who


Route = Callable[..., Any]


def console_action(route: Route | None = None, *, role: str | None = None) -> Any:
    """Decorate a console POST route whose parameter ``act: Acting`` is given after the checks.

    FastAPI sees the route's other parameters (path ids, ``Form()`` fields) and ``request``."""
    if route is None:
        return lambda r: console_action(r, role=role)
    hints = get_type_hints(route, include_extras=True)
    params = [p.replace(annotation=hints.get(p.name, p.annotation))
              for p in inspect.signature(route).parameters.values() if p.name != "act"]
    own_request = any(p.name == "request" for p in params)
    if not own_request:
        params.insert(0, inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                           annotation=Request))
    is_async = inspect.iscoroutinefunction(route)

    @functools.wraps(route)
    async def run(**kwargs: Any) -> Any:
        request: Request = kwargs["request"] if own_request else kwargs.pop("request")
        form = await request.form()
        who = refusal(request, form, role=role)
        if not isinstance(who, Principal):
            return who
        act = Acting(request, form, who)
        if is_async:
            return await route(act=act, **kwargs)
        return await run_in_threadpool(functools.partial(route, act=act, **kwargs))

    run.__signature__ = inspect.Signature(params, return_annotation=hints.get("return", Any))  # type: ignore[attr-defined]
    return run
