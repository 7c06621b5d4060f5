"""Queries the services act on, named in the domain's words. (What people read is built in
``hoering.views``.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.hearings import Hearing


def hearings_open_past_deadline(s: Session, now: datetime) -> list[int]:
    return list(s.scalars(select(Hearing.id).where(Hearing.status == "open", Hearing.deadline <= now)
                          .order_by(Hearing.id)))
