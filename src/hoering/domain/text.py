"""Text cleaning at every boundary: what comes in is text a database and a writer can store.

A comment with ``\\x00`` made PostgreSQL refuse the insert (HTTP 500) and a ``\\x0b`` in a stored
answer made the XLSX export and the DOCX notat crash for good. So every string that enters from
outside (web forms, API bodies, CLI options, hearing/item/registry files, incoming mail) goes
through :func:`clean_text` once, at the boundary, and nothing past it needs to care:

* line breaks are normalised: CRLF and lone CR become LF; vertical tab, form feed and the
  Unicode line/paragraph separators become LF too (they were meant as breaks);
* other C0 controls (except tab and LF), DEL and the C1 controls are removed;
* lone surrogates (undecodable bytes in a command line) and the non-characters U+FFFE/U+FFFF,
  which no XML document (XLSX, DOCX) may hold, are removed;
* the result is NFC-normalised, so "å" typed as a + ring matches "å".

The call sites: ``web.text_route`` (every form field, JSON body, query and path parameter of
the web app and the API), ``cli.main`` (every option) and ``cli.common.read_password``,
``definitions`` (every hearing, item and registry file), ``inbox.parse`` (incoming mail), and
the services that store answers (web form, CLI and mail alike). The writers (``reports``,
``documents``: DOCX, PDF, XLSX, CSV, ICS) clean again what they write, for text stored before
this existed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, overload

_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@overload
def clean_text(value: str) -> str: ...
@overload
def clean_text(value: None) -> None: ...
def clean_text(value: str | None) -> str | None:
    """``value`` with line breaks normalised and control characters removed (None stays None)."""
    if value is None:
        return None
    if value.isprintable():  # the common case: nothing to do (no controls, no breaks)
        return unicodedata.normalize("NFC", value)
    text = _UNWANTED.sub("", _BREAKS.sub("\n", value))
    return unicodedata.normalize("NFC", text)


def clean_tree(value: Any) -> Any:
    """Every string in a parsed file (dicts, lists, keys too) cleaned with :func:`clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_tree(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_tree(v) for v in value]
    return value


def has_line_break(value: str) -> bool:
    """True when ``value`` holds CR or LF (or another break): refused in one-line fields such as
    a person's name, which ends up in a mail header."""
    return bool(_BREAKS.search(value)) or "\n" in value
