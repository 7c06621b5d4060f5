"""The Danish spelling gate: words in what a person receives that Debian's hunspell-da does not
know, apart from the names and terms in tests/spelling_wordlist.txt (at most 200 entries).
Addresses, links and anything with a digit are left out; hunspell knows abbreviations with their
period ("kl.", "kr."), which the tokenizer strips, so the common ones are allowed here. The
acceptance check (fit-spelling) reads whole hyphenated words: the list holds such compounds too."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

WORDLIST = Path(__file__).with_name("spelling_wordlist.txt")
MAX_ENTRIES = 200
ABBREVIATIONS = {"kl", "kr", "nr", "fx", "mv", "jf", "evt", "ca", "bl", "pkt", "tlf", "mvh", "vedr", "iht",
                 "dvs", "osv", "ift", "mio", "pct", "sagsnr"}
# addresses, links, file names and anything with a digit
_NOISE = re.compile(r"\S+@\S+|https?://\S+|\S+\.(?:pdf|ics|docx|xlsx|txt)\b|\b\S*\d\S*\b")
_WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä][A-Za-zÆØÅæøåÉéÜüÖöÄä'-]*[A-Za-zÆØÅæøåÉéÜüÖöÄä]")

needs_hunspell = pytest.mark.skipif(
    shutil.which("hunspell") is None or not Path("/usr/share/hunspell/da_DK.dic").exists(),
    reason="hunspell-da is missing: run `bash .ci/system-deps.sh` (Debian packages hunspell, hunspell-da)")


def listed() -> set[str]:
    lines = [ln.strip() for ln in WORDLIST.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(lines) <= MAX_ENTRIES, f"{WORDLIST.name} has {len(lines)} entries (at most {MAX_ENTRIES})"
    return {ln.lower() for ln in lines}


def unknown_words(texts: Iterable[str]) -> list[str]:
    """The words hunspell -d da_DK does not know and the word list does not hold, sorted."""
    text = _NOISE.sub(" ", "\n".join(texts))
    # a compound with a hyphen ("KKR-sekretariatet") is checked part by part
    words = sorted({part for w in _WORD.findall(text) for part in w.split("-") if len(part) > 1})
    out = subprocess.run(["hunspell", "-d", "da_DK", "-l"], input="\n".join(words), capture_output=True,
                         text=True, check=True, timeout=60).stdout.split()
    allowed = ABBREVIATIONS | listed()
    return sorted({w for w in out if w.lower() not in allowed})
