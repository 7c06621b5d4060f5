"""Issue 12 items 10-11: no reminder and no deadline on a day the kommuner's offices are closed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from hoering.domain.calendar import COPENHAGEN, closing_days, reminder_time


def local(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=COPENHAGEN)


@pytest.mark.parametrize("year", range(2000, 2041))
def test_closing_days_hold_every_official_danish_holiday(year):
    official = set(holidays.Denmark(years=year))
    # plus the days offices close by custom: grundlovsdag, juleaftensdag, nytårsaftensdag
    assert closing_days(year) == official | {date(year, 6, 5), date(year, 12, 24), date(year, 12, 31)}


def test_reminder_on_a_saturday_moves_to_friday_same_local_time():
    deadline = local(2031, 3, 10)  # a Monday
    at = reminder_time(deadline, timedelta(days=2), opened_at=local(2031, 2, 24, 10))
    assert at == local(2031, 3, 7)  # Friday 12.00


def test_reminder_on_easter_monday_moves_to_the_thursday_before_easter_weekend():
    # deadline Tuesday 22 April 2025; P1D -> 2. påskedag; the Sunday, Saturday, langfredag and
    # skærtorsdag are closed too, so the Wednesday before Easter
    deadline = local(2025, 4, 22, 9, 30)
    at = reminder_time(deadline, timedelta(days=1), opened_at=local(2025, 4, 1))
    assert at == local(2025, 4, 16, 9, 30)


def test_reminder_keeps_local_time_across_daylight_saving():
    # deadline Monday 31 March 2025 12.00 (summer time); P2D -> Saturday 29 March (winter time)
    at = reminder_time(local(2025, 3, 31), timedelta(days=2), opened_at=local(2025, 3, 1))
    assert at == local(2025, 3, 28) and at.tzinfo is UTC and at.hour == 11


def test_reminder_on_a_working_day_is_not_moved():
    deadline = local(2031, 3, 12)  # Wednesday
    assert reminder_time(deadline, timedelta(days=2), opened_at=local(2031, 3, 1)) == local(2031, 3, 10)


def test_moved_reminder_never_before_the_hearing_opened():
    # opened Friday 7 March 2031 at 14.00; P2D before Monday's deadline would move to Friday 12.00
    assert reminder_time(local(2031, 3, 10), timedelta(days=2), opened_at=local(2031, 3, 7, 14)) is None
    # opened at 11.00 the same Friday: the moved reminder (12.00) is after the opening
    assert reminder_time(local(2031, 3, 10), timedelta(days=2), opened_at=local(2031, 3, 7, 11)) == local(2031, 3, 7)
