"""The hearing file: what the secretariat writes to open a mail hearing (mailhøring)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from hoering.domain.calendar import as_aware, parse_duration

Kind = Literal["choice", "consent", "allocation", "interest", "submission"]
OptionKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]
ContactRole = Literal["direktoer", "stedfortraeder"]
DEFAULT_CONTACTS: tuple[ContactRole, ...] = ("direktoer", "stedfortraeder")
RuleName = Literal["unanimity", "majority_of_answers", "majority_of_recipients"]


# Danish field titles: the JSON schema (Prefect's form for open_hearing, the API docs) shows
# these to the secretariat; the file's own field names stay English.
TITLES = {
    "title": "Titel", "body": "Organ", "kind": "Art", "question": "Spørgsmål", "background": "Baggrund",
    "options": "Svarmuligheder", "recipients": "Hørte parter", "contacts": "Kontakter i hver kommune",
    "deadline": "Frist", "reminders": "Påmindelser (før fristen)", "rule": "Afgørelsesregel",
    "silence": "Manglende svar tæller som", "late": "Svar efter fristen", "allocation": "Fordeling",
    "bilag": "Bilag", "working_days": "Arbejdsdage", "time": "Klokkeslæt", "key": "Nøgle", "label": "Tekst",
    "total": "Beløb i alt (kr.)", "pool_option": "Svarmulighed for fælles pulje",
    "payout_option": "Svarmulighed for udbetaling", "qualified": "Andel", "of": "Andel af",
    "weights": "Vægte", "file": "Fil",
}


def _title(name: str, _info: object) -> str:
    return TITLES.get(name, name)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, field_title_generator=_title)


class Option(Strict):
    key: OptionKey
    label: Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
    # Words and phrases that name this option in a reply mail ("vi tilslutter os", "puljen").
    synonyms: tuple[Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)], ...] = ()


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


# A time of day as "12:00" or "12:00:00", without a zone (Copenhagen time). JSON schema's own
# "time" format demands a UTC offset, so Prefect's form refused its own default "12:00:00".
ClockTime = Annotated[dt.time, WithJsonSchema({
    "type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "default": "12:00",
    "description": "Klokkeslæt (dansk tid), fx 12:00"})]


class WorkingDays(Strict):
    working_days: int = Field(ge=1, le=250)
    time: ClockTime = dt.time(12, 0)


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


class HearingBilagDef(Strict):
    """A document the kommuner read with the hearing; ``file`` is relative to the hearing file."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
    file: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


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
    bilag: list[HearingBilagDef] = Field(default_factory=list, max_length=50)
    sagsnr: Annotated[str, StringConstraints(max_length=60, strip_whitespace=True)] | None = None
    # the person the kommuner may ask (name, and phone or mail); default: the secretariat
    contact: Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)] | None = None

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
        problems = consistency_problems(
            kind=self.kind, options=[o.key for o in self.options] if self.options is not None else None,
            silence=self.silence,
            allocation=self.allocation.model_dump(mode="json") if self.allocation else None)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def answer_options(self) -> tuple[Option, ...]:
        if self.kind in FIXED_OPTIONS:
            return FIXED_OPTIONS[self.kind]
        return tuple(self.options or ())

    @property
    def labels(self) -> dict[str, str]:
        """Option key -> label: the one place the label map is made."""
        return {o.key: o.label for o in self.answer_options}

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


@lru_cache(maxsize=256)
def stored_definition(text: str) -> HearingDefinition:
    """A stored hearing's definition from its JSON text, validated once per distinct text: the
    answer page shows the same few hearings thousands of times (validating the file on
    every request was a sixth of the page). Keyed by the text itself, so a changed definition is
    never served from before; the model is frozen, so one instance can serve every request."""
    return HearingDefinition.model_validate(json.loads(text))


def consistency_problems(*, kind: str, options: list[str] | None, silence: str,
                         allocation: Mapping[str, Any] | None) -> list[str]:
    """The checks across fields (options against kind, silence and allocation against options),
    one line per problem naming its field.

    Written over plain values so that a file with other mistakes (a bad deadline, an unknown
    field) is checked across its fields too: every mistake is reported in one run."""
    problems: list[str] = []
    if kind in ("choice", "allocation"):
        if not options or len(options) < 2:
            problems.append(f"options: {_a(kind)} {kind} hearing needs at least two options")
    elif options is not None:
        problems.append(f"options: {_a(kind)} {kind} hearing has fixed answers; remove options")
    keys = [o.key for o in FIXED_OPTIONS[kind]] if kind in FIXED_OPTIONS else list(options or ())
    if len(set(keys)) != len(keys):
        problems.append("options: option keys must be unique")
    if silence != "abstain" and silence not in keys:
        problems.append(f"silence: must be abstain or one of {', '.join(keys) or '(none)'}")
    if kind == "allocation":
        if allocation is None:
            problems.append("allocation: an allocation hearing needs total, key, "
                            "pool_option and payout_option")
        else:
            for field in ("pool_option", "payout_option"):
                value = allocation.get(field)
                if isinstance(value, str) and value not in keys:
                    problems.append(f"allocation.{field}: {value} is not one of the options "
                                    f"({', '.join(keys)})")
            if allocation.get("pool_option") is not None and \
                    allocation.get("pool_option") == allocation.get("payout_option"):
                problems.append("allocation: pool_option and payout_option must differ")
    elif allocation is not None:
        problems.append("allocation: only for kind: allocation")
    return problems


def raw_consistency_problems(data: Mapping[str, Any]) -> list[str]:
    """``consistency_problems`` of a file that did not validate: the fields that can be read
    are checked, the unreadable ones are left to the structure check's own message."""
    kind = data.get("kind")
    if kind not in get_args(Kind):
        return []
    raw_options = data.get("options")
    options = None
    if isinstance(raw_options, list):
        options = [str(o["key"]) for o in raw_options if isinstance(o, dict) and "key" in o]
    silence = data.get("silence", "abstain")
    allocation = data.get("allocation")
    return consistency_problems(kind=str(kind), options=options,
                                silence=silence if isinstance(silence, str) else "abstain",
                                allocation=allocation if isinstance(allocation, dict) else None)


def _a(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"
