"""What every acting console route does first: who is it (``require``), may they act, is the
form's CSRF field good; and the one-shot flash message shown on the next page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from hoering.services.users import Principal
from hoering.web.console_auth import csrf_scope, require
from hoering.web.rendering import csrf_ok, page


def acting(request: Request, form: FormData, *, role: str | None = None) -> Principal | Response:
    """The principal when they may act (the secretariat, or ``role``) and the form is good."""
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


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = [kind, message]


def take_flash(request: Request) -> list[str] | None:
    return request.session.pop("flash", None)


def see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
