"""The new-hearing form as data: what was typed (``HearingForm``), the hearing file it makes
(``to_data``), and the loader's problems put back at their fields in Danish.

The form has no rules of its own. ``to_data`` builds the same mapping a hearing file's YAML
gives, and the caller validates it with the hearing-file loader (``hoering.definitions``) and the
same registry checks as ``hearing open``; this module only translates the problems' field paths
(``options.1.label``, ``allocation.total``) to the form's fields and their text to Danish.
Everything typed is kept as typed, so a refused form comes back with nothing lost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData

from hoering.danish import format_amount
from hoering.domain.hearing import Option
from hoering.services.drafts import ALLOW_CLOSED_DAY

KINDS = {
    "choice": "Valg mellem svarmuligheder",
    "consent": "Samtykke (enig eller indsigelse)",
    "allocation": "Fordeling af et beløb (udbetaling eller fælles pulje)",
    "interest": "Interesse (ja eller nej)",
    "submission": "Indspil (fri tekst)",
}
RULES = {
    "majority_of_answers": "Flertal af de afgivne svar",
    "majority_of_recipients": "Flertal af alle modtagere (absolut flertal)",
    "unanimity": "Enstemmighed",
    "qualified": "Kvalificeret flertal (en andel)",
}
CONTACTS = {"direktoer": "Direktøren", "stedfortraeder": "Stedfortræderen"}
KEYS = {"equal": "Lige store andele", "population": "Efter indbyggertal", "weights": "Egne vægte"}
HAS_SYNONYMS = "synonyms" in Option.model_fields


@dataclass
class OptionRow:
    key: str = ""
    label: str = ""
    synonyms: str = ""

    @property
    def empty(self) -> bool:
        return not (self.key.strip() or self.label.strip() or self.synonyms.strip())


@dataclass
class HearingForm:
    """Every field as typed (strings), so a refused form is shown again unchanged."""

    title: str = ""
    body: str = ""
    kind: str = "choice"
    question: str = ""
    background: str = ""
    options: list[OptionRow] = field(default_factory=lambda: [OptionRow(), OptionRow()])
    recipients_mode: str = "all"
    recipients: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=lambda: ["direktoer", "stedfortraeder"])
    deadline_mode: str = "working_days"
    deadline_date: str = ""
    deadline_time: str = "12:00"
    working_days: str = "10"
    wd_time: str = "12:00"
    allow_closed_day: bool = False
    reminders: str = "3, 1"
    rule: str = "majority_of_answers"
    qualified: str = "0,67"
    qualified_of: str = "recipients"
    silence: str = "abstain"
    late: str = "ignore"
    alloc_total: str = ""
    alloc_key: str = "equal"
    alloc_pool: str = ""
    alloc_payout: str = ""
    weights: dict[str, str] = field(default_factory=dict)

    @property
    def option_keys(self) -> list[str]:
        return [option_key(o) for o in self.options if not o.empty]


def slug(text: str) -> str:
    """An option key from its label: ``Andelen udbetales`` -> ``andelen-udbetales``."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:40].strip("-")


def option_key(row: OptionRow) -> str:
    return row.key.strip() or slug(row.label)


def from_form(form: FormData) -> HearingForm:
    """The form as posted; the option rows are kept (a blank one too) so nothing moves."""
    def one(name: str, default: str = "") -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else default

    def many(name: str) -> list[str]:
        return [v for v in form.getlist(name) if isinstance(v, str)]

    keys, labels, syns = many("option_key"), many("option_label"), many("option_synonyms")
    rows = [OptionRow(k.strip(), lbl.strip(), s.strip())
            for k, lbl, s in zip(keys, labels, syns + [""] * (len(keys) - len(syns)), strict=False)]
    weights = {str(k)[len("weight_"):]: v.strip() for k, v in form.multi_items()
               if str(k).startswith("weight_") and isinstance(v, str) and v.strip()}
    return HearingForm(
        title=one("title"), body=one("body"), kind=one("kind", "choice"), question=one("question"),
        background=one("background"), options=rows, recipients_mode=one("recipients_mode", "all"),
        recipients=many("recipients"), contacts=many("contacts"),
        deadline_mode=one("deadline_mode", "working_days"), deadline_date=one("deadline_date"),
        deadline_time=one("deadline_time", "12:00"), working_days=one("working_days"),
        wd_time=one("wd_time", "12:00"), allow_closed_day=one("allow_closed_day") == "ja",
        reminders=one("reminders"), rule=one("rule"),
        qualified=one("qualified"), qualified_of=one("qualified_of", "recipients"),
        silence=one("silence", "abstain"), late=one("late", "ignore"), alloc_total=one("alloc_total"),
        alloc_key=one("alloc_key", "equal"), alloc_pool=one("alloc_pool"),
        alloc_payout=one("alloc_payout"), weights=weights,
    )


def to_data(f: HearingForm) -> dict[str, Any]:
    """The hearing file this form describes (as the YAML loader would give it)."""
    data: dict[str, Any] = {"title": f.title, "body": f.body, "kind": f.kind, "question": f.question}
    if f.background:
        data["background"] = f.background
    if f.kind in ("choice", "allocation"):
        options = []
        for row in f.options:
            if row.empty:
                continue
            option: dict[str, Any] = {"key": option_key(row), "label": row.label}
            synonyms = [s.strip() for s in row.synonyms.split(",") if s.strip()]
            if HAS_SYNONYMS and synonyms:
                option["synonyms"] = synonyms
            options.append(option)
        data["options"] = options
    data["recipients"] = "all" if f.recipients_mode == "all" else [_int_or_str(r) for r in f.recipients]
    data["contacts"] = list(f.contacts)
    if f.deadline_mode == "date":
        if f.deadline_date:
            data["deadline"] = f"{f.deadline_date}T{f.deadline_time or '12:00'}"
    elif f.working_days:
        data["deadline"] = {"working_days": _int_or_str(f.working_days), "time": f.wd_time or "12:00"}
    if f.allow_closed_day:
        data[ALLOW_CLOSED_DAY] = True
    data["reminders"] = [_duration(r) for r in re.split(r"[,;\s]+", f.reminders) if r]
    if f.rule == "qualified":
        data["rule"] = {"qualified": _number(f.qualified), "of": f.qualified_of}
    elif f.rule:
        data["rule"] = f.rule
    data["silence"] = f.silence or "abstain"
    data["late"] = f.late or "ignore"
    if f.kind == "allocation":
        key: Any = f.alloc_key
        if f.alloc_key == "weights":
            key = {"weights": {_int_or_str(c): _number(w) for c, w in f.weights.items()}}
        data["allocation"] = {"total": _number(f.alloc_total), "key": key,
                              "pool_option": f.alloc_pool, "payout_option": f.alloc_payout}
    return data


def from_data(data: dict[str, Any]) -> HearingForm:
    """The form filled in from a hearing file (a draft, or an earlier hearing to copy)."""
    f = HearingForm(title=str(data.get("title", "")), body=str(data.get("body", "")),
                    kind=str(data.get("kind", "choice")), question=str(data.get("question", "")),
                    background=str(data.get("background") or ""))
    f.options = [OptionRow(str(o.get("key", "")), str(o.get("label", "")),
                           ", ".join(o.get("synonyms") or []))
                 for o in data.get("options") or []] or [OptionRow(), OptionRow()]
    recipients = data.get("recipients", "all")
    if recipients == "all":
        f.recipients_mode, f.recipients = "all", []
    else:
        f.recipients_mode, f.recipients = "selected", [str(r) for r in recipients]
    f.contacts = list(data.get("contacts") or CONTACTS)
    deadline = data.get("deadline")
    if isinstance(deadline, dict):
        f.deadline_mode = "working_days"
        f.working_days = str(deadline.get("working_days", ""))
        f.wd_time = str(deadline.get("time", "12:00"))[:5]
    elif isinstance(deadline, str):
        f.deadline_mode = "date"
        f.deadline_date, _, rest = deadline.partition("T")
        f.deadline_time = rest[:5] or "12:00"
    f.allow_closed_day = bool(data.get(ALLOW_CLOSED_DAY))
    f.reminders = ", ".join(_days(r) for r in data.get("reminders") or [])
    rule = data.get("rule", "majority_of_answers")
    if isinstance(rule, dict):
        f.rule, f.qualified = "qualified", str(rule.get("qualified", "")).replace(".", ",")
        f.qualified_of = str(rule.get("of", "recipients"))
    else:
        f.rule = str(rule)
    f.silence, f.late = str(data.get("silence", "abstain")), str(data.get("late", "ignore"))
    alloc = data.get("allocation")
    if isinstance(alloc, dict):
        f.alloc_total = _kroner(str(alloc.get("total", "")))
        key = alloc.get("key", "equal")
        if isinstance(key, dict):
            f.alloc_key = "weights"
            f.weights = {str(c): str(w).replace(".", ",") for c, w in key.get("weights", {}).items()}
        else:
            f.alloc_key = str(key)
        f.alloc_pool, f.alloc_payout = str(alloc.get("pool_option", "")), str(alloc.get("payout_option", ""))
    return f


def _kroner(text: str) -> str:
    """``120000.00`` as the form shows it: ``120.000,00``."""
    try:
        return format_amount(Decimal(text)).removesuffix(" kr.")
    except (InvalidOperation, ValueError):
        return text


def _int_or_str(text: str) -> int | str:
    return int(text) if text.strip().isdigit() else text


def _number(text: str) -> str:
    """Danish ``120.000,50`` or plain ``120000.50`` to the loader's ``120000.50``."""
    text = text.strip().replace(" ", "").removesuffix("kr.").removesuffix("kr")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return text


def _duration(text: str) -> str:
    """``3`` (days before the deadline) to ``P3D``; an ISO duration is kept as written."""
    return f"P{text}D" if text.isdigit() else text.upper()


def _days(duration: str) -> str:
    match = re.fullmatch(r"P(\d+)D", duration)
    return match.group(1) if match else duration
