"""A contact's personal answer link, from the hearing's page: revoke it (it opens nothing after)
or re-issue it (the old one is revoked and a new one is mailed at once) — ``hoering contact
revoke/reissue --hearing`` through the same service, audited with the person's name."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from hoering.errors import HoeringError, NotFoundError
from hoering.services.contacts import reissue_link, revoke_contact
from hoering.web.console_action import Acting, console_action
from hoering.web.console_actions import Field, danish, page_of
from hoering.web.paths import Id
from hoering.web.rendering import page
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute)


@router.post("/hoering/{hearing_id}/link/spaer")
@console_action
def revoke(act: Acting, hearing_id: Id, email: Field = None) -> Response:
    try:
        done = revoke_contact(act.rt, email or "", hearing_id=hearing_id, actor=act.who.actor)
    except NotFoundError as exc:
        if "ingen kontakt med adressen" not in str(exc):
            return page(act.request, "ikke_fundet.html", status_code=404)
        return act.said(page_of(hearing_id), f"Linket er ikke spærret: {danish(exc)}", "fejl")
    return act.said(page_of(hearing_id), f"Linket til {done.email} er spærret og kan ikke længere åbnes."
                    if done.links else f"{done.email} havde intet virkende link i høringen; intet er ændret.")


@router.post("/hoering/{hearing_id}/link/nyt")
@console_action
def reissue(act: Acting, hearing_id: Id, email: Field = None) -> Response:
    rt = act.rt
    try:
        reissue_link(rt, email or "", hearing_id=hearing_id, actor=act.who.actor)
    except NotFoundError as exc:
        if str(exc) == f"høring {hearing_id} findes ikke":
            return page(act.request, "ikke_fundet.html", status_code=404)
        return act.said(page_of(hearing_id), f"Der er ikke sendt et nyt link: {danish(exc)}", "fejl")
    except HoeringError as exc:
        return act.said(page_of(hearing_id), f"Der er ikke sendt et nyt link: {danish(exc)}", "fejl")
    return act.said(page_of(hearing_id), f"Et nyt link er lagt i udbakken til {(email or '').strip()}; "
                    "det gamle link virker ikke længere.")
