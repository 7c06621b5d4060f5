"""The hearing-file loader's problems put back at the form's fields, in Danish.

The loader (``hoering.definitions``) names each wrong field by its path in the hearing file
(``options.1.label``, ``allocation.total``) with an English message; the secretariat reads the
form in Danish, so each problem is moved to the form field it belongs to and said in Danish.
No rule lives here: only the translation.
"""

from __future__ import annotations

import re

from hoering.web.hearing_form import HearingForm

FIELD_OF = {
    "title": "title", "body": "body", "kind": "kind", "question": "question",
    "background": "background", "options": "options", "recipients": "recipients",
    "contacts": "contacts", "deadline": "deadline", "reminders": "reminders", "rule": "rule",
    "silence": "silence", "late": "late", "allocation": "allocation",
    "allocation.total": "alloc_total", "allocation.key": "alloc_key",
    "allocation.pool_option": "alloc_pool", "allocation.payout_option": "alloc_payout",
}

_DANISH: list[tuple[str, str]] = [
    (r"Field required", "Skal udfyldes."),
    (r"at least (\d+) characters?", r"Skal være mindst \1 tegn."),
    (r"at most (\d+) characters?", r"Må højst være \1 tegn."),
    (r"should match pattern", "Kort navn: små bogstaver, tal, - og _ (højst 60 tegn)."),
    (r"needs at least two options", "Der skal være mindst to svarmuligheder."),
    (r"has fixed answers", "Denne type har faste svar; fjern svarmulighederne."),
    (r"keys must be unique", "To svarmuligheder har samme korte navn."),
    (r"must be abstain or one of", "Vælg «tæller ikke» eller en af svarmulighederne."),
    (r"needs total, key", "Udfyld beløb, fordelingsnøgle, pulje og udbetaling."),
    (r"not one of the options", "Vælg en af svarmulighederne."),
    (r"must differ", "Pulje og udbetaling skal være to forskellige svarmuligheder."),
    (r"only for kind: allocation", "Kun for en fordeling af et beløb."),
    (r"has already passed|er allerede overskredet", "Fristen er allerede overskredet."),
    (r"offices are\s+closed|closing day|kontorer er\s+lukket",
     "Fristen falder på en weekend eller helligdag. Vælg en hverdag, "
     "eller sæt hak i «Behold fristen på en lukkedag»."),
    (r"ISO 8601 duration|longer than zero", "Skriv antal dage før fristen, f.eks. «3, 1»."),
    (r"at least one recipient", "Vælg mindst én modtager."),
    (r"List should have at least 1 item", "Vælg mindst én."),
    (r"is listed twice", "Modtageren er valgt to gange."),
    (r"no population known", "Indbyggertal mangler for en af modtagerne."),
    (r"weight|weights", "Giv hver modtager en vægt (tal, ikke negative, ikke alle 0)."),
    (r"decimal places|max_digits|no more than", "Beløbet må højst have to decimaler (øre)."),
    (r"valid (decimal|number)", "Skriv et beløb, f.eks. 120.000,00."),
    (r"greater than 0\.5", "Andelen skal være over 0,5 (f.eks. 0,67)."),
    (r"less than or equal to 1(\.0)?$", "Andelen må højst være 1."),
    (r"greater than or equal to (\d+)", r"Skal være mindst \1."),
    (r"less than or equal to (\d+)", r"Må højst være \1."),
    (r"greater than 0", "Skal være større end 0."),
    (r"valid integer", "Skriv et helt tal."),
    (r"valid (datetime|date)|working_days|Input should be a valid dictionary",
     "Skriv en dato og et klokkeslæt, eller et antal arbejdsdage."),
    (r"valid time", "Skriv et klokkeslæt, f.eks. 12:00."),
    (r"no body|unknown body|ukendt organ", "Vælg et organ fra listen."),
    (r"no kommune|unknown kommune|not a kommune|ukendt kommune", "Ukendt modtager."),
    (r"registry is empty", "Registret er tomt: kør «hoering init»."),
    (r"unknown field", "Feltet kendes ikke."),
    (r"Input should be", "Vælg en af mulighederne."),
]


def danish(message: str) -> str:
    for pattern, text in _DANISH:
        match = re.search(pattern, message)
        if match:
            return match.expand(text)
    return "Værdien kan ikke bruges."


def field_errors(problems: list[str], form: HearingForm) -> dict[str, list[str]]:
    """The loader's problem lines (``loc: message``) by form field, in Danish.

    Option problems name the row as the user sees it (blank rows are skipped by ``to_data``)."""
    rows = [i for i, row in enumerate(form.options) if not row.empty]
    errors: dict[str, list[str]] = {}
    for line in problems:
        loc, sep, message = line.partition(": ")
        if not sep:
            loc, message = "", line
        parts = loc.split(".")
        if parts[0] == "options" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(rows):
            name = f"option_{rows[int(parts[1])]}"
        elif parts[0] in ("recipients", "reminders", "contacts", "deadline", "rule"):
            name = parts[0]
        elif parts[0] == "allocation" and len(parts) > 1 and parts[1] == "key":
            name = "alloc_key"
        else:
            name = FIELD_OF.get(".".join(parts[:2]), FIELD_OF.get(parts[0], "form"))
        text = danish(message)
        if text not in errors.setdefault(name, []):
            errors[name].append(text)
    return errors
