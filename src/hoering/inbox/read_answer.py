"""Reading a reply's text against a hearing's options, and never guessing.

Each option is known by its key, its label and the synonyms a hearing file declares for it
(``synonyms: [vi tilslutter os, pulje]``); consent and interest hearings also know the usual
Danish words for their fixed answers. Words are compared on a light Danish stem (``puljen``,
``puljer`` → ``pulj``; ``udbetales``, ``udbetalt``, ``udbetaling`` → ``udbetal``), phrases word by
word, the longest phrase winning where two overlap ("ingen indsigelser" is consent, not
"indsigelse").

A reply is read as an option only when exactly one option is named, no negation stands next to
it ("ikke", "ej", "aldrig" within three words), and nothing in it hedges ("vi vender tilbage",
"måske", a question mark). Everything else goes to the secretariat's review queue: a wrong
recorded answer is worse than a review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WORD = re.compile(r"[0-9a-zæøåéü]+(?:-[0-9a-zæøåéü]+)*")
SUFFIXES = ("erne", "ingen", "inger", "ende", "ene", "ing", "ede", "est", "en", "er", "et", "es", "e", "t", "s")
NEGATIONS = {"ikke", "ej", "aldrig", "hverken", "ingen", "intet", "not", "no", "nej"}
HEDGES = (
    "vender tilbage", "vende tilbage", "vender retur", "måske", "muligvis", "afventer", "afvente",
    "foreløbig", "overvejer", "usikker", "ikke afklaret", "endnu ikke", "senere", "forudsat", "hvis ",
    "kommer tilbage", "drøfte", "drøfter", "behandles", "politisk", "undersøger",
)
QUESTION = re.compile(r"\?")

FIXED_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "consent": {
        "enig": ("enig", "enige", "tilslutter", "tilslutte", "kan godkende", "godkender", "bakker op",
                 "ingen indsigelse", "ingen indsigelser", "ingen bemærkninger", "accepterer"),
        "indsigelse": ("indsigelse", "indsigelser", "uenig", "uenige", "gør indsigelse", "imod",
                       "kan ikke tilslutte", "kan ikke godkende", "kan ikke tiltræde"),
    },
    "interest": {
        "ja": ("ja", "interesseret", "interesserede", "gerne", "vil gerne", "melder os"),
        "nej": ("nej", "ikke interesseret", "ikke interesserede", "ingen interesse", "nej tak", "afstår"),
    },
}


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """``option`` is set only when the text names exactly one option and nothing contradicts it;
    otherwise ``problem`` says (in Danish, for the review queue) why it was not read."""

    option: str | None
    found: tuple[str, ...]
    problem: str | None


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def phrases_for(choice: Choice, kind: str) -> list[tuple[str, ...]]:
    texts = [choice.key.replace("_", " ").replace("-", " "), choice.label, *choice.synonyms,
             *FIXED_SYNONYMS.get(kind, {}).get(choice.key, ())]
    found = []
    for text in texts:
        stems = tuple(stem(w) for w in words(text))
        if stems and stems not in found:
            found.append(stems)
    return found


def read_answer(text: str, choices: Sequence[Choice], *, kind: str) -> Reading:
    if not text.strip():
        return Reading(None, (), "svaret er tomt (kun citat eller signatur)")
    lowered = " ".join(text.lower().split())
    hedge = next((h for h in HEDGES if h in lowered), None)
    tokens = words(text)
    stems = [stem(w) for w in tokens]
    spans = _spans(stems, [(c.key, p) for c in choices for p in phrases_for(c, kind)])
    found = tuple(dict.fromkeys(key for key, _, _ in spans))
    if len(found) > 1:
        return Reading(None, found, "svaret nævner flere svarmuligheder: " + ", ".join(found))
    if not found:
        return Reading(None, (), "svaret nævner ingen af svarmulighederne" + (f" («{hedge}»)" if hedge else ""))
    negated = _negated(tokens, spans)
    if negated:
        return Reading(None, found, f"svaret indeholder en nægtelse («{negated}») nær svarmuligheden")
    if hedge:
        return Reading(None, found, f"svaret er forbeholdent («{hedge.strip()}»)")
    if QUESTION.search(text):
        return Reading(None, found, "svaret indeholder et spørgsmål")
    return Reading(found[0], found, None)


def _spans(stems: list[str], phrases: Iterable[tuple[str, tuple[str, ...]]]) -> list[tuple[str, int, int]]:
    """Non-overlapping (key, start, end) matches, longest phrases first."""
    candidates = []
    for key, phrase in phrases:
        n = len(phrase)
        for i in range(len(stems) - n + 1):
            if tuple(stems[i:i + n]) == phrase:
                candidates.append((n, i, key))
    taken: set[int] = set()
    spans = []
    for n, i, key in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if taken.isdisjoint(range(i, i + n)):
            taken.update(range(i, i + n))
            spans.append((key, i, i + n))
    return sorted(spans, key=lambda s: s[1])


def _negated(tokens: list[str], spans: list[tuple[str, int, int]]) -> str | None:
    inside = {i for _, start, end in spans for i in range(start, end)}
    for _, start, end in spans:
        for i in list(range(max(0, start - 3), start)) + list(range(end, min(len(tokens), end + 2))):
            if i not in inside and tokens[i] in NEGATIONS:
                return tokens[i]
    return None
