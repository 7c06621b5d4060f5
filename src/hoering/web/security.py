"""What guards the portal: password hashes, CSRF tokens and a limit on failed guesses.

* Passwords are hashed with scrypt (stdlib); ``hoering web hash-password`` prints a hash for
  ``HOERING_ADMIN_PASSWORD_HASH``, and only the hash is ever configured.
* CSRF: a double-submit cookie. The cookie holds a random nonce; every form carries the nonce
  signed (itsdangerous, timed) together with the form's scope (one answer link, or the
  secretariat), so a form field from one page is refused on another.
* Failed guesses (unknown answer links, wrong passwords) are counted per client address in a
  sliding window, **in this process's memory**: a restart forgets them, and several worker
  processes each keep their own count.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer

CSRF_COOKIE = "hoering_csrf"
CSRF_FIELD = "csrf"
CSRF_MAX_AGE = 12 * 3600

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$16384$8$1$<salt>$<hash>`` (base64url, no padding)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "$".join(["scrypt", str(_SCRYPT["n"]), str(_SCRYPT["r"]), str(_SCRYPT["p"]),
                     _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``; False for a missing or malformed hash."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode(), salt=_unb64(salt), dklen=32,
                                n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, _unb64(expected))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Csrf:
    """Issue and check double-submit CSRF tokens bound to a scope."""

    def __init__(self, secret: bytes) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="hoering-csrf")

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(24)

    def field_for(self, nonce: str, scope: str) -> str:
        return self._serializer.dumps([nonce, scope])

    def valid(self, *, field: str | None, cookie: str | None, scope: str) -> bool:
        if not field or not cookie:
            return False
        try:
            nonce, signed_scope = self._serializer.loads(field, max_age=CSRF_MAX_AGE)
        except (BadSignature, ValueError, TypeError):
            return False
        return (isinstance(nonce, str) and hmac.compare_digest(nonce, cookie)
                and signed_scope == scope)


def answer_scope(token: str) -> str:
    """The CSRF scope of one answer link (a hash: the token itself is never put in a field)."""
    return "svar:" + hashlib.sha256(token.encode()).hexdigest()[:32]


SECRETARIAT_SCOPE = "sekretariat"


class FailureLimiter:
    """At most ``limit`` failures per client address within ``window`` seconds (in memory)."""

    def __init__(self, *, limit: int = 20, window: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str) -> deque[float]:
        now = self._clock()
        stamps = self._failures.setdefault(address, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps

    def blocked(self, address: str) -> bool:
        with self._lock:
            blocked = len(self._recent(address)) >= self.limit
            if not self._failures.get(address):
                self._failures.pop(address, None)
            return blocked

    def fail(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(self._clock())
