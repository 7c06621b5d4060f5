"""Running a hearing from its page: record an answer received by phone, letter or mail; extend
or reopen with a reason; download the høringsnotat and the exports.

Each action calls the same service as the CLI (``record_answer``, ``change_deadline``,
``write_notat``, ``export_hearing``), so the rules and their refusals are the CLI's; a refusal
comes back as a Danish message on the hearing's page, and the audit log names the person.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hoering.db.lookup import get_hearing
from hoering.db.tallying import definition_of
from hoering.domain.calendar import COPENHAGEN
from hoering.errors import HearingClosedError, HoeringError, NotFoundError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.answers import record_answer
from hoering.services.hearing_reports import export_hearing, write_notat
from hoering.services.hearings import change_deadline
from hoering.services.users import Principal
from hoering.web.console_auth import csrf_scope, require
from hoering.web.rendering import csrf_ok, page

router = APIRouter(prefix="/sekretariat", include_in_schema=False)
Field = Annotated[str | None, Form()]
# how the answer came in -> (the answer's channel, the words added to "who")
RECEIVED = {"telefon": ("manual", "telefonisk"), "brev": ("manual", "pr. brev"), "mail": ("mail", "pr. mail")}
DOWNLOADS = {"notat.docx": ("notat", "docx"), "notat.pdf": ("notat", "pdf"), "svar.csv": ("export", "csv"),
             "svar.xlsx": ("export", "xlsx"), "svar.json": ("export", "json")}
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "json": "application/json"}


def running_context(rt: Runtime, hearing_id: int) -> dict[str, Any]:
    """What the hearing page's forms offer: the answer options and the kind."""
    with rt.db.read() as s:
        d = definition_of(get_hearing(s, hearing_id))
        return {"options": [(o.key, o.label) for o in d.answer_options], "kind": d.kind,
                "received": {k: v[1] for k, v in RECEIVED.items()}}


@router.post("/hoering/{hearing_id}/svar")
def record(request: Request, hearing_id: int, csrf: Field = None, kommune: Field = None,
           option: Field = None, text: Field = None, comment: Field = None, received: Field = None,
           who: Field = None) -> Response:
    """An answer the secretariat received by phone, letter or mail."""
    actor = _guard(request, csrf)
    if not isinstance(actor, Principal):
        return actor
    channel, how = RECEIVED.get(received or "", RECEIVED["telefon"])
    answered_by = f"{(who or '').strip() or 'ukendt'} ({how}, registreret af {actor.name})"
    try:
        done = record_answer(request.app.state.rt, hearing_id, kommune=kommune or "", option=option or None,
                             text=text, comment=comment, channel=channel, answered_by=answered_by[:200],
                             actor=actor.actor)
    except HearingClosedError:
        _flash(request, "Svaret er ikke registreret: høringen er afsluttet. Genåbn den først.", "fejl")
    except (NotFoundError, RuleViolation) as exc:
        _flash(request, f"Svaret er ikke registreret: {_danish(exc)}", "fejl")
    else:
        late = " Svaret er kommet efter fristen og er markeret som for sent." if done.late else ""
        _flash(request, f"Svaret er registreret (version {done.version}).{late}")
    return _back(hearing_id)


@router.post("/hoering/{hearing_id}/frist")
def deadline(request: Request, hearing_id: int, csrf: Field = None, date: Field = None,
             clock: Field = None, reason: Field = None) -> Response:
    """Extend an open hearing, or reopen a closed one, with a reason (mailed to the kommuner)."""
    actor = _guard(request, csrf)
    if not isinstance(actor, Principal):
        return actor
    rt = request.app.state.rt
    try:
        new = datetime.combine(datetime.fromisoformat(date or "").date(),
                               time.fromisoformat(clock or "12:00"), tzinfo=COPENHAGEN)
    except ValueError:
        _flash(request, "Fristen er ikke ændret: skriv en dato og et klokkeslæt.", "fejl")
        return _back(hearing_id)
    try:
        with rt.db.read() as s:
            closed = get_hearing(s, hearing_id).status == "closed"
        change_deadline(rt, hearing_id, deadline=new, reason=reason or "", reopen=closed, actor=actor.actor)
    except NotFoundError:
        return page(request, "ikke_fundet.html", status_code=404)
    except HoeringError as exc:
        _flash(request, f"Fristen er ikke ændret: {_danish(exc)}", "fejl")
    else:
        _flash(request, ("Høringen er genåbnet" if closed else "Fristen er forlænget")
               + ", og kommunerne får besked.")
    return _back(hearing_id)


@router.get("/hoering/{hearing_id}/hent/{name}")
def download(request: Request, hearing_id: int, name: str) -> Response:
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
        _flash(request, f"Kan ikke hentes: {_danish(exc)}", "fejl")
        return _back(hearing_id)
    filename = f"hoering-{hearing_id}-{name}"
    return Response(data, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def _guard(request: Request, csrf: str | None) -> Principal | Response:
    who = require(request, act=True)
    if not isinstance(who, Principal):
        return who
    if not csrf_ok(request, csrf, csrf_scope(request)):
        return page(request, "fejl.html", {"title": "Formularen er udløbet",
                                           "message": "Genindlæs siden og prøv igen."}, status_code=400)
    return who


_DANISH = [
    ("no option", "vælg en af svarmulighederne."),
    ("is not asked", "kommunen er ikke modtager af høringen."),
    ("submission needs a text", "skriv indspillets tekst."),
    ("answered with text", "et indspil besvares med tekst, ikke en svarmulighed."),
    ("longer than", "teksten er for lang."),
    ("give a reason", "skriv en begrundelse (den sendes til kommunerne)."),
    ("already passed", "den nye frist er allerede overskredet."),
    ("earlier than the current", "den nye frist ligger før den nuværende."),
    ("must move the deadline later", "en forlængelse skal flytte fristen til senere."),
    ("closing day", "fristen falder på en lukkedag (weekend eller helligdag)."),
    ("is closed; use reopen", "høringen er afsluttet."),
    ("not a notat", "høringen er ikke afsluttet endnu."),
    ("is open", "høringen er ikke afsluttet endnu."),
    ("no kommune", "ukendt kommune."),
]


def _danish(exc: Exception) -> str:
    text = str(exc)
    return next((da for en, da in _DANISH if en in text), "handlingen blev afvist.")


def _flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = [kind, message]


def _back(hearing_id: int) -> RedirectResponse:
    return RedirectResponse(f"/sekretariat/hoering/{hearing_id}", status_code=303)
