"""Personal links in queued mail: a placeholder at rest, the working link only when it is sent.

A personal link (an answer link, a chair's link to approve the minutes) carries a derived token
(``hoering.tokens``): whoever holds it acts for its person. The database keeps only what the
token is derived from, so a copy of it gives no working link. A mail waiting in the outbox must
not break that, so it is queued with a placeholder where each token goes, and its row keeps
(placeholder → label, ``outbox_unsent.links``); the sender derives each token from its label with
the secret and puts it in as it sends (:func:`with_tokens`: one HMAC and one ``str.replace`` per
link, next to an SMTP round trip). We did not encrypt the queued message instead: the rows stay
readable for whoever investigates a delivery, and the sender's work per message stays that small.

A placeholder is random (``secrets.token_urlsafe(32)``: 43 characters of the token's alphabet),
so text someone else wrote into the mail (a comment echoed in a receipt) cannot name one, and the
stored copy's redaction (``mail.redact``) takes it out like a token. It must stand in the raw
message in one piece for ``str.replace`` to find it: the text parts of a message with personal
links are quoted-printable (never base64; ``mail.outbox``), and a soft line break the encoder put
inside a placeholder is moved in front of it (:func:`placed`). A placeholder and its token have
the same length and are both plain in quoted-printable, so putting the token in changes no
line's length.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Mapping

from hoering.tokens import answer_label, approval_label, derive

#: placeholder -> label (``tokens.answer_label`` / ``tokens.approval_label``)
Links = Mapping[str, str]

LINE = 76  # quoted-printable's longest line, soft break "=" included (RFC 2045; the encoder allows 78)
SOFT = "=\r\n"


class PersonalLinks:
    """The personal links of one message: each call returns the link with a placeholder for its
    token and remembers the label the sender derives the token from."""

    def __init__(self, portal_url: str) -> None:
        self.portal_url = portal_url
        self.labels: dict[str, str] = {}

    def _placeholder(self, label: str) -> str:
        for placeholder, known in self.labels.items():
            if known == label:
                return placeholder
        placeholder = secrets.token_urlsafe(32)
        self.labels[placeholder] = label
        return placeholder

    def answer(self, nonce: str) -> str:
        """A contact's answer link (the web app's ``/svar/<token>``)."""
        return f"{self.portal_url}/svar/{self._placeholder(answer_label(nonce))}"

    def approval(self, meeting_id: int, person_id: int) -> str:
        """A chair's link to approve a meeting's minutes (``/referat/<meeting>/<person>/<token>``)."""
        placeholder = self._placeholder(approval_label(meeting_id, person_id))
        return f"{self.portal_url}/referat/{meeting_id}/{person_id}/{placeholder}"


def placed(raw: str, links: Links, *, expected: Mapping[str, int]) -> str:
    """``raw`` (the message as queued, ``\\r\\n`` line ends) with every placeholder in one piece;
    ``expected``: how often each occurs in the rendered text and HTML. A placeholder that is not
    in the body as often, or is in a header, is a template's bug (the sender could not put its
    token in): RuntimeError, when the mail is queued rather than sent broken. (Attachments are not
    looked into: personal links belong in the text.)"""
    if not links or _all_there(raw, links, expected):
        return raw  # nothing broken: no regular expression run
    atoms = re.compile("|".join(map(re.escape, links)) + r"|=[0-9A-F]{2}|.", re.DOTALL)
    mended = True
    while mended:  # again: a line mended can end in a second placeholder broken over the next
        parts, done, mended = [], 0, False
        at = raw.find(SOFT)
        while at != -1:  # each soft break (base64 has none; quoted-printable one per long line)
            before = raw[max(0, at - PLACEHOLDER):at]
            head = before[len(before.rstrip(ALPHABET)):]  # a link's token always follows a "/"
            end = raw.find("\r\n", at + len(SOFT))
            line = raw[at + len(SOFT):end if end != -1 else len(raw)]
            placeholder = head + line[:PLACEHOLDER - len(head)]
            if 0 < len(head) < PLACEHOLDER and placeholder in links and at - len(head) >= done:
                parts += [raw[done:at - len(head)], _mended(placeholder, line[PLACEHOLDER - len(head):], atoms)]
                done, mended = at + len(SOFT) + len(line), True
            at = raw.find(SOFT, at + 1)
        raw = "".join(parts) + raw[done:]
    if not _all_there(raw, links, expected):
        raise RuntimeError("a personal link is not in the body of the message as queued as often as in the "
                           "mail's text (a link in a header or an attachment?): "
                           + ", ".join(f"{expected.get(p, 0)} and {raw.count(p)}" for p in links))
    return raw


PLACEHOLDER = 43  # characters, as a token
ALPHABET = string.ascii_letters + string.digits + "_-"


def _all_there(raw: str, links: Links, expected: Mapping[str, int]) -> bool:
    """Each placeholder in the body as often as expected, and none in a header (an encoded word
    would not even show a token as it is)."""
    head, _, body = raw.partition("\r\n\r\n")
    return all(p not in head and body.count(p) == expected.get(p, 0) for p in links)


def _mended(placeholder: str, rest: str, atoms: re.Pattern[str]) -> str:
    """A placeholder the encoder broke over two lines: the soft break goes in front of it, and the
    line it now starts is wrapped again after it (escapes ``=XX`` and placeholders kept whole)."""
    soft = rest.endswith("=")  # a soft break ("=" itself is always written "=3D")
    lines, line = [], placeholder
    for atom in atoms.findall(rest[:-1] if soft else rest):
        if len(line) + len(atom) > LINE - 1:
            lines.append(line + "=")
            line = ""
        line += atom
    lines.append(line + ("=" if soft else ""))
    return SOFT + "\r\n".join(lines)


def with_tokens(raw: str, links: Links | None, secret: bytes) -> str:
    """The message as it goes out: each placeholder replaced by its working token."""
    if links:
        for placeholder, label in links.items():
            raw = raw.replace(placeholder, derive(secret, label))
    return raw
