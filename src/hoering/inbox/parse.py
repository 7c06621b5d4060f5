"""A received message's raw bytes, read once into the facts the inbox decides on.

Every text taken from a message (subject, sender, body) goes through the boundary's
``clean_text`` (line breaks normalised, control characters removed, NFC). HTML-only mail (Outlook
on the web, phones) is turned into text here, with quoted parts
(``<blockquote>``, Gmail's ``gmail_quote``, Outlook's reply header block) marked as quotes with
``>`` so that the reply reader treats them like quoted plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, MIMEPart
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from hoering.domain.text import clean_text

MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Incoming:
    message: EmailMessage
    message_id: str | None
    subject: str
    from_addr: str
    from_name: str
    to_addrs: tuple[str, ...]
    thread_ids: tuple[str, ...]  # In-Reply-To first, then References (newest first)
    body: str
    attachments: tuple[Attachment, ...] = field(default=())

    def header(self, name: str) -> str:
        return str(self.message.get(name, "") or "").strip()


def parse(raw: bytes) -> Incoming:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    name, addr = _sender(_text(msg.get("From")))
    recipients = getaddresses([_text(msg.get(h)) for h in
                               ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To") if msg.get(h)])
    in_reply_to = MSGID.findall(_text(msg.get("In-Reply-To")))
    references = list(reversed(MSGID.findall(_text(msg.get("References")))))
    thread = tuple(dict.fromkeys(in_reply_to + references))
    message_id = (MSGID.findall(_text(msg.get("Message-ID"))) or [None])[0]
    return Incoming(
        message=msg, message_id=message_id, subject=" ".join(clean_text(_text(msg.get("Subject"))).split()),
        from_addr=clean_text(addr.strip().lower()), from_name=clean_text(name.strip()),
        to_addrs=tuple(dict.fromkeys(a.strip().lower() for _, a in recipients if a)),
        thread_ids=thread, body=clean_text(body_text(msg)), attachments=tuple(_attachments(msg)),
    )


@dataclass(frozen=True)
class Envelope:
    message_id: str | None
    from_addr: str
    subject: str


def envelope(raw: bytes) -> Envelope:
    """Message-ID, sender and subject from the header alone (what the store keeps beside the raw
    bytes): the legacy header parser, several times cheaper than the full parse."""
    head = BytesHeaderParser(policy=compat32).parsebytes(raw)
    subject, sender = _decoded(head.get("Subject")), _decoded(head.get("From"))
    ids = MSGID.findall(str(head.get("Message-ID", "") or ""))
    return Envelope(ids[0] if ids else None, clean_text(_sender(sender)[1].strip().lower()),
                    " ".join(clean_text(subject).split()))


def _decoded(value: object) -> str:
    if not value:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except (LookupError, UnicodeError, ValueError):  # an unknown charset or a broken encoded word
        return str(value)


def _sender(value: str) -> tuple[str, str]:
    """(display name, address); an unquoted comma in the name (``Socialdirektør, Aalborg
    Kommune <...>``) is read as one sender, not two."""
    name, addr = parseaddr(value)
    if "@" not in addr:
        candidates = [(n, a) for n, a in getaddresses([value]) if "@" in a]
        if candidates:
            addr = candidates[-1][1]
            name = value.split("<")[0].strip().strip('"')
    return name, addr


def _text(value: object) -> str:
    return "" if value is None else str(value)


def body_text(msg: EmailMessage) -> str:
    """The message's own text: its text/plain part, else its HTML part as text."""
    part = msg.get_body(preferencelist=("plain",))
    if part is not None:
        return _content(part).replace("\r\n", "\n")
    part = msg.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(_content(part))
    return ""


def _content(part: MIMEPart) -> str:
    try:
        value = part.get_content()
    except (LookupError, ValueError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        value = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    return value if isinstance(value, str) else value.decode("utf-8", errors="replace")


def _attachments(msg: EmailMessage) -> list[Attachment]:
    found = []
    for part in msg.iter_attachments():
        if part.get_content_maintype() in ("multipart", "message"):
            continue
        filename = part.get_filename()
        if not filename:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found.append(Attachment(filename, part.get_content_type(), payload))
    return found


BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote", "hr", "pre"}
QUOTE_MARKERS = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted")  # the element holds the quote
REST_MARKERS = ("divrplyfwdmsg", "appendonsend")  # Outlook: everything after it is the original


class _Text(HTMLParser):
    """Text of an HTML mail; lines inside quotes start with ``>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote_depth = 0
        self.quoted_from: int | None = None  # tag depth at which a quoted region started
        self.depth = 0
        self.skip = 0
        self.rest_quoted = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head", "title"):
            self.skip += 1
            return
        if tag not in ("br", "hr", "img", "meta", "link", "input"):
            self.depth += 1
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id", "type")).lower()
        if any(m in marks for m in REST_MARKERS):
            self.rest_quoted = True
        if self.quoted_from is None and (tag == "blockquote" or any(m in marks for m in QUOTE_MARKERS)):
            self.quoted_from = self.depth
        if tag in BLOCK:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title"):
            self.skip = max(0, self.skip - 1)
            return
        if tag in BLOCK:
            self._newline()
        if self.quoted_from is not None and self.depth <= self.quoted_from:
            self.quoted_from = None
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = re.sub(r"\s+", " ", data.replace("\xa0", " "))
        if not text.strip() and not self.lines[-1]:
            return
        if not self.lines[-1] and (self.quoted_from is not None or self.rest_quoted):
            self.lines[-1] = "> "
        self.lines[-1] += text

    def _newline(self) -> None:
        if self.lines[-1].strip(" >"):
            self.lines.append("")
        else:
            self.lines[-1] = ""


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(line.strip() if not line.startswith(">") else line.rstrip() for line in parser.lines).strip()
