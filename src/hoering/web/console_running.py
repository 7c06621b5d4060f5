"""Running a hearing from its page: record an answer received by phone, letter or mail (with the
files it came with); extend or reopen with a reason; close, with a reason if given; download the
høringsnotat and the exports.

Each action calls the same service as the CLI (``record_answer``, ``change_deadline``,
``close_hearing``, ``write_notat``, ``export_hearing``), so the rules and their refusals are the
CLI's; a refusal comes back as a Danish message on the hearing's page, and the audit log names
the person. The other forms of the page have their own modules (``console_links``,
``console_responses``, ``console_inbox``); their routes are served through this module's router.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from hoering.db.lookup import get_hearing
from hoering.domain.calendar import COPENHAGEN
from hoering.domain.labels import OUTCOME, label
from hoering.errors import FileRefused, HearingClosedError, HoeringError, NotFoundError, RuleViolation
from hoering.services.answers import record_answer
from hoering.services.hearing_reports import export_hearing, write_notat
from hoering.services.hearings import change_deadline, close_hearing
from hoering.services.users import Principal
from hoering.web import console_inbox, console_links, console_responses
from hoering.web.console_action import Acting, console_action
from hoering.web.console_actions import Field, back, danish, page_of
from hoering.web.console_auth import require
from hoering.web.console_common import flash
from hoering.web.hearing_page import RECEIVED, Refused, render
from hoering.web.paths import Id
from hoering.web.rendering import page
from hoering.web.text_route import TextRoute
from hoering.web.uploads import Uploads, read_uploads

router = APIRouter(route_class=TextRoute, prefix="/sekretariat", include_in_schema=False)
DOWNLOADS = {"notat.docx": ("notat", "docx"), "notat.pdf": ("notat", "pdf"), "svar.csv": ("export", "csv"),
             "svar.xlsx": ("export", "xlsx"), "svar.json": ("export", "json")}
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "json": "application/json"}


@router.post("/hoering/{hearing_id}/svar")
@console_action
def record(act: Acting, hearing_id: Id, kommune: Field = None,
           option: Field = None, text: Field = None, comment: Field = None, received: Field = None,
           who: Field = None, files: Annotated[Uploads, Form()] = None) -> Response:
    """An answer the secretariat received by phone, letter or mail, with its files (checked as
    on the answer page: type by content, size; a refused file records nothing)."""
    rt = act.rt
    entered = {"kommune": kommune, "option": option, "text": text, "comment": comment,
               "received": received, "who": who}

    def refuse(message: str) -> Response:
        return render(act.request, hearing_id, refused=Refused("registrer", message, entered))

    given, problems = read_uploads(rt, files)
    if problems:
        return refuse("Svaret er ikke registreret: " + " ".join(problems) + " Vælg filerne igen.")
    channel, how = RECEIVED.get(received or "", RECEIVED["telefon"])
    answered_by = f"{(who or '').strip() or 'ukendt'} ({how}, registreret af {act.who.name})"
    try:
        done = record_answer(rt, hearing_id, kommune=kommune or "", option=option or None,
                             text=text, comment=comment, channel=channel, answered_by=answered_by[:200],
                             files=given, actor=act.who.actor)
    except HearingClosedError:
        return refuse("Svaret er ikke registreret: høringen er afsluttet. Genåbn den først.")
    except (NotFoundError, RuleViolation, FileRefused) as exc:  # an unknown hearing: render's 404
        return refuse(f"Svaret er ikke registreret: {danish(exc)}")
    late = " Svaret er kommet efter fristen og er markeret som for sent." if done.late else ""
    attached = f" med {len(given)} fil{'er' if len(given) != 1 else ''}" if given else ""
    return act.said(page_of(hearing_id), f"Svaret er registreret{attached} (version {done.version}).{late}")


@router.post("/hoering/{hearing_id}/frist")
@console_action
def deadline(act: Acting, hearing_id: Id, date: Field = None,
             clock: Field = None, reason: Field = None) -> Response:
    """Extend an open hearing, or reopen a closed one, with a reason (mailed to the kommuner)."""
    rt = act.rt
    try:
        new = datetime.combine(datetime.fromisoformat(date or "").date(),
                               time.fromisoformat(clock or "12:00"), tzinfo=COPENHAGEN)
    except ValueError:
        return act.said(page_of(hearing_id), "Fristen er ikke ændret: skriv en dato og et klokkeslæt.", "fejl")
    try:
        with rt.db.read() as s:
            closed = get_hearing(s, hearing_id).status == "closed"
        change_deadline(rt, hearing_id, deadline=new, reason=reason or "", reopen=closed, actor=act.who.actor)
    except NotFoundError:
        return page(act.request, "ikke_fundet.html", status_code=404)
    except HoeringError as exc:
        return act.said(page_of(hearing_id), f"Fristen er ikke ændret: {danish(exc)}", "fejl")
    return act.said(page_of(hearing_id), ("Høringen er genåbnet" if closed else "Fristen er forlænget")
                    + ", og kommunerne får besked.")


@router.post("/hoering/{hearing_id}/luk")
@console_action
def close(act: Acting, hearing_id: Id, force: Field = None,
          reason: Field = None) -> Response:
    """Close with the CLI's rule (before the deadline only when every kommune has answered, or
    forced: «Luk alligevel»), with a reason if given (kept in the audit log, shown in the page's
    log)."""
    try:
        closed = close_hearing(act.rt, hearing_id, force=force == "ja", actor=act.who.actor,
                               reason=reason)
    except NotFoundError:
        return page(act.request, "ikke_fundet.html", status_code=404)
    except HoeringError as exc:
        return act.said(page_of(hearing_id), f"Høringen er ikke lukket: {danish(exc)}", "fejl")
    outcome = label(OUTCOME, closed.outcome, empty="intet udfald")
    return act.said(page_of(hearing_id), f"Høringen er afsluttet, og resultatet er lagt i udbakken. Udfald: {outcome}.")


@router.get("/hoering/{hearing_id}/hent/{name}")
def download(request: Request, hearing_id: Id, name: str) -> Response:
    who = require(request)
    if not isinstance(who, Principal):
        return who
    if name not in DOWNLOADS:
        return page(request, "ikke_fundet.html", status_code=404)
    what, fmt = DOWNLOADS[name]
    rt = request.app.state.rt
    try:
        data = write_notat(rt, hearing_id, fmt) if what == "notat" else export_hearing(rt, hearing_id, fmt)
    except NotFoundError:
        return page(request, "ikke_fundet.html", status_code=404)
    except HoeringError as exc:
        flash(request, f"Kan ikke hentes: {danish(exc)}", "fejl")
        return back(hearing_id)
    filename = f"hoering-{hearing_id}-{name}"
    return Response(data, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


for _part in (console_links, console_responses, console_inbox):
    router.include_router(_part.router)
