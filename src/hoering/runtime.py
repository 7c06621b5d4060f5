"""``bootstrap()``: settings, database and clock, built on demand (never at import time).

Every entry point (CLI command, flow task, web app) calls ``bootstrap()`` and hands the
:class:`Runtime` to the services. Tests build one with their own settings and clock.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from hoering.danish import utcnow
from hoering.db.session import Database
from hoering.settings import Settings, load_settings
from hoering.tokens import derive_token

Clock = Callable[[], datetime]

_databases: dict[str, Database] = {}


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()

    def __post_init__(self) -> None:
        self.db.audit_key = self.audit_key

    @property
    def secret(self) -> bytes:
        return self.settings.secret()

    def answer_link(self, nonce: str) -> str:
        """The personal answer link for a token's nonce (the token itself is never stored)."""
        return f"{self.settings.portal_url}/svar/{derive_token(self.secret, nonce)}"

    def audit_key(self) -> bytes:
        """The key of the audit log's hash chain (``db.audit``), derived from the secret."""
        return hmac.new(self.secret, b"hoering-audit-chain", hashlib.sha256).digest()


def database_for(url: str) -> Database:
    """One Database (engine and pool) per URL per process."""
    if url not in _databases:
        _databases[url] = Database(url)
    return _databases[url]


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None) -> Runtime:
    settings = settings or load_settings()
    return Runtime(settings=settings, db=database_for(settings.database_url), clock=clock or utcnow)


def forget_databases() -> None:
    """Dispose every cached engine (tests, and before a fork)."""
    for db in _databases.values():
        db.dispose()
    _databases.clear()
