"""Checks of an agenda before it is sent: warnings (in Danish) for the secretariat, never a block.

A bilag is numbered across the agenda, as the text refers to it ("vedlagt som bilag 2"): the
numbers of ``documents.meeting_view``. Warned about:

- a bilag without a file (a title only): the members would get no document;
- the text of an item (title, resumé, indstillinger, sagsbeskrivelse) referring to a bilag number
  the agenda does not have, or to one without a file;
- a reference to the wrong bilag: the sentence that refers to bilag N shares no word with bilag N's
  title (unless it is the item's only bilag), as when a link counted as a bilag shifted the numbers.

One function, :func:`agenda_warnings`, used by the cycle's agenda step (the warnings go to the
secretariat with the agenda), ``hoering cycle due``, ``hoering meeting agenda`` and the console.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from hoering.db.lookup import get_meeting
from hoering.db.models import Meeting
from hoering.runtime import Runtime
from hoering.services.documents import meeting_view

# "bilag 2", "Bilag 2 og 3", "bilag 2, 3 og 4", "bilag nr. 2"
_REFERENCE = re.compile(r"\bbilag(?:ene)?\s+(?:nr\.\s*)?(\d+(?:\s*(?:,|og|-|–)\s*\d+)*)", re.IGNORECASE)


def agenda_warnings(s: Session, meeting: Meeting) -> list[str]:
    """The warnings for ``meeting``'s agenda as it stands, in agenda order (empty: all is well)."""
    view = meeting_view(s, meeting, "agenda", secretariat="")
    entries = [entry for section in view["sections"] for entry in section["items"]]
    numbered = {b["number"]: b for entry in entries for b in entry["bilag"]}
    warnings = []
    for entry in entries:
        where = f"Punkt {entry['number']} «{entry['title']}»"
        referred = referred_bilag(_texts(entry))
        own = {b["number"] for b in entry["bilag"]}
        for n in sorted(referred):
            if n not in numbered:
                warnings.append(f"{where}: teksten henviser til bilag {n}, men dagsordenen har intet bilag {n}")
            elif not numbered[n]["filename"]:
                warnings.append(f"{where}: teksten henviser til bilag {n} «{numbered[n]['title']}», som ingen fil har")
            elif own != {n} and not any(shares_a_word(numbered[n]["title"], sentence)
                                        for sentence in referring_sentences(_texts(entry), n)):
                warnings.append(f"{where}: teksten henviser til bilag {n} «{numbered[n]['title']}», men "
                                "sætningen handler ikke om det bilag; er nummeret forkert?")
        for b in entry["bilag"]:
            if not b["filename"] and b["number"] not in referred:
                warnings.append(f"{where}: bilag {b['number']} «{b['title']}» har ingen fil")
    return warnings


def meeting_agenda_warnings(rt: Runtime, meeting_id: int) -> list[str]:
    """:func:`agenda_warnings` in a transaction of its own."""
    with rt.db.read() as s:
        return agenda_warnings(s, get_meeting(s, meeting_id))


def referred_bilag(text: str) -> set[int]:
    """The bilag numbers a text refers to ("bilag 2 og 3" → {2, 3}; "bilag 2-4" → {2, 3, 4})."""
    found: set[int] = set()
    for match in _REFERENCE.finditer(text):
        spec = match.group(1)
        for part in re.split(r"\s*(?:,|og)\s*", spec):
            ends = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x.strip().isdigit()]
            if len(ends) == 2 and 0 < ends[1] - ends[0] < 50:
                found.update(range(ends[0], ends[1] + 1))
            else:
                found.update(ends)
    return found


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])|\n+")
_WORD = re.compile(r"[a-zæøåéü]{5,}")


def referring_sentences(text: str, number: int) -> list[str]:
    """The sentences of ``text`` that refer to bilag ``number``."""
    return [s for s in _SENTENCE_END.split(text) if number in referred_bilag(s)]


def shares_a_word(title: str, sentence: str) -> bool:
    """Whether a word of the title (5 letters or more) is in the sentence, inflected or not
    ("Kommissorium" ~ "kommissoriet"): the first six letters compared."""
    said = {w[:6] for w in _WORD.findall(sentence.lower()) if w != "bilag"}
    return any(w[:6] in said for w in _WORD.findall(title.lower()) if w != "bilag")


def _texts(entry: dict[str, Any]) -> str:
    parts = [entry["title"], entry["resume"] or "", *entry["indstillinger"],
             *(s["text"] or "" for s in entry["sagsbeskrivelse"])]
    return "\n".join(parts)
