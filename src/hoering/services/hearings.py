"""Opening, closing, extending and reopening hearings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hoering import audit
from hoering.audit import SECRETARIAT
from hoering.danish import format_datetime
from hoering.db.lookup import get_hearing
from hoering.db.models import AnswerToken, Hearing, HearingRecipient
from hoering.db.results import add_result, latest_version
from hoering.definitions import read_yaml, validate
from hoering.domain.calendar import as_aware
from hoering.domain.hearing import HearingDefinition
from hoering.errors import DefinitionError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.hearing_checks import (
    check_hearing,
    invited_contacts,
    refuse_closed_day,
    refuse_opening_twice,
)
from hoering.services.hearing_documents import (
    HearingInput,
    bilag_problems,
    read_hearing_bilag,
    store_bilag,
    with_bilag,
)
from hoering.services.outgoing import hearings as notices
from hoering.tokens import derive_token, new_nonce, token_hash
from hoering.views.record import live_record, read_answers
from hoering.views.result import result_of


def read_hearing_file(path: Path) -> HearingInput:
    """The validated file with its bilag, read beside it (only inside its folder)."""
    given = read_hearing_bilag(read_yaml(path), path.parent)
    definition = validate(HearingDefinition, given.definition, source=str(path))
    if problems := bilag_problems(definition, given):
        raise DefinitionError(str(path), problems)
    return HearingInput(definition, given.bilag)


def open_hearing_file(rt: Runtime, path: Path, *, actor: str = SECRETARIAT, allow_closed_day: bool = False,
                      again: bool = False) -> int:
    """``open_hearing`` from a file (bilag beside it, inside its folder): every mistake reported
    at once."""
    return open_hearing(rt, read_hearing_bilag(read_yaml(path), path.parent), source=str(path), actor=actor,
                        allow_closed_day=allow_closed_day, again=again)


def open_hearing(rt: Runtime, submitted: HearingInput | HearingDefinition | Mapping[str, Any], *,
                 actor: str = SECRETARIAT, source: str = "hearing", allow_closed_day: bool = False,
                 again: bool = False) -> int:
    """Check a hearing (see ``check_hearing``), store it and its bilag, give each contact a token,
    queue the invitations. The same title, body and deadline as an earlier hearing needs
    ``again``; a deadline on a weekend or closing day needs ``allow_closed_day``. Bilag come only
    as bytes in a ``HearingInput`` (read beside a hearing file, or uploaded); a definition that
    names a bilag without its bytes is refused, its path never read."""
    given = submitted if isinstance(submitted, HearingInput) else HearingInput(submitted)
    now = rt.now()
    with rt.db.read() as s:  # every mistake at once
        checked = check_hearing(s, given.definition, source=source, now=now, allow_closed_day=allow_closed_day,
                                bilag=given)
    with rt.db.transaction() as s:
        checked = check_hearing(s, with_bilag(checked.definition, given.bilag), source=source, now=now,
                                allow_closed_day=allow_closed_day)
        if not again:
            refuse_opening_twice(s, checked)
        d, deadline = checked.definition, checked.deadline
        hearing = Hearing(title=d.title, body_id=checked.body.id, kind=d.kind,
                          definition=d.model_dump(mode="json"), deadline=deadline,
                          opened_at=now, opened_by=actor)
        s.add(hearing)
        s.flush()
        store_bilag(s, hearing, d, given.bilag, now=now, source=source)
        for party in checked.parties:
            recipient = HearingRecipient(hearing_id=hearing.id, kommune_id=party.id)
            s.add(recipient)
            s.flush()
            for person in invited_contacts(party, d):
                nonce = new_nonce()
                s.add(AnswerToken(recipient_id=recipient.id, person_id=person.id, nonce=nonce,
                                  token_hash=token_hash(derive_token(rt.secret, nonce))))
        s.flush()
        audit.record(s, at=now, actor=actor, action="hearing.opened", entity="hearing",
                     entity_id=hearing.id, hearing_id=hearing.id, title=hearing.title,
                     deadline=deadline.isoformat(), recipients=[p.code for p in checked.parties])
        notices.queue_invitations(rt, s, hearing)
        return hearing.id


def opened_deadline(rt: Runtime, hearing_id: int) -> datetime:
    with rt.db.read() as s:
        return get_hearing(s, hearing_id).deadline


MAX_REASON = 2000  # characters in a reason for closing


@dataclass(frozen=True)
class Closed:
    hearing_id: int
    outcome: str | None


def close_hearing(rt: Runtime, hearing_id: int, *, force: bool = False,
                  actor: str = SECRETARIAT, reason: str | None = None) -> Closed:
    """Close, tally, store the result record (a new version) and queue the result mails, in one
    transaction.

    Before the deadline only when every recipient has answered, or with ``force``. ``reason``
    (why it was closed, e.g. before the deadline) is kept in the audit log.
    """
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise RuleViolation(f"begrundelsen er længere end {MAX_REASON} tegn")
    now = rt.now()
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        if hearing.status == "closed":
            raise RuleViolation(f"høring {hearing_id} er allerede lukket")
        read = read_answers(s, hearing)  # once: the record and the result mails both come from it
        record = live_record(s, hearing, read)
        if now < hearing.deadline and not force and record.silent:
            raise RuleViolation(
                f"høring {hearing_id} løber til {format_datetime(hearing.deadline)}, og "
                f"{len(record.silent)} modtager(e) har ikke svaret; brug --force for at lukke nu"
            )
        forced = force and now < hearing.deadline
        hearing.status = "closed"
        hearing.closed_at = now
        row = add_result(s, hearing_id=hearing.id, at=now, actor=actor, forced=forced,
                         payload=record.model_dump(mode="json"))
        audit.record(s, at=now, actor=actor, action="hearing.closed", entity="hearing",
                     entity_id=hearing.id, hearing_id=hearing.id, forced=forced,
                     outcome=record.outcome, answered=record.answered, silent=list(record.silent),
                     result_version=row.version, **({"reason": reason} if reason else {}))
        notices.queue_results(rt, s, hearing, result_of(s, hearing, read))
        return Closed(hearing.id, record.outcome)


def change_deadline(rt: Runtime, hearing_id: int, *, deadline: datetime, reason: str,
                    reopen: bool, actor: str = SECRETARIAT, allow_closed_day: bool = False) -> datetime:
    """Extend an open hearing (``reopen=False``) or reopen a closed one, with a reason.

    The new deadline lies in the future and not before the current one (an extension moves it
    later); on a weekend or closing day only with ``allow_closed_day``."""
    now = rt.now()
    deadline = as_aware(deadline)
    reason = reason.strip()
    if not reason:
        raise RuleViolation("angiv en begrundelse (--reason); den sendes til kommunerne")
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        if reopen and hearing.status != "closed":
            raise RuleViolation(f"høring {hearing_id} er åben; brug extend")
        if not reopen and hearing.status != "open":
            raise RuleViolation(f"høring {hearing_id} er lukket; brug reopen")
        if deadline <= now:
            raise RuleViolation(f"den nye frist {format_datetime(deadline)} er allerede overskredet")
        if deadline < hearing.deadline:
            raise RuleViolation(f"den nye frist {format_datetime(deadline)} ligger før den nuværende, "
                                f"{format_datetime(hearing.deadline)}")
        if not reopen and deadline == hearing.deadline:
            raise RuleViolation("en forlængelse skal flytte fristen til senere")
        problem = refuse_closed_day(deadline, allow=allow_closed_day, field="--deadline")
        if problem:
            raise RuleViolation(problem)
        old = hearing.deadline
        hearing.deadline = deadline
        hearing.deadline_version += 1
        if reopen:
            hearing.status, hearing.closed_at = "open", None  # the stored results are kept
        s.flush()
        audit.record(s, at=now, actor=actor, action="hearing.reopened" if reopen else "hearing.extended",
                     entity="hearing", entity_id=hearing.id, hearing_id=hearing.id,
                     old_deadline=old.isoformat(), new_deadline=deadline.isoformat(), reason=reason,
                     previous_result_version=latest_version(s, hearing.id) if reopen else None)
        notices.queue_deadline_changed(rt, s, hearing, old_deadline=old, reason=reason, reopened=reopen)
        return deadline
