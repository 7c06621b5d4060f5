"""The secretariat's response to a høringssvar, as the høringsnotat gives it (Justitsministeriets
lovkvalitetsvejledning, 9.1.6: for each answer, what it said and how it was met)."""

from __future__ import annotations

from hoering.errors import RuleViolation

STANCES: dict[str, str] = {
    "imoedekommet": "Imødekommet",
    "delvist": "Delvist imødekommet",
    "ikke_imoedekommet": "Ikke imødekommet",
    "efterretning": "Taget til efterretning",
}
MAX_RESPONSE = 5000


def check_response(stance: str, text: str) -> tuple[str, str]:
    """The stance key and the trimmed text, or a RuleViolation naming what is wrong."""
    key = stance.strip().lower().replace("-", "_")
    if key not in STANCES:
        raise RuleViolation(f"ukendt stillingtagen {stance!r}; brug en af: {', '.join(STANCES)}")
    text = text.strip()
    if not text:
        raise RuleViolation("skriv sekretariatets bemærkning og begrundelse (--text); den står i høringsnotatet")
    if len(text) > MAX_RESPONSE:
        raise RuleViolation(f"sekretariatets bemærkning er længere end {MAX_RESPONSE} tegn")
    return key, text
