"""What the new-hearing form shows while it is filled in: the computed deadline (with a warning
on a closing day) and the share each kommune would get. Shown on every render, and refreshed
live by htmx where JavaScript runs; the numbers come from the domain's own rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from hoering.danish import format_amount, format_deadline, local
from hoering.domain.allocation import from_ore, key_weights, shares, to_ore
from hoering.domain.calendar import COPENHAGEN, is_working_day, working_days_deadline
from hoering.web.hearing_form import HearingForm, _number

WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]


@dataclass(frozen=True)
class DeadlineHint:
    text: str | None  # "tirsdag den 13. maj 2014 kl. 12.00"
    warning: str | None


@dataclass(frozen=True)
class Party:
    code: int
    name: str
    kind: str
    population: int | None


def deadline_hint(form: HearingForm, now: datetime) -> DeadlineHint:
    try:
        if form.deadline_mode == "working_days":
            count = int(form.working_days)
            if not 1 <= count <= 250:
                return DeadlineHint(None, None)
            moment = working_days_deadline(now, count, time.fromisoformat(form.wd_time or "12:00"))
        else:
            if not form.deadline_date:
                return DeadlineHint(None, None)
            moment = datetime.combine(datetime.fromisoformat(form.deadline_date).date(),
                                      time.fromisoformat(form.deadline_time or "12:00"), tzinfo=COPENHAGEN)
    except ValueError:
        return DeadlineHint(None, None)
    day = local(moment).date()
    warning = None
    if not is_working_day(day):
        what = WEEKDAYS[day.weekday()] if day.weekday() >= 5 else "en helligdag (lukkedag)"
        warning = f"Fristen falder på en {what}. Overvej en hverdag."
    if moment <= now:
        warning = "Fristen er allerede overskredet."
    return DeadlineHint(format_deadline(moment), warning)


def share_rows(form: HearingForm, parties: list[Party]) -> list[tuple[str, str]]:
    """(kommune, share in Danish kroner) for each recipient; empty while the amount or key is
    not usable yet."""
    if form.kind != "allocation":
        return []
    chosen = [p for p in parties if p.kind == "kommune"] if form.recipients_mode == "all" else \
        [p for p in parties if str(p.code) in form.recipients]
    try:
        total = to_ore(Decimal(_number(form.alloc_total)))
        if form.alloc_key == "weights":
            key: object = {int(c): Decimal(_number(w)) for c, w in form.weights.items()}
        else:
            key = form.alloc_key
        weights = key_weights(key, [p.code for p in chosen],  # type: ignore[arg-type]
                              {p.code: p.population for p in chosen})
        split = shares(total, weights)
    except (InvalidOperation, ValueError, AssertionError, TypeError):
        return []
    names = {p.code: p.name for p in chosen}
    return sorted(((names[c], format_amount(from_ore(o))) for c, o in split.items()), key=lambda r: r[0])
