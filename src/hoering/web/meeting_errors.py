"""The governance rules' refusals, said in Danish for the console.

The routing rules (``domain.routing``) and a few meeting services word their refusals in English
for the CLI and the logs; the secretariat reads the console in Danish, so each known refusal is
said again here. No rule lives here: only the translation. A message already in Danish (the
agenda builder's, the meeting changes') is shown as it is.
"""

from __future__ import annotations

import re

_DANISH: list[tuple[str, str]] = [
    (r"FU prepares every case first", "Sagen skal først forberedes af FU (send den til FU)."),
    (r"the agenda for meeting \d+ has been sent", "Dagsordenen er sendt og låst; sæt punktet på en tillægsdagsorden."),
    (r"is not sent yet; put it on the agenda", "Dagsordenen er ikke sendt endnu; sæt punktet på dagsordenen."),
    (r"only a case FU has prepared goes on a", "Kun en sag, som FU har forberedt, kan komme på en tillægsdagsorden."),
    (r"has already begun", "Mødet er allerede begyndt."),
    (r"has not begun", "Mødet er ikke begyndt endnu; beslutninger registreres på eller efter mødet."),
    (r"DAS delegates no competence to FU|has not delegated the competence",
     "DAS har ikke delegeret kompetencen i denne sag til FU; sæt den på DAS' dagsorden."),
    (r"has no later meeting planned|no coming meeting is planned",
     "Der er ikke planlagt et senere møde; planlæg det først."),
    (r"is not a later", "Der er ikke planlagt et senere møde i samme organ."),
    (r"say why", "Skriv en begrundelse."),
    (r"only FU sends items back", "Kun en sag hos FU kan sendes retur."),
    (r"ends as one of", "Udfaldet passer ikke til punktets art."),
    (r"decided already|is decided already", "Punktet er allerede besluttet."),
    (r"a beslutning needs its text", "Skriv beslutningens tekst."),
    (r"goes straight onto the agenda", "Et standardpunkt går direkte på dagsordenen."),
    (r"is on the agenda of meeting \d+ already", "Punktet står allerede på en dagsorden."),
    (r"only an item on a meeting's agenda", "Punktet står ikke på en mødes dagsorden."),
    (r"FU keeps it until its next meeting", "FU kan ikke udsætte en sag; den bliver hos FU til næste møde."),
    (r"minutes were approved already|approved already", "Referatet er allerede godkendt."),
    (r"minutes are approved after the meeting", "Referatet kan først godkendes, når mødet er slut."),
    (r"items without a beslutning", "Referatet kan ikke godkendes: alle punkter skal have en beslutning."),
    (r"is a \w+ meeting, not", "Mødet hører til et andet organ."),
    (r"cannot \w+", "Handlingen er ikke mulig for punktet, som det står nu."),
]
_PREFIX = re.compile(r"^(møde|punkt) \d+: ")
_OPTION = re.compile(r"\s*\(--[a-z-]+\)")  # the CLI's option, meaningless in a form


def danish(message: str) -> str:
    for pattern, text in _DANISH:
        if re.search(pattern, message):
            return text
    shown = _OPTION.sub("", _PREFIX.sub("", message)).strip()
    return shown[:1].upper() + shown[1:] if shown else "Handlingen er ikke mulig."
