"""Tables of the secretariat's console: people who log in, and hearings not yet opened.

A ``ConsoleUser`` is a person with a role (``sekretariat`` acts, ``formand`` approves minutes,
``laeser`` only reads); only an argon2 hash of the password and a SHA-256 of the API token are
kept. A person may add a second factor: a TOTP secret (``totp_secret``, set once the first code
was confirmed; ``totp_last_step`` is the last time step used, so a code works once) and ten
one-time ``RecoveryCode`` rows, kept only as keyed digests. ``oidc_subject`` is the identity
provider's ``sub`` once the account signed in through it. A ``HearingDraft`` is a hearing file
being written in the browser: its ``data`` is the hearing file as a mapping (the same the YAML
loader validates), nothing is sent until it is opened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hoering.db.base import Base
from hoering.db.types import UTCDateTime

ROLES = ("sekretariat", "formand", "laeser")


class ConsoleUser(Base):
    __tablename__ = "console_user"
    __table_args__ = (Index("ix_console_user_oidc_subject", "oidc_subject", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    oidc_subject: Mapped[str | None] = mapped_column(String(255))


class RecoveryCode(Base):
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_user.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HearingDraft(Base):
    __tablename__ = "hearing_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))
    # set when the draft was opened as a hearing; the draft is kept as the record of the form
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"))
