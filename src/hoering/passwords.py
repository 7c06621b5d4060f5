"""Password hashes: one scheme for every password, argon2 through pwdlib — the accounts' and the
shared bootstrap password's (``HOERING_ADMIN_PASSWORD_HASH``).

Bootstrap hashes made before, with scrypt (``scrypt$n$r$p$salt$hash``), are still accepted:
:func:`verify_and_update` says so by handing back the argon2 hash to keep instead (an account's is
replaced at its next sign-in; ``hoering doctor`` asks for a new bootstrap hash, which lives in the
environment). No new scrypt hash is ever made.

One-time recovery codes (random, 50 bits each) are kept as :func:`code_digest`, an HMAC-SHA256
under the installation's secret: found by a lookup, and a copy of the database alone gives none.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.base import ensure_bytes, ensure_str


class _Scrypt:
    """The old bootstrap scheme, verified only (pwdlib's hasher protocol)."""

    @classmethod
    def identify(cls, hash: str | bytes) -> bool:
        return ensure_str(hash).startswith("scrypt$")

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        raise NotImplementedError("scrypt hashes are only verified; new hashes are argon2")

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        try:
            _, n, r, p, salt, expected = ensure_str(hash).split("$")
            digest = hashlib.scrypt(ensure_bytes(password), salt=_unb64(salt), dklen=32,
                                    n=int(n), r=int(r), p=int(p))
            return hmac.compare_digest(digest, _unb64(expected))
        except (ValueError, TypeError):
            return False

    def check_needs_rehash(self, hash: str | bytes) -> bool:
        return True


_hasher = PasswordHash((Argon2Hasher(), _Scrypt()))


def hash_password(password: str) -> str:
    """An argon2 hash of ``password``."""
    return _hasher.hash(password)


def verify_and_update(password: str, stored: str | None) -> tuple[bool, str | None]:
    """Whether ``password`` matches ``stored``, and the hash to keep instead when ``stored`` is of
    an older scheme or older parameters (None otherwise). A missing or malformed hash matches
    nothing."""
    if not stored:
        return False, None
    try:
        return _hasher.verify_and_update(password, stored)
    except (UnknownHashError, ValueError, TypeError):
        return False, None


def verify_password(password: str, stored: str | None) -> bool:
    return verify_and_update(password, stored)[0]


def code_digest(secret: bytes, code: str) -> str:
    """The stored form of a one-time recovery code (spaces, dashes and case do not matter)."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(secret, b"recovery-code:" + normal.encode(), hashlib.sha256).hexdigest()


def needs_rehash(stored: str | None) -> bool:
    """True for a hash of an older scheme (a bootstrap hash to make again)."""
    return bool(stored) and _Scrypt.identify(stored or "")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
