"""Tables of the secretariat's console: people who log in, and hearings not yet opened.

A ``ConsoleUser`` is a person with a role (``sekretariat`` acts, ``formand`` approves minutes,
``laeser`` only reads); only an argon2 hash of the password and a SHA-256 of the API token are
kept. A ``HearingDraft`` is a hearing file being written in the browser: its ``data`` is the
hearing file as a mapping (the same the YAML loader validates), nothing is sent until it is opened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hoering.db.base import Base
from hoering.db.types import UTCDateTime

ROLES = ("sekretariat", "formand", "laeser")


class ConsoleUser(Base):
    __tablename__ = "console_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
