"""Heartbeats: when a recurring job (``hearing_watch``, the inbox fetch, ``privacy_watch``) last
succeeded. ``/healthz`` and ``hoering doctor`` read them to tell a stopped scheduler from a quiet
week. Times are real wall-clock times, never a replay's ``now``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hoering.db.base import Base
from hoering.db.types import UTCDateTime


class Heartbeat(Base):
    __tablename__ = "heartbeat"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
