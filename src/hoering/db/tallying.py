"""Feeding the pure tally from the database: the rows of a hearing as the domain's parties and
answer versions. In the db layer so that services, views and reports all tally the same way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.db.hearings import Answer, Hearing, HearingRecipient
from hoering.db.registry import Kommune
from hoering.domain.hearing import HearingDefinition
from hoering.domain.tally import AnswerVersion, Party, Tally, tally


def definition_of(hearing: Hearing) -> HearingDefinition:
    return parse_definition(hearing.definition)


def parse_definition(stored: dict[str, Any]) -> HearingDefinition:
    """A hearing's stored definition (its ``definition`` column) as the domain's model."""
    return HearingDefinition.model_validate(stored)


def recipients_of(s: Session, hearing_id: int) -> list[tuple[HearingRecipient, Kommune]]:
    rows = s.execute(
        select(HearingRecipient, Kommune)
        .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
        .where(HearingRecipient.hearing_id == hearing_id)
        .order_by(Kommune.code)
    )
    return [(r, k) for r, k in rows.tuples()]


def answer_versions(s: Session, hearing_id: int) -> list[AnswerVersion]:
    rows = s.execute(
        select(Answer, Kommune.code)
        .join(HearingRecipient, HearingRecipient.id == Answer.recipient_id)
        .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
        .where(Answer.hearing_id == hearing_id)
        .order_by(Answer.id)
    )
    return [
        AnswerVersion(code=code, version=a.version, option=a.option, received_at=a.received_at,
                      late=a.late, text=a.text, comment=a.comment, channel=a.channel,
                      answered_by=a.answered_by)
        for a, code in rows.tuples()
    ]


def tally_hearing(s: Session, hearing: Hearing) -> Tally:
    """The tally as of now (an open hearing; a closed one is read from its stored record)."""
    parties = [Party(k.code, k.name, k.population) for _, k in recipients_of(s, hearing.id)]
    return tally(definition_of(hearing), parties, answer_versions(s, hearing.id))
