"""One hearing, gathered for reading: every party with its answer (and every earlier version),
the tally under the hearing's rule, and the rule, silence and late-answer settings in Danish.

The exports and the høringsnotat are both written from a :class:`HearingReport`, so they cannot
disagree with each other or with the tally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from hoering.domain.allocation import from_ore, key_weights, shares, to_ore
from hoering.domain.hearing import HearingDefinition, Qualified, Weights
from hoering.domain.tally import AnswerVersion
from hoering.runtime import Runtime
from hoering.services.lookups import get_hearing
from hoering.services.tallying import answer_versions, definition_of, outcome_summary, recipients_of, tally_hearing

CHANNELS = {"manual": "via sekretariatet", "web": "via svarlink", "mail": "via e-mail",
            "email": "via e-mail", "meeting": "på møde"}


def channel_da(channel: str | None) -> str:
    return CHANNELS.get(channel or "", channel or "")


@dataclass(frozen=True)
class Version:
    number: int
    option: str | None
    label: str | None
    text: str | None
    comment: str | None
    channel: str
    answered_by: str
    received_at: datetime
    late: bool


@dataclass(frozen=True)
class PartyRow:
    """A hørt part (rows are in alphabetical order): what it answered (the version that
    counts, or its late one) and what that counted as. ``versions`` holds every version,
    oldest first."""

    code: int
    name: str
    display_name: str
    contacts: tuple[str, ...]
    status: str  # answered | late | silent
    answer: Version | None
    counted_as: str | None
    counted_label: str | None
    share: Decimal | None  # the party's share under the distribution key (allocation)
    payout: Decimal | None
    versions: tuple[Version, ...]


@dataclass(frozen=True)
class HearingReport:
    id: int
    title: str
    kind: str
    status: str
    body: str
    body_long: str
    question: str
    background: str | None
    options: tuple[tuple[str, str], ...]
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None
    rule: str
    silence: str
    late: str
    distribution: str | None
    rows: tuple[PartyRow, ...]
    counts: tuple[tuple[str, str, int], ...]  # (key, label, count)
    outcome: str | None
    summary: str
    total: Decimal | None
    pool: Decimal | None

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.status == "answered")

    @property
    def payouts(self) -> dict[int, Decimal]:
        return {r.code: r.payout for r in self.rows if r.payout is not None}


def hearing_report(rt: Runtime, hearing_id: int) -> HearingReport:
    with rt.db.transaction() as s:
        h = get_hearing(s, hearing_id)
        d = definition_of(h)
        t = tally_hearing(s, h)
        parties = recipients_of(s, h.id)
        labels = {o.key: o.label for o in d.answer_options}
        by_code: dict[int, list[Version]] = {}
        for v in answer_versions(s, h.id):
            by_code.setdefault(v.code, []).append(_version(v, labels))
        splits = _shares(d, parties)
        rows = []
        for (recipient, kommune), line in zip(parties, t.lines, strict=True):
            contacts = tuple(f"{tok.person.name} <{tok.person.email}>" for tok in recipient.tokens
                             if tok.revoked_at is None)
            rows.append(PartyRow(
                code=kommune.code, name=kommune.name, display_name=kommune.display_name,
                contacts=contacts, status=line.status,
                answer=_version(line.answer, labels) if line.answer else None,
                counted_as=line.counted_as,
                counted_label=labels.get(line.counted_as) if line.counted_as else None,
                share=splits.get(kommune.code), payout=t.payouts.get(kommune.code),
                versions=tuple(sorted(by_code.get(kommune.code, []), key=lambda v: v.number))))
        return HearingReport(
            id=h.id, title=h.title, kind=h.kind, status=h.status, body=h.body.name,
            body_long=h.body.long_name, question=d.question, background=d.background,
            options=tuple((o.key, o.label) for o in d.answer_options), opened_at=h.opened_at,
            deadline=h.deadline, closed_at=h.closed_at, rule=rule_da(d), silence=silence_da(d),
            late=late_da(d), distribution=distribution_da(d),
            rows=tuple(sorted(rows, key=lambda r: r.display_name.casefold())),
            counts=tuple((k, labels[k], n) for k, n in t.counts.items()), outcome=t.outcome,
            summary=outcome_summary(s, h, t),
            total=d.allocation.total if d.allocation else None, pool=t.pool)


def _version(v: AnswerVersion, labels: dict[str, str]) -> Version:
    return Version(number=v.version, option=v.option,
                   label=labels.get(v.option) if v.option else None, text=v.text,
                   comment=v.comment, channel=v.channel, answered_by=v.answered_by,
                   received_at=v.received_at, late=v.late)


def _shares(d: HearingDefinition, parties: list) -> dict[int, Decimal]:
    if d.allocation is None:
        return {}
    key = d.allocation.key.weights if isinstance(d.allocation.key, Weights) else d.allocation.key
    weights = key_weights(key, [k.code for _, k in parties], {k.code: k.population for _, k in parties})
    return {code: from_ore(ore) for code, ore in shares(to_ore(d.allocation.total), weights).items()}


def rule_da(d: HearingDefinition) -> str:
    rule = d.rule
    if d.kind in ("interest", "submission"):
        return "Høringen har ikke et udfald efter en afstemningsregel; svarene samles."
    if rule == "unanimity":
        text = "enstemmighed: alle, der har taget stilling, skal støtte forslaget"
    elif rule == "majority_of_answers":
        text = "simpelt flertal af de afgivne svar"
    elif rule == "majority_of_recipients":
        text = "simpelt flertal af alle hørte parter"
    else:
        assert isinstance(rule, Qualified)
        share = Fraction(str(rule.qualified))
        base = "alle hørte parter" if rule.of == "recipients" else "de afgivne svar"
        text = f"kvalificeret flertal på mindst {_percent(share)} af {base}"
    return f"Afgørelsesregel: {text}."


def _percent(share: Fraction) -> str:
    value = share * 100
    return f"{int(value)} %" if value.denominator == 1 else f"{float(value):.1f} %".replace(".", ",")


def silence_da(d: HearingDefinition) -> str:
    if d.silence == "abstain":
        return "Manglende svar tæller ikke med (parten anses for at undlade at tage stilling)."
    option = d.option(d.silence)
    label = option.label if option else d.silence
    return f"Manglende svar tæller som «{label}» (stiltiende accept)."


def late_da(d: HearingDefinition) -> str:
    if d.late == "count":
        return "Svar modtaget efter fristen tæller med."
    return "Svar modtaget efter fristen gengives, men tæller ikke med."


def distribution_da(d: HearingDefinition) -> str | None:
    a = d.allocation
    if a is None:
        return None
    if isinstance(a.key, Weights):
        key = "fordeling efter aftalte vægte"
    elif a.key == "population":
        key = "fordeling efter befolkningstal"
    else:
        key = "ligelig fordeling mellem de hørte parter"
    payout = d.option(a.payout_option)
    label = payout.label if payout else a.payout_option
    return (f"Fordelingsnøgle: {key}. Parter, der har svaret «{label}», får deres andel "
            f"udbetalt; resten af beløbet samles i den fælles pulje.")
