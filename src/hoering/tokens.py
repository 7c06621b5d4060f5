"""Personal answer tokens.

A token is derived, never stored: ``HMAC-SHA256(secret, "answer:<nonce>")`` with a random
128-bit nonce per contact and hearing, written as 43 URL-safe characters (256 bits). The
database keeps the nonce and the SHA-256 of the token; a leaked database gives no working link,
and a mail (invitation or reminder) derives the same link again from the nonce.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_nonce() -> str:
    return secrets.token_hex(16)


def derive_token(secret: bytes, nonce: str) -> str:
    digest = hmac.new(secret, f"answer:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(text: str) -> bool:
    return bool(TOKEN_PATTERN.match(text))
