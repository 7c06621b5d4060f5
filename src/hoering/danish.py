"""Danish text: dates, times (Europe/Copenhagen), amounts and time left, via Babel.

    >>> format_deadline(datetime(2014, 5, 13, 10, 0, tzinfo=UTC))
    'tirsdag den 13. maj 2014 kl. 12.00'
    >>> format_amount(Decimal("120000"))
    '120.000,00 kr.'
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.numbers import NumberPattern, parse_pattern

from hoering.domain.calendar import COPENHAGEN
from hoering.domain.labels import CHANNEL

LOCALE = "da_DK"


def local(moment: datetime) -> datetime:
    return moment.astimezone(COPENHAGEN)


def format_date(day: date | datetime) -> str:
    """``13. maj 2014``"""
    if isinstance(day, datetime):
        day = local(day).date()
    return _babel_date(day, "d. MMMM y", locale=LOCALE)


def format_weekday_date(day: date | datetime) -> str:
    """``tirsdag den 13. maj 2014``"""
    if isinstance(day, datetime):
        day = local(day).date()
    return _babel_date(day, "EEEE 'den' d. MMMM y", locale=LOCALE)


def format_clock(moment: datetime) -> str:
    """``12.00`` (Danish style, local time)"""
    return _babel_time(local(moment).time(), "HH.mm", locale=LOCALE)


def format_datetime(moment: datetime) -> str:
    """``13. maj 2014 kl. 12.00``"""
    return f"{format_date(moment)} kl. {format_clock(moment)}"


def format_deadline(moment: datetime) -> str:
    """``tirsdag den 13. maj 2014 kl. 12.00``"""
    return f"{format_weekday_date(moment)} kl. {format_clock(moment)}"


def format_amount(amount: Decimal | str | int) -> str:
    """``120.000,00 kr.``"""
    pattern, locale = _amount_pattern()
    return f"{pattern.apply(Decimal(amount), locale)} kr."


@cache
def _amount_pattern() -> tuple[NumberPattern, Locale]:
    """What ``format_decimal(value, format='#,##0.00', locale=LOCALE)`` parses on every call, parsed
    once: a result view shows three or four amounts, and parsing was two thirds of the cost."""
    return parse_pattern("#,##0.00"), Locale.parse(LOCALE)


def format_remaining(deadline: datetime, now: datetime) -> str:
    """``2 dage og 3 timer tilbage``, or ``fristen er overskredet`` (never "... overskredet tilbage")."""
    left = format_time_left(deadline, now)
    return left if now >= deadline else f"{left} tilbage"


def format_time_left(deadline: datetime, now: datetime) -> str:
    """``2 dage og 3 timer``, ``45 minutter``, or ``fristen er overskredet``."""
    left = deadline - now
    if left <= timedelta(0):
        return "fristen er overskredet"
    days, rest = divmod(int(left.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} {'dag' if days == 1 else 'dage'}")
    if hours:
        parts.append(f"{hours} {'time' if hours == 1 else 'timer'}")
    if not days and minutes:
        parts.append(f"{minutes} {'minut' if minutes == 1 else 'minutter'}")
    if not parts:
        return "under et minut"
    return " og ".join(parts)


def utcnow() -> datetime:
    return datetime.now(UTC)


def join_names(names: list[str]) -> str:
    """``Aalborg, Hjørring og Læsø``"""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


CHANNELS = CHANNEL  # domain.labels: the same words in the CLI, the pages, mails and documents


def channel_da(channel: str | None) -> str:
    """How an answer came in, in Danish ("via svarlink")."""
    return CHANNELS.get(channel or "", channel or "")


def format_size(size: int) -> str:
    """A file size in Danish: ``512 byte``, ``14 kB``, ``2,5 MB``."""
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} kB"
    mb = size / (1024 * 1024)
    return (f"{mb:.1f}".replace(".", ",") if mb < 10 else f"{round(mb)}") + " MB"
