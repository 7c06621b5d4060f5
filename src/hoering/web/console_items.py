"""``/sekretariat/punkt/{id}``: an agenda item in the console. Raise one on a meeting's page,
edit its texts, add bilag (files in the document store), order the agenda, route it
(FU → the meeting, or a tillægsdagsorden once the agenda is sent), send it back to the raiser
with a note, let FU decide under delegated competence, postpone it; and its page with the
case's whole journey ("sagens gang", from ``items.show_item`` as ``hoering item show``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from hoering.errors import DefinitionError, RuleViolation
from hoering.services import agenda_builder
from hoering.services.item_returns import send_back
from hoering.services.items import (
    add_item,
    correct_decision,
    decide_item,
    edit_item,
    postpone_item,
    route_item,
    show_item,
)
from hoering.services.meetings import meeting_items
from hoering.services.supplement import add_to_supplement
from hoering.services.users import Principal
from hoering.web.console_action import Acting, console_action
from hoering.web.console_auth import csrf_scope, require
from hoering.web.console_common import see, take_flash, text, upload
from hoering.web.console_meetings import meeting_context
from hoering.web.item_text import MOVE_LABELS, item_definition
from hoering.web.meeting_errors import danish
from hoering.web.paths import Id
from hoering.web.rendering import page
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute, prefix="/sekretariat", include_in_schema=False)
SAGSBESKRIVELSE = ("baggrund", "sagsfremstilling", "oekonomi")


def _back(form: FormData, item_id: int, anchor: str = "") -> str:
    """Back to the meeting the form came from (``moede``), else to the item's page."""
    meeting = text(form, "moede")
    if meeting.isdigit():
        return f"/sekretariat/moede/{int(meeting)}{anchor or f'#punkt-{item_id}'}"
    return f"/sekretariat/punkt/{item_id}"


@router.post("/moede/{meeting_id}/punkter", response_class=HTMLResponse)
@console_action
async def raise_item(act: Acting, meeting_id: Id) -> Response:
    """A new case (state «rejst»); it goes to FU and onto an agenda from the list of waiting cases."""
    rt = act.rt
    values = {k: act.text(k) for k in ("title", "kind", "raised_by", "resume", "indstillinger",
                                         *SAGSBESKRIVELSE, "bilag_title", "delegation")}
    definition, errors = item_definition(values)
    file = upload(act.form, "bilag_file")
    if file is not None and not values["bilag_title"]:
        errors["bilag_title"] = "Skriv bilagets titel."
    if definition is not None and not errors:
        try:
            item_id = add_item(rt, definition, source="konsol", actor=act.who.actor)
        except (RuleViolation, DefinitionError) as exc:
            errors["title"] = danish(str(exc)).replace("brug --again for at rejse det igen", "ret titlen")
        else:
            message = f"Sagen «{definition.title}» er rejst (punkt-id {item_id}). Send den til FU nedenfor."
            if values["bilag_title"]:
                try:
                    agenda_builder.add_bilag(rt, item_id, title=values["bilag_title"],
                                             filename=file.filename if file else None,
                                             content=await file.read() if file else None, actor=act.who.actor)
                except RuleViolation as exc:
                    message += f" Bilaget er ikke tilføjet: {exc}"
            return act.said(f"/sekretariat/moede/{meeting_id}#ventende", message)
    ctx = meeting_context(act.request, act.who, meeting_id, item_errors=errors, item=values)
    return page(act.request, "moede.html", ctx, status_code=400, csrf_scope=csrf_scope(act.request))


@router.get("/punkt/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: Id) -> Response:
    who = require(request)
    if not isinstance(who, Principal):
        return who
    item = show_item(request.app.state.rt, item_id)
    ctx: dict[str, Any] = {"who": who, "i": item, "flash": take_flash(request), "labels": MOVE_LABELS,
                           "indstillinger": "\n".join(item["indstillinger"])}  # type: ignore[arg-type]
    return page(request, "moede_punkt.html", ctx, csrf_scope=csrf_scope(request))


@router.post("/punkt/{item_id}/ret")
@console_action
async def edit(act: Acting, item_id: Id) -> Response:
    lines = [line.strip() for line in act.text("indstillinger").splitlines() if line.strip()]
    try:
        edit_item(act.rt, item_id, title=act.text("title"), resume=act.text("resume"),
                  indstillinger=lines, sagsbeskrivelse={k: act.text(k) for k in SAGSBESKRIVELSE},
                  actor=act.who.actor)
    except (RuleViolation, ValidationError) as exc:
        return act.said(f"/sekretariat/punkt/{item_id}", f"Ikke gemt: {danish(str(exc))}", "fejl")
    return act.said(f"/sekretariat/punkt/{item_id}", "Punktet er rettet.")


@router.post("/punkt/{item_id}/bilag")
@console_action
async def bilag(act: Acting, item_id: Id) -> Response:
    file = upload(act.form, "file")
    try:
        agenda_builder.add_bilag(act.rt, item_id, title=act.text("title"),
                                 filename=file.filename if file else None,
                                 content=await file.read() if file else None, actor=act.who.actor)
    except RuleViolation as exc:
        return act.said(_back(act.form, item_id), f"Bilaget er ikke tilføjet: {danish(str(exc))}", "fejl")
    return act.said(_back(act.form, item_id), "Bilaget er tilføjet." if file else
                 "Bilaget er tilføjet uden fil; husk filen, før dagsordenen sendes.")


@router.post("/bilag/{bilag_id}/fil")
@console_action
async def bilag_file(act: Acting, bilag_id: Id) -> Response:
    file = upload(act.form, "file")
    item_id = int(act.text("punkt")) if act.text("punkt").isdigit() else 0
    try:
        if file is None:
            raise RuleViolation("Vælg en fil.")
        agenda_builder.attach_file(act.rt, bilag_id, filename=file.filename or "bilag",
                                   content=await file.read(), actor=act.who.actor)
    except RuleViolation as exc:
        return act.said(_back(act.form, item_id), f"Filen er ikke gemt: {danish(str(exc))}", "fejl")
    return act.said(_back(act.form, item_id), "Filen er gemt på bilaget.")


@router.post("/punkt/{item_id}/flyt")
@console_action
async def reorder(act: Acting, item_id: Id) -> Response:
    try:
        agenda_builder.move_on_agenda(act.rt, item_id, up=act.text("retning") == "op",
                                      actor=act.who.actor)
    except RuleViolation as exc:
        return act.said(_back(act.form, item_id), danish(str(exc)), "fejl")
    return see(_back(act.form, item_id))


@router.post("/punkt/{item_id}/rut")
@console_action
async def route(act: Acting, item_id: Id) -> Response:
    """``til``: ``fu`` (FU prepares it), ``moede`` (onto the agenda of ``moede``), ``tillaeg``
    (onto the sent agenda of ``moede`` as a tillægsdagsorden)."""
    rt = act.rt
    to, meeting = act.text("til"), act.text("moede")
    try:
        if to == "fu":
            route_item(rt, item_id, to="fu", actor=act.who.actor)
            message = "Sagen er sendt til FU."
        elif to in ("moede", "tillaeg") and meeting.isdigit():
            if to == "tillaeg":
                queued = add_to_supplement(rt, item_id, int(meeting), actor=act.who.actor)
                message = f"Sagen er sat på en tillægsdagsorden, lagt i udbakken til {queued} modtager(e)."
            else:
                body = meeting_items(rt, int(meeting))["body"]
                route_item(rt, item_id, to=body, meeting_id=int(meeting), actor=act.who.actor)
                message = "Sagen er sat på dagsordenen."
        else:
            raise RuleViolation("Vælg, hvor sagen skal hen.")
    except RuleViolation as exc:
        return act.said(_back(act.form, item_id), f"Sagen er ikke flyttet: {danish(str(exc))}", "fejl")
    return act.said(_back(act.form, item_id), message)


@router.post("/punkt/{item_id}/retur")
@console_action
async def return_item(act: Acting, item_id: Id) -> Response:
    rt = act.rt
    try:
        told = send_back(rt, item_id, note=act.text("note"), actor=act.who.actor)
    except RuleViolation as exc:
        return act.said(_back(act.form, item_id, "#ventende"), f"Sagen er ikke sendt retur: {danish(str(exc))}",
                     "fejl")
    return act.said(_back(act.form, item_id, "#ventende"), f"Sagen er sendt retur; {told} person(er) får "
                 "besked pr. mail med bemærkningen.")


@router.post("/punkt/{item_id}/fu-beslutning")
@console_action
async def fu_decides(act: Acting, item_id: Id) -> Response:
    try:
        decide_item(act.rt, item_id, outcome=act.text("outcome"), text=act.text("text"),
                    actor=act.who.actor)
    except RuleViolation as exc:
        return act.said(_back(act.form, item_id, "#ventende"), f"Ikke besluttet: {danish(str(exc))}", "fejl")
    return act.said(_back(act.form, item_id, "#ventende"), "FU's beslutning under delegeret kompetence er gemt.")


@router.post("/punkt/{item_id}/udsaet")
@console_action
async def postpone(act: Acting, item_id: Id) -> Response:
    try:
        postpone_item(act.rt, item_id, reason=act.text("reason") or None, actor=act.who.actor)
    except RuleViolation as exc:
        return act.said(_back(act.form, item_id), f"Ikke udsat: {danish(str(exc))}", "fejl")
    return act.said(_back(act.form, item_id), "Punktet er flyttet til næste møde.")


@router.post("/punkt/{item_id}/ret-beslutning")
@console_action
async def correct(act: Acting, item_id: Id) -> Response:
    """A decision changed after the chair approved the minutes: a correction, with its reason,
    kept and shown in the minutes as such."""
    try:
        correct_decision(act.rt, item_id, text=act.text("text"), reason=act.text("reason") or None,
                         actor=act.who.actor)
    except RuleViolation as exc:
        return act.said(_back(act.form, item_id), f"Ikke rettet: {danish(str(exc))}", "fejl")
    return act.said(_back(act.form, item_id), "Beslutningen er rettet; rettelsen står i referatet.")
