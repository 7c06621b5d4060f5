"""``/sekretariat/moeder`` and ``/sekretariat/moede/{id}``: the meetings of FU, DAS and KKR,
planning one, and per meeting its agenda from builder to approved minutes.

Every action is a form that works without JavaScript and calls the service the CLI uses
(``agenda_builder``, ``meeting_changes``, ``meetings``, ``items``); a refusal comes back as a
Danish message at the top of the page (``meeting_errors``). Mails go through the outbox, sent
right after the response. Items have their own routes (``console_items``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from hoering.domain.meetings import FollowupDef
from hoering.errors import HoeringError, NotAllowedError, RuleViolation
from hoering.services import agenda_builder
from hoering.services.confirmations import agenda_recipients
from hoering.services.cycle import run_steps_due_for
from hoering.services.documents import document_view, render_document
from hoering.services.items import decide_item
from hoering.services.meeting_changes import cancel_meeting, move_meeting
from hoering.services.meeting_page import meeting_page
from hoering.services.meetings import list_meetings, record_attendance
from hoering.services.minutes_approval import approve_as_chair
from hoering.services.users import Principal
from hoering.web.confirm import ask, confirmed
from hoering.web.console_action import Acting, console_action
from hoering.web.console_auth import csrf_scope, require
from hoering.web.console_common import take_flash, text
from hoering.web.downloads import file_response
from hoering.web.meeting_errors import danish
from hoering.web.paths import Id
from hoering.web.rendering import page
from hoering.web.text_route import TextRoute

router = APIRouter(route_class=TextRoute, prefix="/sekretariat", include_in_schema=False)
BODIES = (("fu", "FU"), ("das", "DAS"), ("kkr", "KKR"))
DOCUMENTS = {"dagsorden": "agenda", "referat": "minutes"}
FORMATS = {"pdf", "docx"}


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value.replace(".", ":"))
    except ValueError:
        return None


#: how many meetings of each body the list shows (the latest, coming ones included)
MEETINGS_SHOWN = 40


def _list_page(request: Request, who: Principal, *, errors: dict[str, str] | None = None,
               values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    rt = request.app.state.rt
    groups = []
    for key, label in BODIES:  # the latest meetings of each body, not ten years of them
        rows = list_meetings(rt, body=key, latest=MEETINGS_SHOWN + 1)
        groups.append((key, label, rows[-MEETINGS_SHOWN:], len(rows) > MEETINGS_SHOWN))
    ctx = {"who": who, "groups": groups, "bodies": BODIES, "errors": errors or {},
           "v": values or {"body": "das", "start": "13:00", "end": "16:00"}, "flash": take_flash(request)}
    return page(request, "moeder.html", ctx, status_code=status_code, csrf_scope=csrf_scope(request))


@router.get("/moeder", response_class=HTMLResponse)
def meetings(request: Request) -> Response:
    who = require(request)
    return who if not isinstance(who, Principal) else _list_page(request, who)


@router.post("/moeder", response_class=HTMLResponse)
@console_action
async def plan(act: Acting) -> Response:
    values = {k: act.text(k) for k in ("body", "date", "start", "end", "place")}
    errors: dict[str, str] = {}
    if values["body"] not in dict(BODIES):
        errors["body"] = "Vælg FU, DAS eller KKR."
    day = parse_date(values["date"])
    if day is None:
        errors["date"] = "Skriv en dato, f.eks. 2026-12-14."
    start, end = parse_time(values["start"]), parse_time(values["end"])
    if start is None:
        errors["start"] = "Skriv et klokkeslæt, f.eks. 13:00."
    if end is None:
        errors["end"] = "Skriv et klokkeslæt, f.eks. 16:00."
    if not errors:
        assert day is not None and start is not None and end is not None
        try:
            meeting_id = agenda_builder.plan_meeting(act.rt, body=values["body"], day=day, start=start,
                                                     end=end, place=values["place"], actor=act.who.actor)
        except RuleViolation as exc:
            errors["date" if "passeret" in str(exc) or "allerede" in str(exc) else "end"] = danish(str(exc))
        else:
            return act.said(f"/sekretariat/moede/{meeting_id}",
                            "Mødet er planlagt, og standardpunkterne er sat på dagsordenen.")
    return _list_page(act.request, act.who, errors=errors, values=values, status_code=400)


def meeting_context(request: Request, who: Principal, meeting_id: int, **extra: Any) -> dict[str, Any]:
    rt = request.app.state.rt
    return {"who": who, "m": meeting_page(rt, meeting_id), "flash": take_flash(request),
            "item_errors": {}, "item": {"kind": "beslutning", "raised_by": "sekretariatet"}, **extra}


@router.get("/moede/{meeting_id}", response_class=HTMLResponse)
def meeting(request: Request, meeting_id: Id) -> Response:
    who = require(request)
    if not isinstance(who, Principal):
        return who
    return page(request, "moede.html", meeting_context(request, who, meeting_id), csrf_scope=csrf_scope(request))


def _done(act: Acting, meeting_id: int, message: str, anchor: str = "") -> Response:
    return act.said(f"/sekretariat/moede/{meeting_id}{anchor}", message)


def _refused(act: Acting, meeting_id: int, exc: HoeringError, anchor: str = "") -> Response:
    return act.said(f"/sekretariat/moede/{meeting_id}{anchor}", danish(str(exc)), "fejl")


@router.post("/moede/{meeting_id}/send")
@console_action
async def send_agenda(act: Acting, meeting_id: Id) -> Response:
    rt = act.rt
    if not confirmed(act.form):
        return ask(act.request, title="Send dagsordenen?", action=f"/sekretariat/moede/{meeting_id}/send",
                   yes="Ja, send", back=f"/sekretariat/moede/{meeting_id}#send",
                   recipients=agenda_recipients(rt, meeting_id), fields={"uden_filer": act.text("uden_filer")},
                   what="Hvert medlem får dagsordenen med PDF, bilag og mødeindkaldelse. Derefter er den "
                        "låst; nye sager kommer på en tillægsdagsorden.")
    try:
        queued = agenda_builder.send_agenda(rt, meeting_id, missing_files_ok=act.text("uden_filer") == "ja",
                                            actor=act.who.actor)
    except RuleViolation as exc:
        return _refused(act, meeting_id, exc, "#send")
    return _done(act, meeting_id, f"Dagsordenen er lagt i udbakken til {queued} modtager(e) med PDF og "
                 "mødeindkaldelse. Den er nu låst; nye punkter kommer på en tillægsdagsorden.")


@router.post("/moede/{meeting_id}/flyt")
@console_action
async def move(act: Acting, meeting_id: Id) -> Response:
    day = parse_date(act.text("date"))
    start, end = parse_time(act.text("start")), parse_time(act.text("end"))
    if day is None or start is None or end is None:
        return act.said(f"/sekretariat/moede/{meeting_id}#flyt",
                        "Mødet er ikke flyttet: skriv dato (ÅÅÅÅ-MM-DD) og klokkeslæt (TT:MM).", "fejl")
    rt = act.rt
    try:
        queued = move_meeting(rt, meeting_id, day=day, start=start, end=end, place=act.text("place") or None,
                              reason=act.text("reason"), actor=act.who.actor)
    except RuleViolation as exc:
        return _refused(act, meeting_id, exc, "#flyt")
    return _done(act, meeting_id, f"Mødet er flyttet. {queued} inviteret(e) får en opdateret mødeindkaldelse.")


@router.post("/moede/{meeting_id}/aflys")
@console_action
async def cancel(act: Acting, meeting_id: Id) -> Response:
    rt = act.rt
    try:
        queued = cancel_meeting(rt, meeting_id, reason=act.text("reason"), actor=act.who.actor)
    except RuleViolation as exc:
        return _refused(act, meeting_id, exc, "#aflys")
    return _done(act, meeting_id, f"Mødet er aflyst. {queued} inviteret(e) får en aflysning; "
                 "mødets sager er sendt tilbage til FU.")


@router.post("/moede/{meeting_id}/fremmoede")
@console_action
async def attendance(act: Acting, meeting_id: Id) -> Response:
    rt = act.rt
    m = meeting_page(rt, meeting_id)
    lists: dict[str, list[str]] = {"deltager": [], "afbud": []}
    for person in m.members:
        status = act.text(f"person_{person.id}")
        if status in lists:
            lists[status].append(person.name)
    for status, field in (("deltager", "andre_deltagere"), ("afbud", "andre_afbud")):
        lists[status] += [line.strip() for line in act.text(field).splitlines() if line.strip()]
    try:
        record_attendance(rt, meeting_id, deltagere=lists["deltager"], afbud=lists["afbud"],
                          correction=act.text("rettelse") or None, actor=act.who.actor)
    except RuleViolation as exc:
        return _refused(act, meeting_id, exc, "#fremmoede")
    return _done(act, meeting_id, f"Fremmødet er gemt: {len(lists['deltager'])} deltagere, "
                 f"{len(lists['afbud'])} afbud.", "#fremmoede")


@router.post("/moede/{meeting_id}/beslutninger")
@console_action
async def decisions(act: Acting, meeting_id: Id) -> Response:
    """Every item given an outcome in the form is decided (``udsat``: moved to the next meeting)."""
    rt = act.rt
    m = meeting_page(rt, meeting_id)
    done, problems = 0, []
    for row in m.agenda:
        outcome = act.text(f"outcome_{row.id}")
        if not outcome or row.state == "besluttet":
            continue
        try:
            decide_item(rt, row.id, outcome=outcome, text=act.text(f"text_{row.id}"),
                        followups=_followups(act.form, row.id), actor=act.who.actor)
            done += 1
        except (RuleViolation, KeyError) as exc:
            problems.append(f"Punkt {row.number} «{row.title}»: {danish(str(exc))}")
    back = f"/sekretariat/moede/{meeting_id}#beslutninger"
    if problems:
        return act.said(back, f"{done} beslutning(er) gemt. Ikke gemt: " + " ".join(problems), "fejl")
    return act.said(back, f"{done} beslutning(er) gemt." if done else "Vælg et udfald for mindst ét punkt.",
                    "ok" if done else "fejl")


def _followups(form: FormData, item_id: int) -> list[FollowupDef]:
    """The decision's follow-up, if the form gives one: what, who (the registry decides who that
    is, in ``decide_item``) and a date, or the next meeting."""
    what, who, due = (text(form, f"fu_{k}_{item_id}") for k in ("what", "who", "due"))
    if not what and not who:
        return []
    if not what or not who:
        raise RuleViolation("En opfølgning skal have både hvad og en ansvarlig.")
    day = parse_date(due) if due else None
    if due and day is None:
        raise RuleViolation("Opfølgningens frist skal være en dato.")
    return [FollowupDef(what=what, who=who, due=day or "naeste_moede")]


@router.post("/moede/{meeting_id}/udkast")
@console_action
async def minutes_draft(act: Acting, meeting_id: Id) -> Response:
    rt = act.rt
    try:
        agenda_builder.send_minutes_draft(rt, meeting_id, actor=act.who.actor)
    except RuleViolation as exc:
        return _refused(act, meeting_id, exc, "#referat")
    return _done(act, meeting_id, "Udkastet til referat er lagt i udbakken til formanden med et personligt "
                 "link til godkendelse.", "#referat")


@router.post("/moede/{meeting_id}/godkend")
@console_action(role="formand")
async def approve(act: Acting, meeting_id: Id) -> Response:
    """The ``formand`` role approves the minutes in the console: the chair of the meeting's body."""
    try:
        approve_as_chair(act.rt, meeting_id, email=act.who.email, name=act.who.name)
    except NotAllowedError as exc:
        return page(act.request, "fejl.html", {"title": "Ikke tilladt", "message": str(exc)}, status_code=403)
    except RuleViolation as exc:
        return _refused(act, meeting_id, exc, "#referat")
    queued = run_steps_due_for(act.rt, meeting_id)
    return _done(act, meeting_id, "Referatet er godkendt" + (
        f" og lagt i udbakken til {queued} modtager(e)." if queued else
        ". Det sendes til medlemmerne, når mødecyklussen når dertil."), "#referat")


@router.get("/moede/{meeting_id}/{name}.{fmt}")
def download(request: Request, meeting_id: Id, name: str, fmt: str) -> Response:
    who = require(request)
    if not isinstance(who, Principal):
        return who
    if name not in DOCUMENTS or fmt not in FORMATS:
        return page(request, "ikke_fundet.html", status_code=404)
    view = document_view(request.app.state.rt, meeting_id, DOCUMENTS[name])  # type: ignore[arg-type]
    mime = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return file_response(render_document(view, fmt),  # type: ignore[arg-type]
                         filename=f"{view['title']} {view['body']['name']} {view['date_da']}.{fmt}", mime_type=mime)
