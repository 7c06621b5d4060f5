"""What every action on a hearing's page shares: the guard (logged in, allowed to act, a valid
CSRF field), the message shown on the page after the redirect, and the CLI's English refusals
said in Danish.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from hoering.errors import FileRefused
from hoering.services.users import Principal
from hoering.web.console_auth import csrf_scope, require
from hoering.web.rendering import csrf_ok, page

Field = Annotated[str | None, Form()]
# Ids outside a database integer (PostgreSQL refused them: HTTP 500) are a 404 like any unknown id.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def guard(request: Request, csrf: str | None) -> Principal | Response:
    """The acting person, or the response instead: the login page, 403 for a reader, 400 for a
    missing or stale CSRF field."""
    who = require(request, act=True)
    if not isinstance(who, Principal):
        return who
    if not csrf_ok(request, csrf, csrf_scope(request)):
        return page(request, "fejl.html", {"title": "Formularen er udløbet",
                                           "message": "Genindlæs siden og prøv igen."}, status_code=400)
    return who


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A message for the next page (kind ``ok`` or ``fejl``)."""
    request.session["flash"] = [kind, message]


def back(hearing_id: int) -> RedirectResponse:
    """303 to the hearing's page (its top, where the message stands)."""
    return RedirectResponse(f"/sekretariat/hoering/{hearing_id}", status_code=303)


# the services' English refusals (shared with the CLI) -> what the page says
_DANISH = [
    ("no option", "vælg en af svarmulighederne."),
    ("is not asked", "kommunen er ikke modtager af høringen."),
    ("submission needs a text", "skriv indspillets tekst, eller vedlæg et dokument."),
    ("answered with text", "et indspil besvares med tekst, ikke en svarmulighed."),
    ("the reason is longer than", "begrundelsen er for lang (højst 2000 tegn)."),
    ("the response is longer than", "bemærkningen er for lang (højst 5000 tegn)."),
    ("longer than", "teksten er for lang."),
    ("give the response's reasons", "skriv sekretariatets bemærkning (den står i høringsnotatet)."),
    ("unknown stance", "vælg, hvordan svaret er imødekommet."),
    ("there is nothing to respond to", "kommunen har ikke svaret; der er intet at bemærke til."),
    ("give a reason", "skriv en begrundelse (den sendes til kommunerne)."),
    ("already passed", "den nye frist er allerede overskredet."),
    ("earlier than the current", "den nye frist ligger før den nuværende."),
    ("must move the deadline later", "en forlængelse skal flytte fristen til senere."),
    ("closing day", "fristen falder på en lukkedag (weekend eller helligdag)."),
    ("is closed; use reopen", "høringen er afsluttet."),
    ("is already closed", "høringen er allerede afsluttet."),
    ("have not answered; use --force", "fristen er ikke udløbet, og ikke alle har svaret. Sæt hak i "
                                       "«Luk alligevel» for at lukke nu."),
    ("its links cannot be reissued", "høringen er afsluttet; der kan ikke sendes nye links."),
    ("no longer in the registry", "kontakten er ikke længere i registeret og får ikke et nyt link."),
    ("has no answer link", "kontakten har intet svarlink i høringen."),
    ("no contact with the address", "der er ingen kontakt med den adresse i registeret."),
    ("is not in review", "beskeden er allerede behandlet (genindlæs siden)."),
    ("is not matched to a hearing and kommune", "vælg den kommune, svaret er fra."),
    ("no inbox message", "beskeden findes ikke."),
    ("not a notat", "høringen er ikke afsluttet endnu."),
    ("is open", "høringen er ikke afsluttet endnu."),
    ("no kommune", "ukendt kommune."),
]


def danish(exc: Exception) -> str:
    """The Danish sentence for a service's refusal (a FileRefused carries its own)."""
    if isinstance(exc, FileRefused):
        return exc.message
    text = str(exc)
    return next((da for en, da in _DANISH if en in text), "handlingen blev afvist.")
