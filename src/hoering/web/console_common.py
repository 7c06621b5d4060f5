"""The console's form fields read as text or as an upload, the one-shot flash message shown on
the next page, and the 303 to it (the checks before an action: ``console_action``)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData, UploadFile


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
