"""Deadlines: Danish working days, ISO 8601 durations, Europe/Copenhagen."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


_EASTER_OFFSETS = {-3: "skærtorsdag", -2: "langfredag", 0: "påskedag", 1: "2. påskedag",
                   39: "Kristi himmelfartsdag", 49: "pinsedag", 50: "2. pinsedag"}
_FIXED = {(1, 1): "nytårsdag", (6, 5): "grundlovsdag", (12, 24): "juleaftensdag",
          (12, 25): "juledag", (12, 26): "2. juledag", (12, 31): "nytårsaftensdag"}
_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


@cache
def closing_day_names(year: int) -> dict[date, str]:
    """The official Danish public holidays (helligdage), store bededag until 2023, and the days
    public offices close by custom: grundlovsdag, juleaftensdag and nytårsaftensdag; by name."""
    easter = easter_sunday(year)
    names = {easter + timedelta(days=o): name for o, name in _EASTER_OFFSETS.items()}
    if year <= 2023:
        names[easter + timedelta(days=26)] = "store bededag"  # abolished from 2024
    names.update({date(year, m, d): name for (m, d), name in _FIXED.items()})
    return names


def closing_days(year: int) -> frozenset[date]:
    return frozenset(closing_day_names(year))


def closed_because(day: date) -> str | None:
    """Why the offices are closed on ``day`` ("lørdag", "2. påskedag"), or None on a working day."""
    holiday = closing_day_names(day.year).get(day)
    if holiday:
        return holiday
    return _WEEKDAYS[day.weekday()] if day.weekday() >= 5 else None


def local_date(moment: datetime) -> date:
    """The Copenhagen calendar day of ``moment``."""
    return as_aware(moment).astimezone(COPENHAGEN).date()


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in closing_days(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def subtract_working_days(start: date, count: int) -> date:
    """The date ``count`` working days before ``start`` (``start`` itself not counted)."""
    day = start
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def previous_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the nearest working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def reminder_time(deadline: datetime, before: timedelta, *, opened_at: datetime) -> datetime | None:
    """When a reminder ``before`` the deadline goes out, in UTC, or None when it never does.

    Nobody reads mail on a Saturday or 2. påskedag: a reminder falling on a weekend or Danish
    closing day goes out on the working day before, at the same Copenhagen wall-clock time. A
    reminder whose (moved) time lies before the hearing opened is not sent: the invitation
    has only just gone out.
    """
    local = (deadline - before).astimezone(COPENHAGEN)
    day = previous_working_day(local.date())
    moved = datetime.combine(day, local.time(), tzinfo=COPENHAGEN).astimezone(UTC)
    return moved if moved >= opened_at else None


def working_days_deadline(opened_at: datetime, count: int, at: time) -> datetime:
    """Deadline at local time ``at`` on the ``count``-th working day after ``opened_at``, in UTC."""
    local_day = opened_at.astimezone(COPENHAGEN).date()
    due = add_working_days(local_day, count)
    return datetime.combine(due, at, tzinfo=COPENHAGEN).astimezone(UTC)


_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration of weeks, days, hours, minutes, seconds (``P3D``, ``PT12H``)."""
    match = _DURATION.match(text.strip().upper())
    if not match or text.strip().upper() in {"P", "PT"} or text.strip().upper().endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P3D or PT12H")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(**parts)


def as_aware(moment: datetime) -> datetime:
    """A datetime with a zone; a naive one is read as Copenhagen local time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=COPENHAGEN)
