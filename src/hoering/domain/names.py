"""How a person names a kommune on the command line: by code, or by name in any case, with or
without "Kommune", with æøå or ae/oe/aa; and how lists name and order the parties."""

from __future__ import annotations

import re
import unicodedata

_TRANSLIT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "ue"})


def normalise(name: str) -> str:
    """``"Hjørring Kommune"``, ``"hjoerring"`` and ``"HJØRRING"`` all become ``"hjoerring"``."""
    text = unicodedata.normalize("NFC", name).strip().lower().translate(_TRANSLIT)
    text = re.sub(r"\bkommune\b", " ", text)
    return re.sub(r"[^a-z0-9]+", "", text)


def full_name(name: str, kind: str) -> str:
    """How a party is named in full: "Hjørring Kommune"; the region by its own name."""
    return f"{name} Kommune" if kind == "kommune" else name


def alphabetical(name: str) -> str:
    """The sort key of a name: every list, mail, page and document shows kommuner in this
    (alphabetical) order, Aalborg first."""
    return unicodedata.normalize("NFC", name).casefold()


def name_keys(name: str, code: int) -> set[str]:
    """Every string that names this party."""
    keys = {normalise(name), str(code)}
    if normalise(name).startswith("region"):
        keys.add("region")
    return keys
