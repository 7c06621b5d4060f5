"""Meetings and agenda items: kinds, outcomes, the item and meeting-plan files, the cycle steps.

Pure: pydantic models and small functions, no database, no templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from hoering.domain.calendar import COPENHAGEN, is_working_day

Kind = Literal["dagsorden", "referat", "beslutning", "droeftelse", "orientering", "eventuelt",
               "naeste_moede"]
Outcome = Literal["godkendt", "godkendt_med_bemaerkninger", "droeftet", "taget_til_efterretning",
                  "udsat", "afvist"]

KIND_LABELS: dict[str, str] = {
    "dagsorden": "Godkendelse af dagsorden",
    "referat": "Godkendelse af referat",
    "beslutning": "Sag til beslutning",
    "droeftelse": "Sag til drøftelse",
    "orientering": "Sag til orientering",
    "eventuelt": "Eventuelt",
    "naeste_moede": "Næste møde",
}
OUTCOME_LABELS: dict[str, str] = {
    "godkendt": "Godkendt",
    "godkendt_med_bemaerkninger": "Godkendt med bemærkninger",
    "droeftet": "Drøftet",
    "taget_til_efterretning": "Taget til efterretning",
    "udsat": "Udsat",
    "afvist": "Afvist",
}
# The outcomes each kind of item can end with.
ALLOWED_OUTCOMES: dict[str, frozenset[str]] = {
    "dagsorden": frozenset({"godkendt", "godkendt_med_bemaerkninger"}),
    "referat": frozenset({"godkendt", "godkendt_med_bemaerkninger", "udsat"}),
    "beslutning": frozenset({"godkendt", "godkendt_med_bemaerkninger", "afvist", "udsat"}),
    "droeftelse": frozenset({"droeftet", "godkendt", "godkendt_med_bemaerkninger", "udsat"}),
    "orientering": frozenset({"taget_til_efterretning", "droeftet", "udsat"}),
    "eventuelt": frozenset({"droeftet", "taget_til_efterretning"}),
    "naeste_moede": frozenset({"taget_til_efterretning"}),
}
# Standard items the secretariat puts on every agenda; they do not pass through FU.
STANDARD_KINDS = frozenset({"dagsorden", "referat", "eventuelt", "naeste_moede"})
DEFAULT_STANDARD_ITEMS = ("dagsorden", "referat", "eventuelt", "naeste_moede")
OPENING_KINDS = ("dagsorden", "referat")
CLOSING_KINDS = ("eventuelt", "naeste_moede")


def section_of(kind: str) -> str:
    """Where an item stands on the agenda: ``aabning``, ``behandling``, ``orientering``, ``afslutning``."""
    if kind in OPENING_KINDS:
        return "aabning"
    if kind in CLOSING_KINDS:
        return "afslutning"
    return "orientering" if kind == "orientering" else "behandling"


SECTION_ORDER = {"aabning": 0, "behandling": 1, "orientering": 2, "afslutning": 3}


class Placed(Protocol):
    id: int
    kind: str
    number: int | None


P = TypeVar("P", bound=Placed)


def agenda_order(items: Iterable[P]) -> list[P]:
    """Items in the order the agenda lists them: by section, then by number, then as raised."""
    return sorted(items, key=lambda i: (SECTION_ORDER[section_of(i.kind)], i.number or 10_000, i.id))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Sagsbeskrivelse(Strict):
    baggrund: str | None = None
    sagsfremstilling: str | None = None
    oekonomi: str | None = None


class BilagDef(Strict):
    title: Text
    file: str | None = None  # relative to the item file; without one the bilag is a title/link


class LinkDef(Strict):
    """A reference under an item (a web page, a law): shown with the item, never numbered as a bilag."""

    title: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=1000, strip_whitespace=True)]


class FollowupDef(Strict):
    what: Text
    who: Text
    due: Literal["naeste_moede"] | date = "naeste_moede"
    delegated_to: Literal["fu"] | None = None  # "FU får kompetence til ..."


class DecisionDef(Strict):
    outcome: Outcome
    text: Text
    followups: list[FollowupDef] = []


class ItemDefinition(Strict):
    """An agenda item as the secretariat writes it (YAML, or Markdown with a YAML front matter)."""

    title: Annotated[str, StringConstraints(min_length=2, max_length=300, strip_whitespace=True)]
    kind: Kind
    raised_by: Text = "sekretariatet"
    resume: str | None = None
    indstillinger: list[Text] = []
    sagsbeskrivelse: Sagsbeskrivelse = Sagsbeskrivelse()
    bilag: list[BilagDef] = []
    links: list[LinkDef] = []
    for_kkr: bool = False
    hearing: int | None = Field(default=None, ge=1)
    under_delegation_of: int | None = Field(default=None, ge=1)  # the DAS item that delegated
    number: int | None = Field(default=None, ge=1)  # the wanted Punkt number
    decision: DecisionDef | None = None  # the beslutning, for replaying past meetings

    @model_validator(mode="after")
    def _checks(self) -> ItemDefinition:
        problems = []
        if self.kind not in STANDARD_KINDS and self.kind != "orientering" and not self.indstillinger:
            problems.append("indstillinger: a case item needs at least one indstilling")
        if self.decision and self.decision.outcome not in ALLOWED_OUTCOMES[self.kind]:
            problems.append(f"decision.outcome: {self.decision.outcome} does not fit an item of "
                            f"kind {self.kind} ({', '.join(sorted(ALLOWED_OUTCOMES[self.kind]))})")
        if problems:
            raise ValueError("\n".join(problems))
        return self


# --- the cycle -------------------------------------------------------------------------------

Step = Literal["call_for_items", "fu_agenda", "agenda", "minutes_draft", "minutes",
               "kkr_orientation"]
STEPS: tuple[str, ...] = ("call_for_items", "fu_agenda", "agenda", "minutes_draft", "minutes",
                          "kkr_orientation")


class CycleConfig(Strict):
    """When each step of a meeting's cycle is due, in days relative to the meeting (negative:
    before it starts; positive: after it ends). A step set to null is not part of the cycle."""

    call_for_items: int | None = -21
    fu_agenda: int | None = -14
    agenda: int | None = -7
    minutes_draft: int | None = 1
    minutes: int | None = 0  # days after the chair approved the minutes
    kkr_orientation: int | None = 0  # days after the minutes were sent

    def offset(self, step: str) -> int | None:
        return getattr(self, step)  # type: ignore[no-any-return]


DEFAULT_CYCLES: dict[str, CycleConfig] = {
    "das": CycleConfig(),
    "socialdirektoerkredsen": CycleConfig(fu_agenda=None, kkr_orientation=None),
    "fu": CycleConfig(call_for_items=None, fu_agenda=None, agenda=-5, kkr_orientation=None),
    "kkr": CycleConfig(call_for_items=None, fu_agenda=None, kkr_orientation=None),
}
WORKING_GROUP_CYCLE = CycleConfig(call_for_items=None, fu_agenda=None, kkr_orientation=None)


def default_cycle(body_key: str) -> CycleConfig:
    return DEFAULT_CYCLES.get(body_key, WORKING_GROUP_CYCLE)


def step_time(step: str, offset: int, *, starts_at: datetime, ends_at: datetime,
              minutes_approved_at: datetime | None, minutes_sent_at: datetime | None) -> datetime | None:
    """When ``step`` is due, or None when what it waits for has not happened yet.

    Before-meeting steps fall at 08.00 Copenhagen time on the day ``offset`` days before the
    meeting; ``minutes_draft`` at 08.00 ``offset`` days after it ends."""
    if step in ("call_for_items", "fu_agenda", "agenda"):
        day = starts_at.astimezone(COPENHAGEN).date() + timedelta(days=offset)
        return datetime.combine(day, dt.time(8, 0), tzinfo=COPENHAGEN).astimezone(UTC)
    if step == "minutes_draft":
        day = ends_at.astimezone(COPENHAGEN).date() + timedelta(days=offset)
        return datetime.combine(day, dt.time(8, 0), tzinfo=COPENHAGEN).astimezone(UTC)
    if step == "minutes":
        return None if minutes_approved_at is None else minutes_approved_at + timedelta(days=offset)
    if step == "kkr_orientation":
        return None if minutes_sent_at is None else minutes_sent_at + timedelta(days=offset)
    raise ValueError(f"unknown step {step!r}")


def items_deadline(starts_at: datetime, cycle: dict[str, int | None]) -> date:
    """The last day to send in items: the working day before FU prepares (or the agenda goes)."""
    offset = cycle.get("fu_agenda") or cycle.get("agenda") or -7
    day = starts_at.astimezone(COPENHAGEN).date() + timedelta(days=offset - 1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


# --- the meeting plan --------------------------------------------------------------------------

Weekday = Literal["mandag", "tirsdag", "onsdag", "torsdag", "fredag"]
WEEKDAYS = {"mandag": 0, "tirsdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4}


class PlannedMeeting(Strict):
    date: date
    start: dt.time = dt.time(13, 0)
    end: dt.time = dt.time(16, 0)
    place: Text = "Aftales senere"
    sagsnr: str | None = None
    deltagere: list[Text] = []
    afbud: list[Text] = []


class Rule(Strict):
    """``the 3rd Monday of January, March, May ...``"""

    months: list[int] = Field(min_length=1)
    weekday: Weekday
    nth: int = Field(ge=1, le=4)
    start: dt.time = dt.time(13, 0)
    end: dt.time = dt.time(16, 0)
    place: Text = "Aftales senere"


class MeetingPlan(Strict):
    body: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    year: int = Field(ge=2000, le=2100)
    meetings: list[PlannedMeeting] = []
    rule: Rule | None = None
    cycle: CycleConfig | None = None
    # The standard items a new meeting gets (default: all four, in every body).
    standard_items: list[Literal["dagsorden", "referat", "eventuelt", "naeste_moede"]] | None = None

    def standard_items_for(self, body_key: str) -> list[str]:
        """KKR's meetings are KKR's own (hoering only sends it orientations): none by default."""
        if self.standard_items is not None:
            return list(self.standard_items)
        return [] if body_key == "kkr" else list(DEFAULT_STANDARD_ITEMS)

    @model_validator(mode="after")
    def _some_meetings(self) -> MeetingPlan:
        if not self.meetings and self.rule is None:
            raise ValueError("give meetings or a rule")
        for i, m in enumerate(self.meetings):
            if m.date.year != self.year:
                raise ValueError(f"meetings.{i}.date: {m.date} is not in {self.year}")
            if m.end <= m.start:
                raise ValueError(f"meetings.{i}.end: must be after start")
        return self

    def expand(self) -> list[PlannedMeeting]:
        """The meetings of the year, from the list and the rule, in date order."""
        found = {m.date: m for m in self.meetings}
        if self.rule is not None:
            r = self.rule
            for month in r.months:
                day = nth_weekday(self.year, month, WEEKDAYS[r.weekday], r.nth)
                found.setdefault(day, PlannedMeeting(date=day, start=r.start, end=r.end, place=r.place))
        return [found[d] for d in sorted(found)]


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def local_datetime(day: date, at: dt.time) -> datetime:
    """A Copenhagen wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=COPENHAGEN).astimezone(UTC)
