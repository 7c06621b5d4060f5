"""Finding a person where the bytes do not show them, and rewriting those copies without them.

What the system keeps is mostly stored the way it travelled: a mail as sent or received (its
headers RFC 2047-encoded, its body quoted-printable or base64, files attached inside it), an
uploaded file as the kommune gave it (a DOCX is a zip of XML with the text split across runs, a
PDF keeps its text in compressed streams). A search of the raw bytes finds none of these, which
is how an erasure once left eight of twenty-one copies behind. So a value is read the way its
reader would read it (:func:`readable_texts`), and rewritten the same way:

- a mail is parsed, each header and each text part replaced decoded and encoded again, and an
  attached file that names the person replaced by a tombstone (:func:`scrub_mail`);
- a file that names the person is not edited (a half-edited PDF or DOCX still shows the person
  in its metadata, thumbnails or revision history) but replaced as a whole by a tombstone: a
  short text naming what was there and why (:func:`tombstone`).
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from hoering.danish import format_date, format_size
from hoering.domain.filetypes import TYPES

Replacements = list[tuple[str, str]]
TOMBSTONE_TYPE = TYPES["txt"]
_MAIL_HEAD = re.compile(rb"^(Subject|From|To|Content-Type|MIME-Version|Message-I[Dd]|Received|Return-Path):",
                        re.MULTILINE)
_TAG = re.compile(r"<[^>]+>")
_MAX_ZIP_MEMBER = 50 * 1024 * 1024  # a member larger than this is not text we could search


def is_mail(data: bytes) -> bool:
    head = data[:20000]
    return bool(_MAIL_HEAD.search(head)) and (b"\n\n" in data or b"\r\n\r\n" in data)


def is_file(data: bytes) -> bool:
    """A file kept as given (PDF, or a zip-based office file): read whole, tombstoned whole."""
    return data[:5] == b"%PDF-" or data[:4] == b"PK\x03\x04"


def readable_texts(data: bytes) -> Iterator[str]:
    """Every way ``data`` can be read: as text, a mail decoded (headers, parts, attachments), a
    zip's members (with their XML tags removed, so text split across runs joins up), a PDF's text."""
    yield data.decode("utf-8", "replace")
    if data[:4] == b"PK\x03\x04":
        yield from _zip_texts(data)
    elif data[:5] == b"%PDF-":
        yield _pdf_text(data)
    elif is_mail(data):
        message = message_from_bytes(data, policy=policy.default)
        for part in message.walk():
            yield " ".join(_header_text(v) for _, v in part.items())
            if not part.is_multipart():
                payload = _payload(part)
                yield from readable_texts(payload)
                if part.get_content_type() == "text/html":
                    yield html.unescape(_TAG.sub(" ", payload.decode(part.get_content_charset() or "utf-8",
                                                                     "replace")))


def mentions(value: Any, needles: list[str]) -> bool:
    data = _as_bytes(value)
    lowered = [n.lower() for n in needles]
    return any(n in text.lower() for text in readable_texts(data) for n in lowered)


def replace_text(value: str, replacements: Replacements) -> str:
    for old, new in replacements:
        value = re.sub(re.escape(old), new.replace("\\", "\\\\"), value, flags=re.I)
    return value


def tombstone(*, filename: str, kind: str, size: int, stored_at: datetime | None, pseudonym: str | None,
              now: datetime, reference: str = "", why: str | None = None) -> bytes:
    """What is left of a removed file: what it was, and why it is gone (an erased person, named
    by ``pseudonym``; or ``why``, e.g. a retention period that ran out)."""
    label = TYPES[kind].label if kind in TYPES else kind.upper()
    received = f", modtaget {format_date(stored_at)}" if stored_at is not None else ""
    reason = why or (f"filen indeholdt personoplysninger om en person, hvis oplysninger blev slettet "
                     f"{format_date(now)} efter databeskyttelsesforordningens artikel 17 (retten til sletning). "
                     f"Personen er i systemet nu kun kendt som {pseudonym}.")
    return (f"Filen «{filename}» er slettet{f' ({reference})' if reference else ''}.\n\n"
            f"Hvad der var: {label}, {format_size(size)}{received}.\n"
            f"Hvorfor: {reason}\n"
            f"Filen kan ikke genskabes herfra; et journaliseret eksemplar i ESDH-systemet følger "
            f"ESDH-systemets egne regler.\n").encode()


def is_tombstone(data: bytes) -> bool:
    return data.startswith("Filen «".encode()) and b"\n\nHvad der var: " in data[:2000]


def scrub_mail(raw: bytes, replacements: Replacements, *, pseudonym: str, now: datetime) -> bytes:
    """``raw`` with every header, text part and attached file that names the person rewritten."""
    message = message_from_bytes(raw, policy=policy.default)
    needles = [old for old, _ in replacements]
    for part in message.walk():
        _scrub_headers(part, replacements)  # type: ignore[arg-type]
        if part.is_multipart():
            continue
        payload = _payload(part)
        if not mentions(payload, needles):
            continue
        assert isinstance(part, EmailMessage)
        disposition, filename = part.get_content_disposition(), part.get_filename()
        if part.get_content_maintype() == "text" and not is_file(payload):
            content = payload.decode(part.get_content_charset() or "utf-8", "replace")
            part.set_content(replace_text(content, replacements), subtype=part.get_content_subtype(),
                             disposition=disposition, filename=filename)
        else:
            name = replace_text(filename or "vedhæftet fil", replacements)
            part.set_content(tombstone(filename=name, kind=_kind_of(payload), size=len(payload), stored_at=None,
                                       pseudonym=pseudonym, now=now).decode(),
                             disposition="attachment", filename=f"{name}.slettet.txt")
    smtp = b"\r\n" in raw[:2000]
    return message.as_bytes(policy=policy.SMTP if smtp else policy.default)


def _scrub_headers(part: EmailMessage, replacements: Replacements) -> None:
    headers = list(part.items())
    changed = [(name, replace_text(_header_text(value), replacements)) for name, value in headers]
    if all(new == _header_text(old) for (_, old), (_, new) in zip(headers, changed, strict=True)):
        return
    for name in {name for name, _ in headers}:
        del part[name]
    for (name, old), (_, new) in zip(headers, changed, strict=True):
        if new == _header_text(old):
            part[name] = old
            continue
        try:
            part[name] = new
        except (ValueError, TypeError, IndexError):  # a value the header's parser refuses: keep it as text
            part[name] = re.sub(r"[<>]", " ", new)


def _header_text(value: Any) -> str:
    try:
        return str(value)
    except Exception:  # a malformed encoded word: the raw form, which still shows what is there
        return repr(value)


def _zip_texts(data: bytes) -> Iterator[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                if info.file_size > _MAX_ZIP_MEMBER or info.is_dir():
                    continue
                text = z.read(info).decode("utf-8", "replace")
                yield text
                yield _TAG.sub("", text)
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError):
        return


def _pdf_text(data: bytes) -> str:
    # imported here: pypdf loads only when a PDF is read (an erasure or an access report)
    from pypdf import PdfReader

    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # a damaged PDF is read as far as it goes, quietly
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            parts = [page.extract_text() or "" for page in reader.pages]
            if reader.metadata:
                parts += [str(v) for v in reader.metadata.values()]
            return "\n".join(parts)
    except Exception:  # pypdf raises many kinds on broken files; the raw bytes were searched already
        return ""
    finally:
        pypdf_log.setLevel(level)


def _payload(part: Any) -> bytes:
    """A leaf part's bytes, transfer encoding undone."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _kind_of(data: bytes) -> str:
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx" if b"word/" in data[:4000] else "zip"
    return "fil"


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, ensure_ascii=False, default=str).encode()
