"""Login sessions held in the database: start, find, end, end everywhere.

The API, small on purpose (``hoering.web.sessions`` puts it on a cookie)::

    token = start_session(rt, user_id=None, address="10.0.0.7", method="password", actor="…")
    found = find_session(rt, token)       # LoginSession, or None: unknown, ended, idle or expired
    end_session(rt, token)                # logout; unknown tokens are ignored
    end_all_sessions(rt, user_id=None)    # "log out everywhere" for one principal; returns how many

``user_id`` is the secretariat user the session belongs to, ``None`` for the bootstrap
administrator (``HOERING_ADMIN_PASSWORD_HASH``). The token (256 random bits) is handed to the
browser once and stored only as its SHA-256. A session lasts at most ``session_hours`` from login
and ends after ``session_idle_minutes`` without a request; ``last_seen_at`` is written at most
once a minute, so browsing the overview does not take the write lock on every request.

Every start is audited (``session.started``) with how the session signed in (``method``:
``password``, ``password+totp``, ``recovery``, ``oidc``, ``bootstrap``), so the audit log shows
for each session what stood behind it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from hoering import audit
from hoering.db.web_sessions import WebSession
from hoering.runtime import Runtime

TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class LoginSession:
    """A live session. ``id`` is what forms are bound to (the CSRF scope), never the token."""

    id: int
    user_id: int | None
    method: str | None = None
    role: str | None = None  # the provider's groups' role for an ``oidc`` session


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(rt: Runtime, *, user_id: int | None = None, address: str | None = None,
                  method: str = "password", role: str | None = None, actor: str = "sekretariatet") -> str:
    """A new session for ``user_id`` (None: the bootstrap admin); returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    now = rt.now()
    with rt.db.transaction() as s:
        row = WebSession(token_hash=_digest(token), user_id=user_id, created_at=now, last_seen_at=now,
                         expires_at=now + timedelta(hours=rt.settings.session_hours),
                         address=(address or "")[:64] or None, method=method, role=role)
        s.add(row)
        s.flush()
        audit.record(s, at=now, actor=actor, action="session.started", entity="session",
                     entity_id=row.id, user_id=user_id, method=method, role=role, address=row.address)
    return token


def sign_in_failed(rt: Runtime, *, account: str, address: str | None, reason: str) -> None:
    """Audit a refused sign-in (a wrong password, a wrong or used code, a refused provider
    sign-in); the caller counts it against the budgets (``web.security.GuessLimits``)."""
    with rt.db.transaction() as s:
        audit.record(s, at=rt.now(), actor=account[:200] or "ukendt", action="sign_in.failed",
                     entity="session", entity_id=None, account=account[:254], reason=reason,
                     address=(address or "")[:64] or None)


def find_session(rt: Runtime, token: str | None) -> LoginSession | None:
    """The live session for ``token``; None when unknown, ended, idle too long or expired."""
    if not token or len(token) > 200:
        return None
    now = rt.now()
    idle = timedelta(minutes=rt.settings.session_idle_minutes)
    with rt.db.read() as s:
        row = s.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
        if row is None or row.revoked_at is not None or now >= row.expires_at \
                or now >= row.last_seen_at + idle:
            return None
        found = LoginSession(id=row.id, user_id=row.user_id, method=row.method, role=row.role)
        stale = now >= row.last_seen_at + TOUCH_EVERY
    if stale:
        with rt.db.transaction() as s:
            s.execute(update(WebSession).where(WebSession.id == found.id,
                                               WebSession.revoked_at.is_(None))
                      .values(last_seen_at=now))
    return found


def end_session(rt: Runtime, token: str | None) -> None:
    """Logout: the session of ``token`` ends now (nothing happens for an unknown token)."""
    if not token or len(token) > 200:
        return
    with rt.db.transaction() as s:
        s.execute(update(WebSession).where(WebSession.token_hash == _digest(token),
                                           WebSession.revoked_at.is_(None))
                  .values(revoked_at=rt.now()))


def end_all_sessions(rt: Runtime, *, user_id: int | None, actor: str = "sekretariatet") -> int:
    """"Log out everywhere": end every open session of ``user_id`` (None: the bootstrap admin)."""
    now = rt.now()
    owner = WebSession.user_id.is_(None) if user_id is None else WebSession.user_id == user_id
    with rt.db.transaction() as s:
        result = s.execute(update(WebSession).where(owner, WebSession.revoked_at.is_(None)).values(revoked_at=now))
        ended = cast("CursorResult[Any]", result).rowcount or 0
        audit.record(s, at=now, actor=actor, action="sessions.ended_everywhere", entity="user",
                     entity_id=user_id, sessions=ended)
    return ended
