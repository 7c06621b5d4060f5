"""The stored result of a hearing: one row per close, never changed.

``payload`` is a :class:`hoering.domain.result.ResultRecord` as JSON. Closing writes version 1;
reopening keeps it, and closing again writes version 2. The newest row is the hearing's result.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ForeignKey, Select, String, UniqueConstraint, bindparam, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hoering.db.base import Base
from hoering.db.types import UTCDateTime


class HearingResultRow(Base):
    __tablename__ = "hearing_result"
    __table_args__ = (UniqueConstraint("hearing_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"), index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    forced: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[dict[str, Any]]


def latest_version(s: Session, hearing_id: int) -> int | None:
    return s.scalar(select(func.max(HearingResultRow.version)).where(HearingResultRow.hearing_id == hearing_id))


def add_result(s: Session, *, hearing_id: int, at: datetime, actor: str, forced: bool,
               payload: dict[str, Any]) -> HearingResultRow:
    """Store the next version of a hearing's result (the caller holds the hearing's lock)."""
    last = latest_version(s, hearing_id) or 0
    row = HearingResultRow(hearing_id=hearing_id, version=last + 1, created_at=at, created_by=actor,
                           forced=forced, payload=payload)
    s.add(row)
    s.flush()
    return row


def result_rows(s: Session, hearing_id: int) -> list[HearingResultRow]:
    """Every stored result of the hearing, oldest first."""
    return list(s.scalars(_rows_of_hearing(), {"hearing_id": hearing_id}))


@cache
def _rows_of_hearing() -> Select[tuple[HearingResultRow]]:
    """Built once (every result view reads it): building a select and its cache key each call
    cost more than running it."""
    return (select(HearingResultRow).where(HearingResultRow.hearing_id == bindparam("hearing_id"))
            .order_by(HearingResultRow.version))


def latest_rows(s: Session, hearing_ids: list[int]) -> dict[int, HearingResultRow]:
    """The newest stored result of each hearing in ``hearing_ids`` (one query)."""
    if not hearing_ids:
        return {}
    newest = (select(HearingResultRow.hearing_id, func.max(HearingResultRow.version).label("v"))
              .where(HearingResultRow.hearing_id.in_(hearing_ids))
              .group_by(HearingResultRow.hearing_id).subquery())
    rows = s.scalars(select(HearingResultRow).join(
        newest, (newest.c.hearing_id == HearingResultRow.hearing_id) & (newest.c.v == HearingResultRow.version)))
    return {r.hearing_id: r for r in rows}
