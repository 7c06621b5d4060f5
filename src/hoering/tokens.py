"""Personal answer tokens.

A token is derived, never stored: ``HMAC-SHA256(secret, "answer:<nonce>")`` with a random
128-bit nonce per contact and hearing, written as 43 URL-safe characters (256 bits). The
database keeps the nonce and the SHA-256 of the token; a leaked database gives no working link,
and a mail (invitation or reminder) derives the same link again from the nonce: a queued mail
holds a placeholder the sender fills in as it sends (``mail.links``), and what is kept of a mail,
sent or received, has its links redacted (``mail.redact``).

Reply and bounce addresses carry a key of the same kind (``make_key``/``find_key`` below):
``HOERING_REPLY_ADDRESS`` (``sekretariat+{key}@…``, a contact's Reply-To; the key names the
contact's answer link) and ``HOERING_BOUNCE_ADDRESS`` (``bounce+{key}@…``, the envelope sender,
VERP; the key names the outbox row). A key is ``<kind><id>-<tag>``, the tag 16 hex digits of an
HMAC over kind and id with the secret: without the secret no valid key can be made up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_nonce() -> str:
    return secrets.token_hex(16)


def derive(secret: bytes, label: str) -> str:
    """The token a label names (``answer_label``, ``approval_label``): 43 URL-safe characters of
    ``HMAC-SHA256(secret, label)``. A queued mail keeps the label and the sender derives the token
    (``mail.links``)."""
    digest = hmac.new(secret, label.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def answer_label(nonce: str) -> str:
    return f"answer:{nonce}"


def derive_token(secret: bytes, nonce: str) -> str:
    return derive(secret, answer_label(nonce))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(text: str) -> bool:
    return bool(TOKEN_PATTERN.match(text))


KEY = r"([a-z])(\d+)-([0-9a-f]{16})"


def _tag(secret: bytes, kind: str, ident: int) -> str:
    return hmac.new(secret, f"inbox:{kind}:{ident}".encode(), hashlib.sha256).hexdigest()[:16]


def make_key(secret: bytes, kind: str, ident: int) -> str:
    return f"{kind}{ident}-{_tag(secret, kind, ident)}"


def address_for(template: str, secret: bytes, kind: str, ident: int) -> str:
    return template.replace("{key}", make_key(secret, kind, ident))


def find_key(template: str | None, secret: bytes, kind: str, addresses: Iterable[str]) -> int | None:
    """The id in the first address matching ``template`` whose key verifies, else None."""
    if not template or "{key}" not in template:
        return None
    head, _, tail = template.lower().partition("{key}")
    pattern = re.compile(re.escape(head) + KEY + re.escape(tail) + "$")
    for address in addresses:
        m = pattern.match(address.strip().lower())
        if m and m.group(1) == kind and hmac.compare_digest(m.group(3), _tag(secret, kind, int(m.group(2)))):
            return int(m.group(2))
    return None


def approval_label(meeting_id: int, person_id: int) -> str:
    return f"minutes:{meeting_id}:{person_id}"


def approval_token(secret: bytes, meeting_id: int, person_id: int) -> str:
    """The chair's personal link to approve one meeting's minutes: derived, never stored (like an
    answer token: 43 URL-safe characters, an HMAC with the secret), so only a mail carries it."""
    return derive(secret, approval_label(meeting_id, person_id))
