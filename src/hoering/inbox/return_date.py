"""The return date an out-of-office reply announces, when it states one.

"Jeg er tilbage mandag den 12. maj", "tilbage på kontoret d. 12/5", "fraværende til og med
9.5.2014", "I will be back on 12 May 2014", "returning May 12". Only a date after a word that
means return (tilbage, igen, retur, back, returning) or absence until (til og med, frem til,
until) is read; the year, when missing, is the first such date on or after the day the reply
came. A date that cannot be read is simply not shown: the secretariat reads the mail.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    "jan": 1, "januar": 1, "january": 1, "feb": 2, "februar": 2, "february": 2, "mar": 3, "marts": 3,
    "march": 3, "apr": 4, "april": 4, "maj": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7,
    "juli": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10,
    "oktober": 10, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_LEAD = (r"(tilbage|igen|retur|back|returning|return|til og med|t\.o\.m\.?|frem til|indtil|until|"
         r"through|bis)")
_GAP = r"[^\n\d]{0,40}?"  # "på kontoret mandag den", "in the office on"
NAMED = re.compile(rf"{_LEAD}{_GAP}(\d{{1,2}})\.?\s*({_MONTH})\.?(?:\s+(\d{{4}}))?", re.IGNORECASE)
NAMED_EN = re.compile(rf"{_LEAD}{_GAP}({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?",
                      re.IGNORECASE)
NUMERIC = re.compile(rf"{_LEAD}{_GAP}(\d{{1,2}})[./-](\d{{1,2}})(?:[./-](\d{{2,4}}))?", re.IGNORECASE)
SHIFT_BACK = re.compile(r"(til og med|t\.o\.m|through)", re.IGNORECASE)


def return_date(text: str, *, received: date) -> date | None:
    text = " ".join(text.split())
    for pattern, order in ((NAMED, "dm"), (NAMED_EN, "md"), (NUMERIC, "dn")):
        for m in pattern.finditer(text):
            lead = m.group(1)
            if order == "dm":
                day, month, year = int(m.group(2)), MONTHS[m.group(3).lower()], m.group(4)
            elif order == "md":
                month, day, year = MONTHS[m.group(2).lower()], int(m.group(3)), m.group(4)
            else:
                day, month, year = int(m.group(2)), int(m.group(3)), m.group(4)
            found = _complete(day, month, year, received)
            if found is None:
                continue
            if SHIFT_BACK.match(lead):  # away "til og med" the 9th: back on the 10th
                found += timedelta(days=1)
            return found
    return None


def _complete(day: int, month: int, year: str | None, received: date) -> date | None:
    try:
        if year:
            y = int(year)
            return date(y + 2000 if y < 100 else y, month, day)
        candidate = date(received.year, month, day)
        return candidate if candidate >= received - timedelta(days=1) else date(received.year + 1, month, day)
    except ValueError:
        return None
