"""hoering.danish writes dates, clock times and amounts itself (start-up speed, issue 17): they must
read exactly as Babel's CLDR ``da_DK`` formats, which it used before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from hoering.danish import format_amount, format_clock, format_date, format_weekday_date, local

MOMENTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC))


@given(MOMENTS)
def test_dates_and_clock_times_read_as_babel_da_dk(moment: datetime) -> None:
    day = local(moment).date()
    assert format_date(moment) == babel_date(day, "d. MMMM y", locale="da_DK")
    assert format_weekday_date(moment) == babel_date(day, "EEEE 'den' d. MMMM y", locale="da_DK")
    assert format_clock(moment) == babel_time(local(moment).time(), "HH.mm", locale="da_DK")


def test_every_month_and_weekday_name() -> None:
    for offset in range(0, 366, 3):
        day = date(2024, 1, 1) + timedelta(days=offset)
        assert format_weekday_date(day) == babel_date(day, "EEEE 'den' d. MMMM y", locale="da_DK")


@given(st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=4, allow_nan=False))
def test_amounts_read_as_babel_da_dk(value: Decimal) -> None:
    assert format_amount(value) == f"{format_decimal(value, format='#,##0.00', locale='da_DK')} kr."


@pytest.mark.parametrize("value", ["0.005", "0.015", "999.995", "-0.001", "120000", 7, "-1234.5"])
def test_amounts_round_half_to_even_as_babel(value: str | int) -> None:
    assert format_amount(value) == f"{format_decimal(Decimal(value), format='#,##0.00', locale='da_DK')} kr."
