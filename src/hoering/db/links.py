"""Revoking answer links (``answer_token.revoked_at``): shared by ``hoering contact revoke`` /
``reissue`` (services.contacts) and the registry reload (services.registry), which audit it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.hearings import AnswerToken, HearingRecipient


def revoke_tokens(s: Session, person_id: int, *, now: datetime,
                  hearing_id: int | None = None) -> list[AnswerToken]:
    """Revoke the person's live links (in one hearing, or in all); returns the rows revoked."""
    query = select(AnswerToken).where(AnswerToken.person_id == person_id, AnswerToken.revoked_at.is_(None))
    if hearing_id is not None:
        query = query.join(HearingRecipient, HearingRecipient.id == AnswerToken.recipient_id) \
            .where(HearingRecipient.hearing_id == hearing_id)
    tokens = list(s.scalars(query.with_for_update()))
    for token in tokens:
        token.revoked_at = now
    return tokens
