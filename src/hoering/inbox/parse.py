"""A received message's raw bytes, read once into the facts the inbox decides on.

Every text taken from a message (subject, sender, body) goes through the boundary's
``clean_text`` (line breaks normalised, control characters removed, NFC). The body is what a mail
client shows: the HTML part when there is one (the plain part only when there is none), turned
into text here, with quoted parts (``<blockquote>``, Gmail's ``gmail_quote``, Outlook's reply
header block) marked as quotes with ``>`` so that the reply reader treats them like quoted plain
text. Text the reader does not see is left out: ``display:none``, ``visibility:hidden``,
``mso-hide:all``, ``opacity:0``, a zero font size, the ``hidden`` attribute, text coloured like
its background, and comments. When a mail has both parts, the plain one is kept beside it
(``Incoming.plain``) so that a disagreement between the two can be seen.
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

from hoering.domain.text import clean_text
from hoering.inbox.html_text import html_to_text

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
    body: str                        # what a mail client shows: the HTML part, else the plain one
    attachments: tuple[Attachment, ...] = field(default=())
    plain: str | None = None         # the plain alternative, when the mail also has an HTML part

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
        plain=_plain_beside_html(msg),
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
    """What a mail client shows: the HTML part as text, else the text/plain part."""
    part = msg.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(_content(part))
    part = msg.get_body(preferencelist=("plain",))
    if part is not None:
        return _content(part).replace("\r\n", "\n")
    return ""


def _plain_beside_html(msg: EmailMessage) -> str | None:
    if msg.get_body(preferencelist=("html",)) is None:
        return None
    part = msg.get_body(preferencelist=("plain",))
    return clean_text(_content(part).replace("\r\n", "\n")) if part is not None else None


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
        if not filename or (part.get("Content-ID") and part.get_content_disposition() != "attachment"):
            continue  # no name, or an image shown inside the mail (a signature's logo)
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found.append(Attachment(filename, part.get_content_type(), payload))
    return found
