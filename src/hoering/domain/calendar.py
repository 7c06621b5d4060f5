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


@cache
def closing_days(year: int) -> frozenset[date]:
    """The official Danish public holidays (helligdage), store bededag until 2023, and the days
    public offices close by custom: grundlovsdag, juleaftensdag and nytårsaftensdag."""
    easter = easter_sunday(year)
    offsets = [-3, -2, 0, 1, 39, 49, 50]  # skærtorsdag ... 2. pinsedag
    if year <= 2023:
        offsets.append(26)  # store bededag, abolished from 2024
    days = {easter + timedelta(days=o) for o in offsets}
    days |= {date(year, 1, 1), date(year, 6, 5), date(year, 12, 24), date(year, 12, 25),
             date(year, 12, 26), date(year, 12, 31)}
    return frozenset(days)


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
