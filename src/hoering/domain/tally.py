"""The tally of a hearing: a pure function of its definition, recipients and answer versions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from hoering.domain.allocation import from_ore, key_weights, shares, to_ore
from hoering.domain.hearing import HearingDefinition, Qualified, Weights
from hoering.domain.names import alphabetical

Outcome = Literal["passed", "failed"]


@dataclass(frozen=True)
class Party:
    code: int
    name: str
    population: int | None = None


@dataclass(frozen=True)
class AnswerVersion:
    code: int
    version: int
    option: str | None
    received_at: datetime
    late: bool = False
    text: str | None = None
    comment: str | None = None
    channel: str = "manual"
    answered_by: str = ""


@dataclass(frozen=True)
class RecipientLine:
    """How one recipient stands: what it answered (if anything) and what that counted as."""

    code: int
    name: str
    status: Literal["answered", "late", "silent"]
    answer: AnswerVersion | None  # the version that counts (or the latest late one, shown)
    counted_as: str | None  # option key, or None (abstained / submission)
    versions: int
    latest: AnswerVersion | None = None  # the newest version, counted or not (a late change)


@dataclass(frozen=True)
class Tally:
    kind: str
    lines: tuple[RecipientLine, ...]
    counts: dict[str, int]
    outcome: Outcome | None
    winner: str | None  # the option chosen (choice) or the proposal, only when the outcome passed
    interested: tuple[int, ...] = ()
    submissions: dict[int, str] = field(default_factory=dict)
    payouts: dict[int, Decimal] = field(default_factory=dict)
    pool: Decimal | None = None
    # Why the outcome is what it is: the votes the proposal (or the leading option) needed under
    # the rule, and the option(s) with the most votes (more than one: a tie).
    needed: int | None = None
    leading: tuple[str, ...] = ()

    @property
    def tie(self) -> bool:
        return len(self.leading) > 1

    @property
    def answers(self) -> dict[int, str | None]:
        return {ln.code: ln.answer.option for ln in self.lines if ln.status == "answered" and ln.answer}

    @property
    def silent(self) -> list[int]:
        return [ln.code for ln in self.lines if ln.status != "answered"]

    @property
    def late(self) -> list[int]:
        return [ln.code for ln in self.lines if ln.latest is not None and ln.latest.late]

    @property
    def answered(self) -> int:
        return sum(1 for ln in self.lines if ln.status == "answered")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "counts": self.counts,
            "answers": {str(c): o for c, o in self.answers.items()},
            "silent": self.silent,
            "late": self.late,
            "answered": self.answered,
            "recipients": len(self.lines),
            "outcome": self.outcome,
            "winner": self.winner,
            "needed": self.needed,
            "leading": list(self.leading),
            "tie": self.tie,
            "lines": [_line_json(ln) for ln in self.lines],
        }
        if self.kind == "interest":
            data["interested"] = list(self.interested)
        if self.kind == "submission":
            data["submissions"] = {str(c): t for c, t in self.submissions.items()}
        if self.pool is not None:
            data["allocation"] = {
                "payouts": {str(c): str(a) for c, a in self.payouts.items()},
                "pool": str(self.pool),
            }
        return data


def _line_json(line: RecipientLine) -> dict[str, Any]:
    a = line.answer
    return {
        "code": line.code,
        "name": line.name,
        "status": line.status,
        "counted_as": line.counted_as,
        "versions": line.versions,
        "latest_is_late": bool(line.latest and line.latest.late and line.latest is not a),
        "answer": None if a is None else {
            "option": a.option, "text": a.text, "comment": a.comment, "channel": a.channel,
            "answered_by": a.answered_by, "received_at": a.received_at.isoformat(), "late": a.late,
        },
    }


def counting_version(versions: list[AnswerVersion], *, count_late: bool) -> AnswerVersion | None:
    """The version that counts: the latest one, leaving out late ones unless late answers count."""
    eligible = [v for v in versions if count_late or not v.late]
    return max(eligible, key=lambda v: v.version) if eligible else None


def tally(
    definition: HearingDefinition,
    recipients: Iterable[Party],
    answers: Iterable[AnswerVersion],
) -> Tally:
    parties = sorted(recipients, key=lambda p: (alphabetical(p.name), p.code))
    by_code: dict[int, list[AnswerVersion]] = {p.code: [] for p in parties}
    for answer in answers:
        if answer.code not in by_code:
            raise ValueError(f"answer from {answer.code}, which is not a recipient")
        by_code[answer.code].append(answer)

    silence = None if definition.silence == "abstain" else definition.silence
    lines = []
    for party in parties:
        versions = by_code[party.code]
        counted = counting_version(versions, count_late=definition.late == "count")
        latest = max(versions, key=lambda v: v.version) if versions else None
        if counted is not None:
            position = counted.option if definition.kind != "submission" else None
            lines.append(RecipientLine(party.code, party.name, "answered", counted, position,
                                       len(versions), latest))
        else:
            status: Literal["late", "silent"] = "late" if latest else "silent"
            lines.append(RecipientLine(party.code, party.name, status, latest, silence,
                                       len(versions), latest))

    counts = {o.key: 0 for o in definition.answer_options}
    for line in lines:
        if line.counted_as is not None:
            counts[line.counted_as] += 1

    decision = _decide(definition, counts, len(lines))
    result = Tally(kind=definition.kind, lines=tuple(lines), counts=counts, outcome=decision.outcome,
                   winner=decision.proposal if decision.outcome == "passed" else None,
                   needed=decision.needed, leading=decision.leading)
    if definition.kind == "interest":
        result = _replace(result, interested=tuple(ln.code for ln in lines if ln.counted_as == "ja"))
    if definition.kind == "submission":
        subs = {ln.code: ln.answer.text or "" for ln in lines if ln.status == "answered" and ln.answer}
        result = _replace(result, submissions=subs)
    if definition.kind == "allocation":
        payouts, pool = _allocate(definition, parties, lines)
        result = _replace(result, payouts=payouts, pool=pool)
    return result


def _replace(t: Tally, **changes: Any) -> Tally:
    return replace(t, **changes)


@dataclass(frozen=True)
class _Decision:
    proposal: str | None
    outcome: Outcome | None
    needed: int | None = None
    leading: tuple[str, ...] = ()


def votes_needed(rule: object, *, positions: int, recipients: int) -> int:
    """The fewest votes for the proposal that pass under ``rule``, given the counted positions
    and the number of recipients (unanimity: every counted position, at least one)."""
    if rule == "unanimity":
        return max(positions, 1)
    if rule == "majority_of_answers":
        return positions // 2 + 1
    if rule == "majority_of_recipients":  # absolut flertal
        return recipients // 2 + 1
    assert isinstance(rule, Qualified)
    base = recipients if rule.of == "recipients" else positions
    share = Fraction(str(rule.qualified)) * base
    return max(math.ceil(share), 1)


def _decide(definition: HearingDefinition, counts: Mapping[str, int], recipients: int) -> _Decision:
    if definition.kind in ("interest", "submission"):
        return _Decision(None, None)
    positions = sum(counts.values())
    needed = votes_needed(definition.rule, positions=positions, recipients=recipients)
    most = max(counts.values(), default=0)
    leading = tuple(k for k, n in counts.items() if n == most) if most else ()
    proposal = definition.proposal
    if proposal is None:  # choice: the leading option, if one leads alone
        if len(leading) != 1:
            return _Decision(None, "failed", needed, leading)
        proposal = leading[0]
    ok = counts.get(proposal, 0) >= needed
    return _Decision(proposal, "passed" if ok else "failed", needed, leading)


def _allocate(
    definition: HearingDefinition, parties: list[Party], lines: list[RecipientLine]
) -> tuple[dict[int, Decimal], Decimal]:
    alloc = definition.allocation
    assert alloc is not None
    key = alloc.key.weights if isinstance(alloc.key, Weights) else alloc.key
    weights = key_weights(key, [p.code for p in parties], {p.code: p.population for p in parties})
    total = to_ore(alloc.total)
    split = shares(total, weights)
    paying = [ln.code for ln in lines if ln.counted_as == alloc.payout_option]
    payouts = {code: from_ore(split[code]) for code in paying}
    pool = from_ore(total - sum(split[code] for code in paying))
    return payouts, pool
