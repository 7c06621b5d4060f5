"""Opening, closing, extending and reopening hearings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from hoering import audit
from hoering.db.models import AnswerToken, Body, Hearing, HearingRecipient, Kommune
from hoering.definitions import load_file
from hoering.domain.allocation import key_weights
from hoering.domain.calendar import as_aware, working_days_deadline
from hoering.domain.hearing import HearingDefinition, Weights
from hoering.errors import DefinitionError, NotFoundError, RuleViolation
from hoering.mail import notices
from hoering.runtime import Runtime
from hoering.services.lookups import get_hearing
from hoering.services.registry import all_kommuner, find_body, find_kommune
from hoering.services.tallying import tally_hearing
from hoering.tokens import derive_token, new_nonce, token_hash

SECRETARIAT = "sekretariatet"


def read_hearing_file(path: Path) -> HearingDefinition:
    return load_file(HearingDefinition, path)


def open_hearing(rt: Runtime, definition: HearingDefinition, *, actor: str = SECRETARIAT,
                 source: str = "hearing") -> int:
    """Store a validated hearing, give each contact a token, queue the invitations."""
    now = rt.now()
    with rt.db.transaction() as s:
        body, parties = _resolve(s, definition, source)
        if isinstance(definition.deadline, datetime):
            deadline = definition.deadline
        else:
            deadline = working_days_deadline(now, definition.deadline.working_days,
                                             definition.deadline.time)
        if deadline <= now:
            raise DefinitionError(source, [f"deadline: {deadline.isoformat()} has already passed"])
        hearing = Hearing(title=definition.title, body_id=body.id, kind=definition.kind,
                          definition=definition.model_dump(mode="json"), deadline=deadline,
                          opened_at=now, opened_by=actor)
        s.add(hearing)
        s.flush()
        for party in parties:
            recipient = HearingRecipient(hearing_id=hearing.id, kommune_id=party.id)
            s.add(recipient)
            s.flush()
            for person in party.contacts:
                if person.active and person.role in definition.contacts:
                    nonce = new_nonce()
                    s.add(AnswerToken(recipient_id=recipient.id, person_id=person.id, nonce=nonce,
                                      token_hash=token_hash(derive_token(rt.secret, nonce))))
        s.flush()
        audit.record(s, at=now, actor=actor, action="hearing.opened", entity="hearing",
                     entity_id=hearing.id, hearing_id=hearing.id, title=hearing.title,
                     deadline=deadline.isoformat(), recipients=[p.code for p in parties])
        notices.queue_invitations(rt, s, hearing)
        return hearing.id


def _resolve(s: Session, d: HearingDefinition, source: str) -> tuple[Body, list[Kommune]]:
    problems: list[str] = []
    body = None
    try:
        body = find_body(s, d.body)
    except NotFoundError as exc:
        problems.append(f"body: {exc}")
    parties: list[Kommune] = []
    if d.recipients == "all":
        parties = all_kommuner(s)
        if not parties:
            problems.append("recipients: the registry is empty; run hoering init")
    else:
        for i, name in enumerate(d.recipients):
            try:
                party = find_kommune(s, name)
            except NotFoundError as exc:
                problems.append(f"recipients.{i}: {exc}")
                continue
            if party in parties:
                problems.append(f"recipients.{i}: {party.name} is listed twice")
            parties.append(party)
    if d.allocation is not None and parties and not problems:
        key = d.allocation.key.weights if isinstance(d.allocation.key, Weights) else d.allocation.key
        try:
            key_weights(key, [p.code for p in parties], {p.code: p.population for p in parties})
        except ValueError as exc:
            problems.append(f"allocation.key: {exc}")
    if problems or body is None:
        raise DefinitionError(source, problems)
    return body, sorted(parties, key=lambda p: p.code)


@dataclass(frozen=True)
class Closed:
    hearing_id: int
    outcome: str | None


def close_hearing(rt: Runtime, hearing_id: int, *, force: bool = False,
                  actor: str = SECRETARIAT) -> Closed:
    """Close, tally, freeze the result and queue the result mails, in one transaction.

    Before the deadline only when every recipient has answered, or with ``force``.
    """
    now = rt.now()
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        if hearing.status == "closed":
            raise RuleViolation(f"hearing {hearing_id} is already closed")
        result = tally_hearing(s, hearing)
        if now < hearing.deadline and not force and result.silent:
            raise RuleViolation(
                f"hearing {hearing_id} runs until {hearing.deadline.isoformat()} and "
                f"{len(result.silent)} recipient(s) have not answered; use --force to close now"
            )
        hearing.status = "closed"
        hearing.closed_at = now
        hearing.result = result.to_json()
        s.flush()
        audit.record(s, at=now, actor=actor, action="hearing.closed", entity="hearing",
                     entity_id=hearing.id, hearing_id=hearing.id, forced=force and now < hearing.deadline,
                     outcome=result.outcome, answered=result.answered, silent=result.silent)
        notices.queue_results(rt, s, hearing, result)
        return Closed(hearing.id, result.outcome)


def change_deadline(rt: Runtime, hearing_id: int, *, deadline: datetime, reason: str,
                    reopen: bool, actor: str = SECRETARIAT) -> datetime:
    """Extend an open hearing (``reopen=False``) or reopen a closed one, with a reason."""
    now = rt.now()
    deadline = as_aware(deadline)
    reason = reason.strip()
    if not reason:
        raise RuleViolation("give a reason (--reason); it goes to the kommuner")
    with rt.db.transaction() as s:
        hearing = get_hearing(s, hearing_id, lock=True)
        if reopen and hearing.status != "closed":
            raise RuleViolation(f"hearing {hearing_id} is open; use extend")
        if not reopen and hearing.status != "open":
            raise RuleViolation(f"hearing {hearing_id} is closed; use reopen")
        if deadline <= now:
            raise RuleViolation(f"the new deadline {deadline.isoformat()} has already passed")
        if not reopen and deadline <= hearing.deadline:
            raise RuleViolation("an extension must move the deadline later")
        old = hearing.deadline
        previous_result = hearing.result
        hearing.deadline = deadline
        hearing.deadline_version += 1
        if reopen:
            hearing.status, hearing.closed_at, hearing.result = "open", None, None
        s.flush()
        audit.record(s, at=now, actor=actor, action="hearing.reopened" if reopen else "hearing.extended",
                     entity="hearing", entity_id=hearing.id, hearing_id=hearing.id,
                     old_deadline=old.isoformat(), new_deadline=deadline.isoformat(), reason=reason,
                     previous_result=previous_result if reopen else None)
        notices.queue_deadline_changed(rt, s, hearing, old_deadline=old, reason=reason, reopened=reopen)
        return deadline
