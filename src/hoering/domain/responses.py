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
MAX_SUBJECT = 120


def check_summary(subject: str | None, summary: str | None) -> tuple[str | None, str | None]:
    """The answer's subject and the secretariat's summary of it, trimmed (each may be left out)."""
    subject = " ".join(subject.split()) if subject else None
    summary = summary.strip() if summary else None
    if subject and len(subject) > MAX_SUBJECT:
        raise RuleViolation(f"emnet er længere end {MAX_SUBJECT} tegn; skriv et kort emne (fx «Fordeling af midlerne»)")
    if summary and len(summary) > MAX_RESPONSE:
        raise RuleViolation(f"resuméet er længere end {MAX_RESPONSE} tegn")
    return subject or None, summary or None


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
