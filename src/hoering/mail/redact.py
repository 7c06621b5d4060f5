"""Answer links are taken out of the stored copy of a mail once it is sent.

tokens.py promises that a copy of the database gives no working answer link: the database keeps
only each token's nonce and hash, and the secret derives the link. The outbox broke that promise
by keeping every sent message whole. Two ways out were possible: encrypt the stored copy with a
key derived from the secret, or redact the link once the message is sent. We redact, because

* the record stays readable for whoever investigates a delivery (``outbox status``, a support
  question, a restore from backup) without the secret, and a lost secret loses no record;
* a sent message is never sent again from its stored copy (a retry only re-sends rows that
  failed; sent rows are final), so after sending the link has no use in the database at all.

The copy is redacted once, when the mail is queued, and kept apart (``outbox_copy``); the message
with its links (``outbox_unsent``) is deleted in the statement that marks the row sent
(``db.outbox``). The window that remains: rows still ``pending``, ``sending`` or ``failed`` keep
their links until they are sent (a failed row must stay sendable for ``outbox retry``).
``hoering outbox status`` lists those rows; they are few and short-lived.

The chair's personal link to approve minutes is a derived token of the same kind and is taken
out the same way (``/referat/<meeting>/<person>/[fjernet]``).

The link is replaced in every text part (plain and HTML) by ``/svar/[fjernet]``; the rest of the
message is kept as it was (parts are re-encoded, which can change line wrapping, not content).
"""

from __future__ import annotations

import base64
import quopri
import re
from email import message_from_string
from email.policy import compat32

# An answer link, or the chair's approval link (``/referat/<meeting>/<person>/<token>``, services.minutes_approval).
LINK = re.compile(r"(/svar/|/referat/\d+/\d+/)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
REDACTED = r"\1[fjernet]"


def redact_answer_links(raw: str) -> str:
    """``raw`` (an RFC 5322 message) with every answer link's token replaced.

    Parsed with the ``compat32`` policy and re-encoded part by part in the part's own transfer
    encoding, leaving headers untouched: the modern policy's parse-and-rebuild costs ~40 ms a
    message, this ~1 ms (it runs for every message sent)."""
    msg = message_from_string(raw, policy=compat32)
    changed = False
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        charset = part.get_content_charset() or "us-ascii"
        body = part.get_payload(decode=True)
        if not isinstance(body, bytes):
            continue
        text = body.decode(charset, errors="replace")
        redacted = LINK.sub(REDACTED, text)
        if redacted == text:
            continue
        data = redacted.encode(charset, errors="replace")
        encoding = str(part.get("Content-Transfer-Encoding", "7bit")).lower()
        if encoding == "base64":
            part.set_payload(base64.encodebytes(data).decode("ascii"))
        elif encoding == "quoted-printable":
            part.set_payload(quopri.encodestring(data).decode("ascii"))
        else:
            part.set_payload(data.decode(charset, errors="replace"))
        changed = True
    if not changed:
        return raw
    linesep = "\r\n" if "\r\n" in raw else "\n"
    return msg.as_string(policy=compat32.clone(linesep=linesep))
