"""What guards the portal: password hashes, CSRF tokens and a limit on failed guesses.

* Passwords are hashed in one place (``hoering.passwords``, argon2); ``hoering web
  hash-password`` prints a hash for ``HOERING_ADMIN_PASSWORD_HASH``, and only the hash is ever
  configured.
* CSRF: a double-submit cookie. The cookie holds a random nonce; every form carries the nonce
  signed (itsdangerous, timed) together with the form's scope (one answer link, or the
  secretariat), so a form field from one page is refused on another.
* Failed guesses are limited by :class:`GuessLimits` (separate budgets for link guesses and
  logins, per address and per account), counted in the database so every process shares them.
* The client's address is the peer's, or from ``X-Forwarded-For`` only when the peer is one of
  ``HOERING_TRUSTED_PROXIES`` (:func:`client_ip`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

CSRF_COOKIE = "hoering_csrf"
CSRF_FIELD = "csrf"
CSRF_MAX_AGE = 12 * 3600

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


class GuessLimits:
    """Separate budgets for failures, counted with ``limits`` in the database (all processes,
    across restarts): failed link guesses per client address; failed logins per address and per
    account. A budget spent on link guesses never blocks a login, and the other way round.

    A valid answer link is always honoured, whatever its address has guessed: the tokens carry
    256 bits, so the budget is there to slow scanners and keep the log readable, not to stand
    between a kommune and its link (behind a shared address, someone else's guesses would)."""

    def __init__(self, storage: Storage, *, link_guesses: RateLimitItem, logins_per_address: RateLimitItem,
                 logins_per_account: RateLimitItem) -> None:
        self._limiter = FixedWindowRateLimiter(storage)
        self.link_guesses = link_guesses
        self.logins_per_address = logins_per_address
        self.logins_per_account = logins_per_account

    @classmethod
    def per_window(cls, storage: Storage, *, limit: int, window: float) -> GuessLimits:
        """``limit`` link guesses and ``limit`` logins per address, ``2 × limit`` logins per
        account, each within ``window`` seconds."""
        seconds = max(1, int(window))
        return cls(storage, link_guesses=RateLimitItemPerSecond(limit, seconds),
                   logins_per_address=RateLimitItemPerSecond(limit, seconds),
                   logins_per_account=RateLimitItemPerSecond(2 * limit, seconds))

    def link_guess_failed(self, address: str) -> bool:
        """Count a failed link guess; False once the address has spent its budget."""
        return self._limiter.hit(self.link_guesses, "svar-guess", address)

    def login_allowed(self, address: str, account: str) -> bool:
        return (self._limiter.test(self.logins_per_address, "login-address", address)
                and self._limiter.test(self.logins_per_account, "login-account", account))

    def login_failed(self, address: str, account: str) -> None:
        self._limiter.hit(self.logins_per_address, "login-address", address)
        self._limiter.hit(self.logins_per_account, "login-account", account)


def parse_networks(text: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """``HOERING_TRUSTED_PROXIES``: addresses or networks, separated by commas or spaces."""
    return tuple(ip_network(part, strict=False) for part in text.replace(",", " ").split())


def client_ip(peer: str | None, forwarded_for: str | None,
              trusted: tuple[IPv4Network | IPv6Network, ...]) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy; then the nearest
    address in ``X-Forwarded-For`` that is not itself a trusted proxy (read right to left, since
    a client can put anything at the left end)."""
    if not peer:
        return "unknown"
    if not trusted or not forwarded_for or not _in(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted):
            try:
                return str(ip_address(hop))
            except ValueError:
                return peer  # garbage from the client's side: count it on the proxy
    return hops[0] if hops else peer


def _in(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)
