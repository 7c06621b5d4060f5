"""«Er du sikker?» once, before an action that mails people or cannot be taken back: the page
says what will happen (how many mails, to whom, grouped by kommune or body), and its «Ja» button
posts the same form again with ``bekraeft=ja``. Plain HTML (the CSP allows no inline script), so
it works the same with or without JavaScript, and nothing happens until «Ja» is pressed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import groupby

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from hoering.services.confirmations import Addressee
from hoering.web.console_auth import csrf_scope
from hoering.web.rendering import page

CONFIRMED = "ja"


def confirmed(form: FormData | Mapping[str, object]) -> bool:
    return form.get("bekraeft") == CONFIRMED


def ask(request: Request, *, title: str, what: str, action: str, yes: str, back: str,
        recipients: Sequence[Addressee] | None = None, fields: Mapping[str, str] | None = None,
        warning: str | None = None) -> Response:
    """The confirmation page. ``fields``: the form's own values, posted again with the answer."""
    groups = [(group, list(people)) for group, people in groupby(recipients or (), key=lambda a: a.group)]
    return page(request, "bekraeft.html", {
        "title": title, "what": what, "action": action, "yes": yes, "back": back, "warning": warning,
        "mails": len(recipients) if recipients is not None else None, "groups": groups,
        "fields": {k: v for k, v in (fields or {}).items() if k not in ("csrf", "bekraeft")},
    }, csrf_scope=csrf_scope(request))
