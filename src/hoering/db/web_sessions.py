"""Server-side login sessions of the secretariat (``/sekretariat`` and ``/api``).

The browser holds only a random token; the row is keyed by the token's SHA-256, so a copy of
the database gives no working session. A session ends by logout (``revoked_at``), by "log out
everywhere" (every open row of the same principal revoked), after ``idle`` without a request, or
at ``expires_at`` (an absolute limit from login).

``user_id`` names the secretariat user the session belongs to; it is NULL for the bootstrap
administrator (``HOERING_ADMIN_PASSWORD_HASH``), who has no user row. It has no foreign key here
on purpose: the users table lives in its own module and migration.

``method`` says how the session signed in (``password``, ``password+totp``, ``recovery``,
``oidc``, ``bootstrap``; NULL for sessions older than the column). ``role`` is the role the
identity provider's groups gave an ``oidc`` session at its sign-in (NULL otherwise: the
account's own role applies).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hoering.db.base import Base
from hoering.db.types import UTCDateTime


class WebSession(Base):
    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_user_open", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str | None] = mapped_column(String(20))
