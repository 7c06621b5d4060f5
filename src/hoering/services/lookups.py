"""Finding rows by id, for every service (kept light: no mail, no templates)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.models import Hearing
from hoering.errors import NotFoundError


def get_hearing(s: Session, hearing_id: int, *, lock: bool = False) -> Hearing:
    """The hearing, locked for update when ``lock``; NotFoundError when there is none."""
    query = select(Hearing).where(Hearing.id == hearing_id)
    if lock:
        query = query.with_for_update()
    hearing = s.scalar(query)
    if hearing is None:
        raise NotFoundError(f"no hearing with id {hearing_id}")
    return hearing
