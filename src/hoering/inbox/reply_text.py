"""The new text of a reply: quoted original, attribution lines, signatures and disclaimers removed.

mail-parser-reply (languages ``da`` and ``en``) splits a mail at the header blocks Outlook and
Danish clients write ("-----Oprindelig meddelelse-----", "Fra: … Sendt: … Til: … Emne:") and
takes the signature off the newest part ("Med venlig hilsen", "Mvh", "Sendt fra min iPhone").
Checked on the corpus in ``tests/data/inbox`` it leaves three things that this module handles
first: ``>``-quoted lines with the reply *below* them (bottom-posting), Gmail's attribution line
when it is wrapped over two lines ("Den tir. 29. apr. 2014 kl. 10.00 skrev … <\\n…>:"), and
forwarded-message markers. What is left may still contain the answer's own words only.
"""

from __future__ import annotations

import re

from mailparser_reply import EmailReplyParser

ATTRIBUTION_END = re.compile(r"\b(skrev|wrote|schrieb)\b.*:\s*$", re.IGNORECASE)
ATTRIBUTION_START = re.compile(r"^\s*(den|d\.|on|am|man|tir|ons|tor|fre|lør|søn|mon|tue|wed|thu|fri|sat|sun|"
                               r"\d{1,2}[./-]|\d{4}-)", re.IGNORECASE)
CUT_LINES = re.compile(
    r"^\s*(-{2,}\s*(oprindelig meddelelse|original message|videresendt meddelelse|forwarded message)"
    r"|_{10,}|begin forwarded message|start på videresendt|videresendt besked"
    r"|(fra|from)\s*:\s*.+(sendt|sent|dato|date)\s*:)",
    re.IGNORECASE)
HEADER_BLOCK = re.compile(r"^\s*\**(fra|from)\s*:\**\s*\S", re.IGNORECASE)
HEADER_FOLLOW = re.compile(r"^\s*\**(sendt|sent|dato|date|til|to|emne|subject|cc)\s*:", re.IGNORECASE)
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
    parsed = EmailReplyParser(languages=["da", "en"]).read(text)
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
        if CUT_LINES.match(line):
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
