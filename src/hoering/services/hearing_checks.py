"""Checking a hearing before it is opened: the file's structure, its fields against each other,
the registry (body, recipients, distribution key) and the deadline (not past, not on a day the
offices are closed), all in one run.

A secretariat fixing a file one mistake per attempt loses patience and trust; so every check
runs even when another has failed, and each problem names its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.danish import format_datetime
from hoering.db.models import Body, Hearing, Kommune, Person
from hoering.definitions import describe_errors
from hoering.domain.allocation import key_weights
from hoering.domain.calendar import closed_because, local_date, working_days_deadline
from hoering.domain.hearing import HearingDefinition, Weights, raw_consistency_problems
from hoering.domain.names import alphabetical
from hoering.errors import DefinitionError, NotFoundError, RuleViolation
from hoering.services.hearing_documents import HearingInput, bilag_problems
from hoering.services.registry import all_kommuner, find_body, find_kommune

ALLOW_CLOSED_DAY = "--allow-closed-day"


def invited_contacts(party: Kommune, definition: HearingDefinition) -> list[Person]:
    """The kommune's contacts a hearing asks (each gets a personal link): active, in a role the
    hearing names (``contacts``)."""
    return [p for p in party.contacts if p.active and p.role in definition.contacts]


@dataclass(frozen=True)
class CheckedHearing:
    definition: HearingDefinition
    body: Body
    parties: list[Kommune]  # by kommune code
    deadline: datetime


def check_hearing(s: Session, data: HearingDefinition | Mapping[str, Any], *, source: str, now: datetime,
                  allow_closed_day: bool = False, bilag: HearingInput | None = None) -> CheckedHearing:
    """The hearing ready to store, or one DefinitionError listing every problem. With ``bilag``
    (the hearing as given, with its bilag's bytes) each bilag the definition names must have
    its bytes there."""
    problems: list[str] = []
    if isinstance(data, HearingDefinition):
        definition: HearingDefinition | None = data
        raw: Mapping[str, Any] = data.model_dump(mode="json")
    elif not isinstance(data, Mapping):
        raise DefinitionError(source, ["the file must be a mapping of field: value"])
    else:
        raw, definition = data, None
        try:
            definition = HearingDefinition.model_validate(dict(data))
        except ValidationError as exc:
            problems += describe_errors(exc)
            if all(err["loc"] for err in exc.errors()):  # the cross-field checks did not run
                problems += [p for p in raw_consistency_problems(data) if p not in problems]
    body = _body(s, raw.get("body"), problems)
    parties = _parties(s, raw.get("recipients", "all"), problems)
    deadline = None
    if definition is not None:
        _check_key(definition, parties, problems)
        if bilag is not None:
            problems += bilag_problems(definition, bilag)
        deadline = _deadline(definition, now, allow_closed_day, problems)
    if problems or definition is None or body is None or deadline is None:
        raise DefinitionError(source, problems)
    return CheckedHearing(definition, body, sorted(parties, key=lambda p: (alphabetical(p.name), p.code)), deadline)


def refuse_closed_day(deadline: datetime, *, allow: bool, field: str = "deadline") -> str | None:
    """The problem with a deadline on a weekend or Danish closing day, unless ``allow``."""
    reason = closed_because(local_date(deadline))
    if reason is None or allow:
        return None
    return (f"{field}: {format_datetime(deadline)} falder på {reason}, hvor kommunernes kontorer er "
            f"lukket; vælg en arbejdsdag, eller behold fristen med {ALLOW_CLOSED_DAY}")


def refuse_opening_twice(s: Session, checked: CheckedHearing) -> None:
    """Opening the same hearing (title, body and deadline) again is usually a slip."""
    earlier = s.scalar(select(Hearing).where(
        Hearing.title == checked.definition.title, Hearing.body_id == checked.body.id,
        Hearing.deadline == checked.deadline).order_by(Hearing.id))
    if earlier is not None:
        raise RuleViolation(
            f"hearing {earlier.id} with this title, body and deadline was opened "
            f"{format_datetime(earlier.opened_at)}; to open it once more, add --again")


def _body(s: Session, key: object, problems: list[str]) -> Body | None:
    if not isinstance(key, str):
        return None  # the structure check names it
    try:
        return find_body(s, key)
    except NotFoundError as exc:
        problems.append(f"body: {exc}")
        return None


def _parties(s: Session, recipients: object, problems: list[str]) -> list[Kommune]:
    if recipients == "all":
        parties = all_kommuner(s)
        if not parties:
            problems.append("recipients: the registry is empty; run hoering init")
        return parties
    if not isinstance(recipients, list):
        return []
    parties = []
    for i, name in enumerate(recipients):
        if not isinstance(name, str | int) or isinstance(name, bool):
            continue  # the structure check names it
        try:
            party = find_kommune(s, name)
        except NotFoundError as exc:
            problems.append(f"recipients.{i}: {exc}")
            continue
        if party in parties:
            problems.append(f"recipients.{i}: {party.name} is listed twice")
        parties.append(party)
    return parties


def _check_key(d: HearingDefinition, parties: list[Kommune], problems: list[str]) -> None:
    if d.allocation is None or not parties:
        return
    key = d.allocation.key.weights if isinstance(d.allocation.key, Weights) else d.allocation.key
    try:
        key_weights(key, [p.code for p in parties], {p.code: p.population for p in parties})
    except ValueError as exc:
        problems.append(f"allocation.key: {exc}")


def _deadline(d: HearingDefinition, now: datetime, allow_closed_day: bool,
              problems: list[str]) -> datetime | None:
    if isinstance(d.deadline, datetime):
        deadline = d.deadline
    else:  # working days never end on a closing day
        deadline = working_days_deadline(now, d.deadline.working_days, d.deadline.time)
    if deadline <= now:
        problems.append(f"deadline: {format_datetime(deadline)} has already passed")
        return None
    problem = refuse_closed_day(deadline, allow=allow_closed_day)
    if problem:
        problems.append(problem)
        return None
    return deadline
