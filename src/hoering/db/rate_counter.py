"""The table of rate-limit counters (``db.rate_limits`` is the ``limits`` storage over it).

On its own so that loading every table (``db.models``) does not import ``limits`` and the SQL
dialects' upserts: only the web portal's limiter needs those."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from hoering.db.base import Base


class RateCounter(Base):
    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(Float, index=True)
