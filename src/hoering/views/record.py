"""The result record of a hearing: built from the database at close (or as of now, for an open
hearing), and read back from its stored versions.

:func:`live_tally` is the only place a tally is computed from the registry and the answers (the
reminders and the deadline's silent kommuner read it), :func:`live_record` the only place a
result is; ``close_hearing`` stores what it returns, and every reader of a closed hearing takes
the stored version through :func:`record_in_force`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from hoering.db.hearings import Hearing
from hoering.db.results import HearingResultRow, result_rows
from hoering.db.tallying import Answers, Parties, answers_of, definition_of, parties_of
from hoering.domain.result import RECORD_FORMAT, ResultRecord, build_record
from hoering.domain.tally import Tally, tally

Read = tuple[Parties, Answers]


def read_answers(s: Session, hearing: Hearing) -> Read:
    """The hearing's parties (with their responses) and answers (with their files): two statements."""
    return parties_of(s, hearing.id), answers_of(s, hearing.id)


def live_tally(s: Session, hearing: Hearing, read: Read | None = None) -> Tally:
    """The tally as the registry and the answers stand now (``read``: as :func:`read_answers`
    gives them, when the caller has read them already)."""
    parties, answers = read or read_answers(s, hearing)
    return tally(definition_of(hearing), parties.for_tally(), answers.versions)


def live_record(s: Session, hearing: Hearing, read: Read | None = None) -> ResultRecord:
    """The result as the registry and the answers stand now (``read``: as for :func:`live_tally`)."""
    read = read or read_answers(s, hearing)
    parties = read[0]
    return build_record(definition_of(hearing), live_tally(s, hearing, read), parties.parties,
                        all_kommuner=parties.all_kommuner,
                        body_name=hearing.body.name, body_long=hearing.body.long_name, deadline=hearing.deadline)


def stored_record(row: HearingResultRow) -> ResultRecord | None:
    """The record in a stored row; None for a row migrated from before records (format 0)."""
    if row.payload.get("format") != RECORD_FORMAT:
        return None
    return ResultRecord.model_validate(row.payload)


@dataclass(frozen=True)
class InForce:
    """The record that is the hearing's result now, and where it came from."""

    record: ResultRecord
    row: HearingResultRow | None  # None: computed now (an open hearing, or a legacy close)
    rows: tuple[HearingResultRow, ...]  # every stored version, oldest first

    @property
    def frozen(self) -> bool:
        return self.row is not None


def record_in_force(s: Session, hearing: Hearing, read: Read | None = None) -> InForce:
    """A closed hearing's newest stored record; an open hearing's result so far (``read``: as for
    :func:`live_record`)."""
    rows = tuple(result_rows(s, hearing.id))
    if hearing.status == "closed" and rows:
        record = stored_record(rows[-1])
        if record is not None:
            return InForce(record, rows[-1], rows)
    return InForce(live_record(s, hearing, read), None, rows)
