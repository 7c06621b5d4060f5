"""Writing to the append-only audit log (sealed into its hash chain at commit: ``db.audit``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hoering.db.audit import AuditEntry, stage

SECRETARIAT = "sekretariatet"  # the actor when the secretariat acts through the CLI or its pages


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    hearing_id: int | None = None,
    **details: Any,
) -> None:
    stage(session, AuditEntry(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
                              hearing_id=hearing_id, details=details))
