from datetime import UTC, date, datetime, time

import pytest

from hoering.danish import format_amount, format_deadline, format_time_left
from hoering.domain.calendar import (
    add_working_days,
    easter_sunday,
    parse_duration,
    subtract_working_days,
    working_days_deadline,
)
from hoering.domain.names import normalise


def test_easter():
    assert easter_sunday(2014) == date(2014, 4, 20)
    assert easter_sunday(2021) == date(2021, 4, 4)


def test_working_days_skip_weekends_and_danish_holidays():
    # Tuesday 29 April 2014 + 10 working days: store bededag (16 May 2014) is not on the way
    assert add_working_days(date(2014, 4, 29), 10) == date(2014, 5, 13)
    # over Easter 2021: skærtorsdag 1/4, langfredag 2/4, 2. påskedag 5/4 are skipped
    assert add_working_days(date(2021, 3, 31), 1) == date(2021, 4, 6)
    # store bededag was abolished from 2024: 26 April 2024 is a working day
    assert add_working_days(date(2024, 4, 25), 1) == date(2024, 4, 26)
    assert add_working_days(date(2023, 5, 4), 1) == date(2023, 5, 8)


def test_working_days_back_skip_weekends_and_danish_holidays():
    # Monday 7 April 2031, three working days back: Wednesday 2 April
    assert subtract_working_days(date(2031, 4, 7), 3) == date(2031, 4, 2)
    # Tuesday 6 April 2021, one back: over Easter (5/4, 2/4, 1/4) to Wednesday 31 March
    assert subtract_working_days(date(2021, 4, 6), 1) == date(2021, 3, 31)
    assert subtract_working_days(date(2021, 4, 6), 0) == date(2021, 4, 6)


def test_working_days_deadline_is_noon_copenhagen():
    deadline = working_days_deadline(datetime(2014, 4, 29, 8, tzinfo=UTC), 10, time(12))
    assert deadline == datetime(2014, 5, 13, 10, tzinfo=UTC)


def test_durations():
    assert parse_duration("P3D").days == 3
    assert parse_duration("PT12H").total_seconds() == 43200
    with pytest.raises(ValueError):
        parse_duration("3 dage")


def test_danish_formats():
    assert format_deadline(datetime(2014, 5, 13, 10, tzinfo=UTC)) == "tirsdag den 13. maj 2014 kl. 12.00"
    assert format_amount("120000") == "120.000,00 kr." and format_amount("3924.18") == "3.924,18 kr."
    now = datetime(2014, 5, 10, 8, tzinfo=UTC)
    assert format_time_left(datetime(2014, 5, 13, 10, tzinfo=UTC), now) == "3 dage og 2 timer"


@pytest.mark.parametrize("typed", ["Hjørring", "hjoerring", "HJØRRING KOMMUNE", "Hjørring Kommune"])
def test_kommune_names(typed):
    assert normalise(typed) == "hjoerring"
