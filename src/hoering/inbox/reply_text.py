"""The new text of a reply: quoted original, attribution lines, signatures and disclaimers removed.

mail-parser-reply (with every language it knows: Danish, Swedish, English, German, Dutch,
French, Spanish, Italian, Polish, Czech, …) splits a mail at the header blocks Outlook and other
clients write ("-----Oprindelig meddelelse-----", "Fra: … Sendt: … Til: … Emne:", "Von: …
Gesendet: …") and takes the signature off the newest part ("Med venlig hilsen", "Mvh", "Sendt fra
min iPhone"). Checked on the corpus in ``tests/data/inbox`` it leaves things that this module
handles first: ``>``-quoted lines with the reply *below* them (bottom-posting), Gmail's
attribution line when it is wrapped over two lines ("Den tir. 29. apr. 2014 kl. 10.00 skrev …
<\\n…>:"), forwarded-message markers, and the quote headers of languages and clients the library
lacks: Finnish ("Lähettäjä:", "… kirjoitti:") and Zoho's "---- On … wrote ----". What is left
may still contain the answer's own words only. (HTML quotes are marked in ``html_text``.)
"""

from __future__ import annotations

import re

from mailparser_reply import EmailReplyParser
from mailparser_reply.constants import MAIL_LANGUAGES

LANGUAGES = list(MAIL_LANGUAGES)
WROTE = r"(skrev|wrote|schrieb|a écrit|schreef|kirjoitti|escribió|ha scritto|napisał|napsal|пишет)"
ATTRIBUTION_END = re.compile(rf"(?<!\w){WROTE}(?!\w).*:\s*$", re.IGNORECASE)
ATTRIBUTION_START = re.compile(r"^\s*(den|d\.|on|am|man|tir|ons|tor|fre|lør|søn|mon|tue|wed|thu|fri|sat|sun|"
                               r"le|op|el|il|w dniu|dne|ma|ti|ke|to|pe|la|su|"
                               r"\d{1,2}[./-]|\d{4}-)", re.IGNORECASE)
ZOHO = re.compile(rf"^\s*-{{2,}}\s*\S.*(?<!\w){WROTE}(?!\w)\s*-{{2,}}\s*$", re.IGNORECASE)
CUT_LINES = re.compile(
    r"^\s*(-{2,}\s*(oprindelig meddelelse|original message|videresendt meddelelse|forwarded message)"
    r"|_{10,}|begin forwarded message|start på videresendt|videresendt besked"
    r"|(fra|from)\s*:\s*.+(sendt|sent|dato|date)\s*:)",
    re.IGNORECASE)
HEADER_BLOCK = re.compile(r"^\s*\**(fra|from|von|van|de|från|lähettäjä|od|da|desde)\s*:\**\s*\S", re.IGNORECASE)
HEADER_FOLLOW = re.compile(r"^\s*\**(sendt|sent|dato|date|til|to|emne|subject|cc|gesendet|an|betreff|datum|"
                           r"verzonden|aan|onderwerp|envoyé|à|objet|skickat|till|ämne|lähetetty|"
                           r"vastaanottaja|aihe|päivämäärä|enviado|para|asunto|inviato|oggetto)\s*:",
                           re.IGNORECASE)
SIGNATURE = re.compile(
    r"^\s*(med venlig hilsen|venlig hilsen|de bedste hilsner|bedste hilsner|mange hilsner|hilsen|mvh\.?|"
    r"vh\.?|kh\.?|best regards|kind regards|regards|--\s*$|sendt fra min|sendt fra outlook|hent outlook|"
    r"sent from my|get outlook)", re.IGNORECASE)
DISCLAIMER = re.compile(
    r"^\s*(denne (e-?mail|mail|meddelelse)|this (e-?mail|message)|fortrolig|confidential|"
    r"bemærk:|advarsel:|sikker post|tænk på miljøet)", re.IGNORECASE)


def reply_text(body: str) -> str:
    """The part of ``body`` its sender wrote now (may be empty)."""
    lines = _drop_quotes(body.replace("\r\n", "\n").split("\n"))
    lines = _cut_at_original(lines)
    text = "\n".join(lines).strip()
    if not text:
        return ""
    parsed = EmailReplyParser(languages=LANGUAGES).read(text)
    newest = parsed.replies[0].body if parsed.replies else text
    return _cut_signature(newest).strip()


def _drop_quotes(lines: list[str]) -> list[str]:
    """Remove ``>`` lines and the attribution line (one or two lines) just above them."""
    out: list[str] = []
    for line in lines:
        if line.lstrip().startswith(">"):
            _drop_attribution(out)
            continue
        out.append(line)
    return out


def _drop_attribution(out: list[str]) -> None:
    while out and not out[-1].strip():
        out.pop()
    if out and ATTRIBUTION_END.search(out[-1]):
        out.pop()
        return
    if len(out) >= 2 and ATTRIBUTION_END.search(out[-2] + " " + out[-1]) and ATTRIBUTION_START.match(out[-2]):
        del out[-2:]


def _cut_at_original(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if CUT_LINES.match(line) or ZOHO.match(line):
            return lines[:i]
        if HEADER_BLOCK.match(line) and i + 1 < len(lines) and any(
                HEADER_FOLLOW.match(nxt) for nxt in lines[i + 1:i + 3]):
            return lines[:i]
        if ATTRIBUTION_END.search(line) and ATTRIBUTION_START.match(line):
            return lines[:i]
        if i + 1 < len(lines) and ATTRIBUTION_START.match(line) and ATTRIBUTION_END.search(lines[i + 1]) \
                and re.search(r"(skrev|wrote)", line + lines[i + 1], re.IGNORECASE):
            return lines[:i]
    return lines


def _cut_signature(text: str) -> str:
    kept: list[str] = []
    for line in text.split("\n"):
        if SIGNATURE.match(line) or DISCLAIMER.match(line):
            break
        kept.append(line)
    return "\n".join(kept)
