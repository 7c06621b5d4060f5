"""What every action on a hearing's page shares (beyond ``console_action``'s checks): the form
field type, the way back to the page, and the services' refusals said in Danish for the page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import RedirectResponse

from hoering.errors import FileRefused

Field = Annotated[str | None, Form()]


def page_of(hearing_id: int) -> str:
    """The hearing's page (its top, where the message stands)."""
    return f"/sekretariat/hoering/{hearing_id}"


def back(hearing_id: int) -> RedirectResponse:
    """303 to the hearing's page."""
    return RedirectResponse(page_of(hearing_id), status_code=303)


# the services' refusals (Danish, worded for the CLI: ids and --options) -> what the page says
_DANISH = [
    ("ingen svarmulighed", "vælg en af svarmulighederne."),
    ("er ikke modtager af høring", "kommunen er ikke modtager af høringen."),
    ("skal have en tekst eller et dokument", "skriv indspillets tekst, eller vedlæg et dokument."),
    ("besvares med tekst", "et indspil besvares med tekst, ikke en svarmulighed."),
    ("begrundelsen er længere end", "begrundelsen er for lang (højst 2000 tegn)."),
    ("sekretariatets bemærkning er længere end", "bemærkningen er for lang (højst 5000 tegn)."),
    ("længere end", "teksten er for lang."),
    ("skriv sekretariatets bemærkning", "skriv sekretariatets bemærkning (den står i høringsnotatet)."),
    ("ukendt stillingtagen", "vælg, hvordan svaret er imødekommet."),
    ("der er intet at bemærke til", "kommunen har ikke svaret; der er intet at bemærke til."),
    ("angiv en begrundelse", "skriv en begrundelse (den sendes til kommunerne)."),
    ("er allerede overskredet", "den nye frist er allerede overskredet."),
    ("ligger før den nuværende", "den nye frist ligger før den nuværende."),
    ("skal flytte fristen til senere", "en forlængelse skal flytte fristen til senere."),
    ("kontorer er lukket", "fristen falder på en lukkedag (weekend eller helligdag)."),
    ("er lukket; brug reopen", "høringen er afsluttet."),
    ("er allerede lukket", "høringen er allerede afsluttet."),
    ("har ikke svaret; brug --force", "fristen er ikke udløbet, og ikke alle har svaret. Sæt hak i "
                                      "«Luk alligevel» for at lukke nu."),
    ("der kan ikke sendes nye svarlinks", "høringen er afsluttet; der kan ikke sendes nye links."),
    ("er ikke længere i registret", "kontakten er ikke længere i registeret og får ikke et nyt link."),
    ("har intet svarlink", "kontakten har intet svarlink i høringen."),
    ("ingen kontakt med adressen", "der er ingen kontakt med den adresse i registeret."),
    ("venter ikke på gennemsyn", "beskeden er allerede behandlet (genindlæs siden)."),
    ("er ikke knyttet til en høring og en kommune", "vælg den kommune, svaret er fra."),
    ("besked i indbakken", "beskeden findes ikke."),
    ("er stadig åben", "høringen er ikke afsluttet endnu."),
    ("er åben", "høringen er ikke afsluttet endnu."),
    ("ukendt kommune", "ukendt kommune."),
]


def danish(exc: Exception) -> str:
    """The Danish sentence for a service's refusal (a FileRefused carries its own)."""
    if isinstance(exc, FileRefused):
        return exc.message
    text = str(exc)
    return next((da for en, da in _DANISH if en in text), "handlingen blev afvist.")
