"""The hearing file: what the secretariat writes to open a mail hearing (mailhøring)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from hoering.domain.calendar import as_aware, parse_duration

Kind = Literal["choice", "consent", "allocation", "interest", "submission"]
OptionKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]
ContactRole = Literal["direktoer", "stedfortraeder"]
DEFAULT_CONTACTS: tuple[ContactRole, ...] = ("direktoer", "stedfortraeder")
RuleName = Literal["unanimity", "majority_of_answers", "majority_of_recipients"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Strict):
    key: OptionKey
    label: Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]


# consent and interest have fixed answers; submission answers with free text.
FIXED_OPTIONS: dict[str, tuple[Option, ...]] = {
    "consent": (
        Option(key="enig", label="Kommunen kan tilslutte sig forslaget"),
        Option(key="indsigelse", label="Kommunen gør indsigelse"),
    ),
    "interest": (
        Option(key="ja", label="Ja, kommunen er interesseret"),
        Option(key="nej", label="Nej, kommunen er ikke interesseret"),
    ),
    "submission": (),
}


class WorkingDays(Strict):
    working_days: int = Field(ge=1, le=250)
    time: dt.time = dt.time(12, 0)


class Qualified(Strict):
    qualified: float = Field(gt=0.5, le=1.0)
    of: Literal["recipients", "answers"] = "recipients"


class Weights(Strict):
    weights: dict[int, Decimal]

    @field_validator("weights")
    @classmethod
    def _non_negative(cls, value: dict[int, Decimal]) -> dict[int, Decimal]:
        if not value:
            raise ValueError("give at least one weight")
        if any(w < 0 for w in value.values()):
            raise ValueError("weights cannot be negative")
        if sum(value.values()) <= 0:
            raise ValueError("the weights must not all be zero")
        return value


class Allocation(Strict):
    total: Decimal = Field(gt=0, max_digits=15, decimal_places=2)
    key: Literal["equal", "population"] | Weights = "equal"
    pool_option: OptionKey
    payout_option: OptionKey


class HearingDefinition(Strict):
    """A hearing file, validated. Field names are the file's; see examples/jyfe.yaml."""

    title: Annotated[str, StringConstraints(min_length=3, max_length=300, strip_whitespace=True)]
    body: str
    kind: Kind
    question: Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]
    background: str | None = None
    options: list[Option] | None = None
    recipients: Literal["all"] | list[str | int] = "all"
    # Who in each kommune is asked (each gets a personal link): the director and the deputy by
    # default; a hearing in Socialdirektørkredsen may ask the directors only.
    contacts: list[ContactRole] = Field(default_factory=lambda: list(DEFAULT_CONTACTS), min_length=1)
    deadline: datetime | WorkingDays
    reminders: list[str] = Field(default_factory=list)
    rule: RuleName | Qualified = "majority_of_answers"
    silence: str = "abstain"
    late: Literal["ignore", "count"] = "ignore"
    allocation: Allocation | None = None

    @field_validator("deadline")
    @classmethod
    def _aware_deadline(cls, value: datetime | WorkingDays) -> datetime | WorkingDays:
        return as_aware(value) if isinstance(value, datetime) else value

    @field_validator("reminders")
    @classmethod
    def _durations(cls, value: list[str]) -> list[str]:
        for text in value:
            if parse_duration(text).total_seconds() <= 0:
                raise ValueError(f"{text!r} must be longer than zero")
        return value

    @field_validator("recipients")
    @classmethod
    def _some_recipients(cls, value: str | list[str | int]) -> str | list[str | int]:
        if isinstance(value, list) and not value:
            raise ValueError("name at least one recipient, or write: all")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> HearingDefinition:
        problems: list[str] = []
        if self.kind in ("choice", "allocation"):
            if not self.options or len(self.options) < 2:
                problems.append(f"options: a {self.kind} hearing needs at least two options")
        elif self.options is not None:
            problems.append(f"options: a {self.kind} hearing has fixed answers; remove options")
        keys = [o.key for o in self.answer_options]
        if len(set(keys)) != len(keys):
            problems.append("options: option keys must be unique")
        if self.silence != "abstain" and self.silence not in keys:
            problems.append(f"silence: must be abstain or one of {', '.join(keys) or '(none)'}")
        if self.kind == "allocation":
            if self.allocation is None:
                problems.append("allocation: an allocation hearing needs total, key, "
                                "pool_option and payout_option")
            else:
                for field in ("pool_option", "payout_option"):
                    if getattr(self.allocation, field) not in keys:
                        problems.append(f"allocation.{field}: not one of the options ({', '.join(keys)})")
                if self.allocation.pool_option == self.allocation.payout_option:
                    problems.append("allocation: pool_option and payout_option must differ")
        elif self.allocation is not None:
            problems.append("allocation: only for kind: allocation")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def answer_options(self) -> tuple[Option, ...]:
        if self.kind in FIXED_OPTIONS:
            return FIXED_OPTIONS[self.kind]
        return tuple(self.options or ())

    def option(self, key: str) -> Option | None:
        return next((o for o in self.answer_options if o.key == key), None)

    @property
    def proposal(self) -> str | None:
        """The option whose support decides passed/failed (None: no outcome for this kind)."""
        if self.kind == "consent":
            return "enig"
        if self.kind == "allocation" and self.allocation is not None:
            return self.allocation.pool_option
        return None
