"""The result of a hearing as decided: the record that closing a hearing stores.

A decided hearing must never change. So at close everything the result says is written down
once — the tally, the outcome, the summary sentence, each party's name and the key value
(population or weight) its share was computed from, each share and payout, and which answer
version counted — and from then on every reader (the CLI, the API, the secretariat's page, the
høringsnotat, the exports, the result mail) renders this record instead of computing again from
today's registry. Reopening and closing again writes a new record; the old one is kept.

The answers' own words (comment, text, who answered) are not copied: answers are never changed,
so the record names the counted version and readers take its content from the answer rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer

from hoering.domain.allocation import from_ore, key_weights, shares, to_ore
from hoering.domain.hearing import HearingDefinition, Weights
from hoering.domain.tally import Tally
from hoering.domain.wording import outcome_sentence

RECORD_FORMAT = 1
# An aware datetime, written as ``datetime.isoformat()`` gives it (``+00:00``, not ``Z``).
Moment = Annotated[datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json")]
LineStatus = Literal["answered", "late", "silent"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PartyAsUsed(Frozen):
    """A hørt part as the registry described it at the moment of the tally."""

    code: int
    name: str
    display_name: str
    population: int | None = None


class OptionLabel(Frozen):
    key: str
    label: str


class RecordLine(Frozen):
    """One hørt part in the result: what it counted as, and (allocation) its key value, share
    and payout. ``shown_version`` is the answer version shown: the counted one, or the late one."""

    code: int
    name: str
    display_name: str
    status: LineStatus
    counted_as: str | None
    counted_label: str | None
    versions: int
    shown_version: int | None
    latest_is_late: bool
    key_value: Decimal | None = None
    share: Decimal | None = None
    payout: Decimal | None = None


class AllocationResult(Frozen):
    """Who is paid what (by kommune code), and what is left in the common pool."""

    payouts: dict[int, Decimal]
    pool: Decimal


class ResultRecord(Frozen):
    """Everything the result of a hearing says, frozen. ``answers``: the counted option per
    kommune code (the answered ones)."""

    format: int = RECORD_FORMAT
    kind: str
    body_name: str
    body_long: str
    deadline: Moment
    options: tuple[OptionLabel, ...]
    silence_option: str | None  # what silence counts as (None: it abstains)
    late_counts: bool
    counts: dict[str, int]
    answers: dict[int, str | None]
    silent: tuple[int, ...]
    late: tuple[int, ...]
    answered: int
    recipients: int
    outcome: Literal["passed", "failed"] | None
    winner: str | None
    summary: str
    lines: tuple[RecordLine, ...]
    allocation: AllocationResult | None = None
    total: Decimal | None = None  # the amount distributed (allocation)
    distribution_key: Literal["equal", "population", "weights"] | None = None
    interested: tuple[int, ...] | None = None
    submissions: dict[int, str] | None = None

    @property
    def labels(self) -> dict[str, str]:
        """Option key -> label, as the hearing stated them."""
        return {o.key: o.label for o in self.options}

    def label(self, key: str | None) -> str | None:
        """The option's label (the key itself for an unknown key; None for no option)."""
        if key is None:
            return None
        return self.labels.get(key, key)

    @property
    def payouts(self) -> dict[int, Decimal]:
        return dict(self.allocation.payouts) if self.allocation else {}


def build_record(
    definition: HearingDefinition,
    result: Tally,
    parties: Iterable[PartyAsUsed],
    *,
    all_kommuner: bool,
    body_name: str,
    body_long: str,
    deadline: datetime,
) -> ResultRecord:
    """The record of ``result`` (a tally of ``definition``) with the parties as used.

    ``all_kommuner``: the recipients are every kommune (the summary may say "alle kommuner")."""
    by_code = {p.code: p for p in parties}
    labels = definition.labels
    key_values, splits = _key_values_and_shares(definition, list(by_code.values()))
    lines = []
    for ln in result.lines:
        party = by_code[ln.code]
        shown = ln.answer.version if ln.answer else None
        lines.append(RecordLine(
            code=ln.code, name=party.name, display_name=party.display_name, status=ln.status,
            counted_as=ln.counted_as, counted_label=labels.get(ln.counted_as) if ln.counted_as else None,
            versions=ln.versions, shown_version=shown,
            latest_is_late=bool(ln.latest and ln.latest.late and ln.latest is not ln.answer),
            key_value=key_values.get(ln.code), share=splits.get(ln.code),
            payout=result.payouts.get(ln.code)))
    allocation, total, distribution_key = None, None, None
    if definition.allocation is not None and result.pool is not None:
        key = definition.allocation.key
        allocation = AllocationResult(payouts=dict(result.payouts), pool=result.pool)
        total = definition.allocation.total
        distribution_key = "weights" if isinstance(key, Weights) else key
    return ResultRecord(
        kind=definition.kind, body_name=body_name, body_long=body_long, deadline=deadline,
        options=tuple(OptionLabel(key=o.key, label=o.label) for o in definition.answer_options),
        silence_option=None if definition.silence == "abstain" else definition.silence,
        late_counts=definition.late == "count",
        counts=dict(result.counts), answers=dict(result.answers), silent=tuple(result.silent),
        late=tuple(result.late), answered=result.answered, recipients=len(result.lines),
        outcome=result.outcome, winner=result.winner,
        summary=outcome_sentence(definition, result, all_kommuner=all_kommuner),
        lines=tuple(lines), allocation=allocation, total=total, distribution_key=distribution_key,
        interested=tuple(result.interested) if definition.kind == "interest" else None,
        submissions=dict(result.submissions) if definition.kind == "submission" else None)


def _key_values_and_shares(
    definition: HearingDefinition, parties: list[PartyAsUsed]
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    alloc = definition.allocation
    if alloc is None:
        return {}, {}
    key = alloc.key.weights if isinstance(alloc.key, Weights) else alloc.key
    weights = key_weights(key, [p.code for p in parties], {p.code: p.population for p in parties})
    split = shares(to_ore(alloc.total), weights)
    return weights, {code: from_ore(ore) for code, ore in split.items()}
