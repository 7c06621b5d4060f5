"""A contact's personal answer link, from the hearing's page: revoke it (it opens nothing after)
or re-issue it (the old one is revoked and a new one is mailed at once) — ``hoering contact
revoke/reissue --hearing`` through the same service, audited with the person's name."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hoering.errors import HoeringError, NotFoundError
from hoering.services.contacts import reissue_link, revoke_contact
from hoering.services.users import Principal
from hoering.web.console_actions import Field, back, danish, flash, guard
from hoering.web.paths import Id
from hoering.web.rendering import page
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute)


@router.post("/hoering/{hearing_id}/link/spaer")
def revoke(request: Request, hearing_id: Id, csrf: Field = None, email: Field = None) -> Response:
    actor = guard(request, csrf)
    if not isinstance(actor, Principal):
        return actor
    try:
        done = revoke_contact(request.app.state.rt, email or "", hearing_id=hearing_id, actor=actor.actor)
    except NotFoundError as exc:
        if "ingen kontakt med adressen" not in str(exc):
            return page(request, "ikke_fundet.html", status_code=404)
        flash(request, f"Linket er ikke spærret: {danish(exc)}", "fejl")
    else:
        flash(request, f"Linket til {done.email} er spærret og kan ikke længere åbnes." if done.links else
              f"{done.email} havde intet virkende link i høringen; intet er ændret.")
    return back(hearing_id)


@router.post("/hoering/{hearing_id}/link/nyt")
def reissue(request: Request, hearing_id: Id, csrf: Field = None,
            email: Field = None) -> Response:
    actor = guard(request, csrf)
    if not isinstance(actor, Principal):
        return actor
    rt = request.app.state.rt
    try:
        reissue_link(rt, email or "", hearing_id=hearing_id, actor=actor.actor)
    except NotFoundError as exc:
        if str(exc) == f"høring {hearing_id} findes ikke":
            return page(request, "ikke_fundet.html", status_code=404)
        flash(request, f"Der er ikke sendt et nyt link: {danish(exc)}", "fejl")
    except HoeringError as exc:
        flash(request, f"Der er ikke sendt et nyt link: {danish(exc)}", "fejl")
    else:
        flash(request, f"Et nyt link er lagt i udbakken til {(email or '').strip()}; "
              "det gamle link virker ikke længere.")
    return back(hearing_id)
