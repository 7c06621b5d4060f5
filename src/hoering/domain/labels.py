"""The Danish words a person reads for the engine's codes, kept in one place so the CLI, the
pages, the mails, the exports and the høringsnotat all say the same thing: a result is
"vedtaget" or "forkastet", an answer came "via svarlink", "via sekretariatet" or "via mail"."""

from __future__ import annotations

OUTCOME = {"passed": "vedtaget", "failed": "forkastet"}
CHANNEL = {"web": "via svarlink", "manual": "via sekretariatet", "mail": "via mail", "email": "via mail",
           "meeting": "på møde"}
LINE_STATUS = {"answered": "svar modtaget", "late": "svar modtaget efter fristen", "silent": "intet svar"}
HEARING_STATUS = {"open": "åben", "closed": "afsluttet"}
KIND = {"choice": "valg", "consent": "tilslutning", "allocation": "fordeling", "interest": "interesse",
        "submission": "bidrag"}
# The meeting cycle's steps (services.cycle), as the secretariat's notices and the CLI name them.
CYCLE_STEP = {"call_for_items": "indkaldelse af punkter", "fu_agenda": "FU's forberedelse",
              "agenda": "dagsorden", "minutes_draft": "udkast til referat", "minutes": "referat",
              "kkr_orientation": "orientering af KKR"}
OUTBOX_STATUS = {"pending": "venter", "sending": "sendes", "sent": "sendt", "failed": "fejlet"}
INBOX_STATUS = {"new": "ny", "recorded": "registreret", "review": "til gennemsyn", "done": "behandlet",
                "ignored": "lagt til side"}


def label(table: dict[str, str], key: str | None, *, empty: str = "") -> str:
    """``table``'s word for ``key``; ``empty`` for no key (never "None")."""
    if not key:
        return empty
    return table.get(key, key)
