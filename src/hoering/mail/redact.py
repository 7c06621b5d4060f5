"""Personal links are taken out of every stored mail: the copy of each mail sent, and each mail received.

tokens.py promises that a copy of the database gives no working answer link: the database keeps
only each token's nonce and hash, and the secret derives the link. A message waiting to be sent
holds placeholders, not links (``mail.links``); what is kept of a mail is redacted:

* the stored copy of a sent mail (``outbox_copy``), made once when the mail is queued. We redact
  rather than encrypt it: the record stays readable for whoever investigates a delivery
  (``outbox status``, a support question, a restore from backup) without the secret, a lost
  secret loses no record, and a sent message is never sent again from its stored copy.
* a mail received (``inbox_message.raw``, :func:`redact_received`), before it is stored: a reply
  quoting the invitation quotes its link, and the inbox reads the reply's own text, never the
  link (a reply is matched by its Reply-To key and its thread).

The chair's personal link to approve minutes is a derived token of the same kind and is taken
out the same way (``/referat/<meeting>/<person>/[fjernet]``); so is a link a mail filter
rewrote with its slashes URL-encoded (Microsoft's Safe Links: ``%2Fsvar%2F<token>``).

The link is replaced in every text part (plain and HTML) by ``/svar/[fjernet]``; the rest of the
message is kept as it was (parts are re-encoded, which can change line wrapping, not content).
"""

from __future__ import annotations

import base64
import codecs
import quopri
import re
from email import message_from_bytes, message_from_string
from email.message import Message
from email.policy import compat32

# An answer link, or the chair's approval link (``/referat/<meeting>/<person>/<token>``,
# services.minutes_approval); its slashes as they are or URL-encoded (``%2F``).
_SLASH = r"(?:/|%2[Ff])"
LINK = re.compile(rf"({_SLASH}svar{_SLASH}|{_SLASH}referat{_SLASH}\d+{_SLASH}\d+{_SLASH})"
                  r"[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
REDACTED = r"\1[fjernet]"


def redact_answer_links(raw: str) -> str:
    """``raw`` (an RFC 5322 message we made) with every personal link's token replaced.

    Parsed with the ``compat32`` policy and re-encoded part by part in the part's own transfer
    encoding, leaving headers untouched: the modern policy's parse-and-rebuild costs ~40 ms a
    message, this ~1 ms (it runs for every message queued)."""
    msg = message_from_string(raw, policy=compat32)
    if not _redact_parts(msg):
        return raw
    linesep = "\r\n" if "\r\n" in raw else "\n"
    return msg.as_string(policy=compat32.clone(linesep=linesep))


def redact_received(raw: bytes) -> bytes:
    """``raw`` (a message as received: any charset, 8-bit parts) with every personal link's token
    replaced; the bytes unchanged when it holds none. Bytes that do not decode in a part's charset
    are kept as they were."""
    try:
        msg = message_from_bytes(raw, policy=compat32)
        if not _redact_parts(msg):
            return raw
        return msg.as_bytes(policy=compat32.clone(linesep="\r\n" if b"\r\n" in raw else "\n"))
    except Exception:  # a message too broken to re-encode: its links go, wherever they stand as text
        return LINK.sub(REDACTED, raw.decode("latin-1")).encode("latin-1")


def _redact_parts(msg: Message) -> bool:
    """Redact every text part of ``msg`` in place (attachments are left alone); True if any changed."""
    changed = False
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        body = part.get_payload(decode=True)
        if not isinstance(body, bytes):
            continue
        charset = _charset(part.get_content_charset())
        text = body.decode(charset, errors="surrogateescape")
        redacted = LINK.sub(REDACTED, text)
        if redacted == text:
            continue
        data = redacted.encode(charset, errors="surrogateescape")
        encoding = str(part.get("Content-Transfer-Encoding", "7bit")).lower()
        if encoding == "base64":
            part.set_payload(base64.encodebytes(data).decode("ascii"))
        elif encoding == "quoted-printable":
            part.set_payload(quopri.encodestring(data).decode("ascii"))
        else:  # 7bit/8bit: the bytes as they are (a bytes generator writes them back unchanged)
            part.set_payload(data.decode("ascii", errors="surrogateescape"))
        changed = True
    return changed


def _charset(name: str | None) -> str:
    """The part's charset, or Latin-1 (which decodes any byte) when it is unknown."""
    try:
        return codecs.lookup(name or "us-ascii").name
    except LookupError:
        return "latin-1"
