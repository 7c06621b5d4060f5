"""The høringsnotat's content: one hearing gathered for reading — every party with its answer
(and every earlier version), the tally under the hearing's rule, the rule, silence and
late-answer settings in Danish, and the history of its closes.

The exports and the høringsnotat are both written from a :class:`HearingReport`, so they cannot
disagree with each other; and a closed hearing's report is built from its stored result record
(names, key values, shares, payouts, summary as decided), so they cannot disagree with the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoering.danish import format_datetime
from hoering.db.lookup import get_hearing
from hoering.db.models import AuditEntry
from hoering.db.tallying import definition_of, recipients_of
from hoering.domain.hearing import HearingDefinition, Qualified, Weights
from hoering.domain.names import alphabetical
from hoering.domain.wording import rule_phrase
from hoering.runtime import Runtime
from hoering.views.documents import BilagShown, ResponseShown
from hoering.views.result import AnswerShown, ResultVersion, result_of

Version = AnswerShown  # one version of an answer, with its label


@dataclass(frozen=True)
class PartyRow:
    """A hørt part (rows are in alphabetical order): what it answered (the version that
    counts, or its late one) and what that counted as. ``versions`` holds every version,
    oldest first. Name, key value, share and payout are the result record's."""

    code: int
    name: str
    display_name: str
    contacts: tuple[str, ...]
    status: str  # answered | late | silent
    answer: Version | None
    counted_as: str | None
    counted_label: str | None
    key_value: Decimal | None  # population or weight used (allocation)
    share: Decimal | None  # the party's share under the distribution key (allocation)
    payout: Decimal | None
    versions: tuple[Version, ...]
    response: ResponseShown | None = None  # the secretariat's response to the answer


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
    closing_note: str | None  # closed before the deadline: said so (domain.wording.closing_note)
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
    version: int | None  # the stored result version (None: not closed)
    recorded_at: datetime | None
    history: tuple[ResultVersion, ...]  # every stored close, oldest first
    events: tuple[tuple[datetime, str], ...]  # reopenings and extensions (when, Danish text)
    bilag: tuple[BilagShown, ...] = ()
    sagsnr: str | None = None
    contact: str | None = None  # the hearing's contact person, when its file names one

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.status == "answered")

    @property
    def payouts(self) -> dict[int, Decimal]:
        return {r.code: r.payout for r in self.rows if r.payout is not None}


def hearing_report(rt: Runtime, hearing_id: int) -> HearingReport:
    """The report of one hearing, read in one transaction."""
    with rt.db.read() as s:
        h = get_hearing(s, hearing_id)
        d = definition_of(h)
        r = result_of(s, h)
        contacts = {k.code: tuple(f"{tok.person.name} <{tok.person.email}>" for tok in recipient.tokens
                                  if tok.revoked_at is None)
                    for recipient, k in recipients_of(s, h.id)}
        events = tuple(deadline_events(s, h.id))
        rows = [PartyRow(
            code=ln.code, name=ln.name, display_name=ln.display_name, contacts=contacts.get(ln.code, ()),
            status=ln.status, answer=ln.answer, counted_as=ln.counted_as, counted_label=ln.counted_label,
            key_value=ln.key_value, share=ln.share, payout=ln.payout, versions=ln.every_version,
            response=ln.response)
            for ln in r.lines]
        return HearingReport(
            id=h.id, title=h.title, kind=h.kind, status=h.status, body=r.body_name,
            body_long=r.body_long, question=d.question, background=d.background,
            options=tuple((o.key, o.label) for o in r.options), opened_at=h.opened_at,
            deadline=r.deadline, closed_at=h.closed_at, closing_note=r.closing_note, rule=rule_da(d),
            silence=silence_da(d),
            late=late_da(d), distribution=distribution_da(d),
            rows=tuple(sorted(rows, key=lambda row: alphabetical(row.display_name))),
            counts=tuple((k, r.label(k) or k, n) for k, n in r.counts.items()), outcome=r.outcome,
            summary=r.summary, total=r.total, pool=r.allocation.pool if r.allocation else None,
            version=r.version, recorded_at=r.recorded_at, history=r.history, events=events, bilag=r.bilag,
            sagsnr=d.sagsnr, contact=d.contact)


def deadline_events(s: Session, hearing_id: int) -> list[tuple[datetime, str]]:
    """Extensions and reopenings from the audit trail, in Danish."""
    found = []
    for e in s.scalars(select(AuditEntry).where(
            AuditEntry.hearing_id == hearing_id, AuditEntry.seq.is_not(None),  # sealed: none written past the app
            AuditEntry.action.in_(("hearing.extended", "hearing.reopened"))).order_by(AuditEntry.seq)):
        what = "Høringen blev genåbnet" if e.action == "hearing.reopened" else "Fristen blev forlænget"
        reason = e.details.get("reason")
        why = f" (begrundelse: {reason})" if reason else ""
        found.append((e.at, f"{what} den {format_datetime(e.at)}{why}."))
    return found


def rule_da(d: HearingDefinition) -> str:
    rule = d.rule
    if d.kind in ("interest", "submission"):
        return "Høringen har ikke et udfald efter en afstemningsregel; svarene samles."
    if rule == "unanimity":
        text = "enstemmighed: alle, der har taget stilling, skal støtte forslaget"
    elif rule == "majority_of_answers":
        text = "simpelt flertal af de afgivne svar"
    elif rule == "majority_of_recipients":
        text = rule_phrase(d, None)
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
        return "Svar efter fristen tæller med."
    return "Svar efter fristen gengives, men tæller ikke med."


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
