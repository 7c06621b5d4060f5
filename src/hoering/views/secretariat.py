"""One hearing as the secretariat's page shows it: the kommune × answer × when matrix, the
count, the result (the stored record once closed, with its earlier versions) and the audit
trail in Danish — read in one transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from hoering.db.lookup import get_hearing
from hoering.db.models import AuditEntry
from hoering.db.tallying import definition_of
from hoering.domain.labels import CHANNEL
from hoering.domain.responses import STANCES
from hoering.domain.result import Moment
from hoering.inbox.classify import REASON_DA
from hoering.runtime import Runtime
from hoering.views.base import View
from hoering.views.documents import BilagShown
from hoering.views.result import HearingResult, ResultVersion, result_of
from hoering.views.status import HearingStatus, StatusLine, status_from

ACTIONS = {
    "hearing.opened": "Høringen blev åbnet",
    "hearing.closed": "Høringen blev afsluttet",
    "hearing.extended": "Fristen blev forlænget",
    "hearing.reopened": "Høringen blev genåbnet",
    "hearing.reminded": "Påmindelse lagt i udbakken",
    "answer.recorded": "Svar registreret",
    "hearing.responded": "Sekretariatets bemærkning gemt",
    "contact.links_revoked": "Svarlink spærret",
    "contact.link_reissued": "Nyt svarlink lagt i udbakken",
    "inbox.recorded_after_review": "Mail registreret som svar",
    "inbox.ignored": "Mail ignoreret",
    "inbox.processed": "Mail læst af indbakken",
}
STATUS_DA = {"answered": "Svaret", "late": "For sent", "silent": "Ikke svaret"}
CHANNELS_DA = CHANNEL  # domain.labels: "via svarlink", "via sekretariatet", "via mail"


class DetailLine(StatusLine):
    status_da: str
    channel_da: str | None
    payout: Decimal | None


class CountLabel(View):
    key: str
    label: str
    count: int


class TrailEntry(View):
    at: Moment
    actor: str
    action: str
    details: str


class HearingDetail(View):
    hearing: int
    title: str
    status: str
    question: str
    deadline: Moment
    time_left: str | None
    remaining: str | None  # "2 dage tilbage" or "fristen er overskredet"; None once closed
    past_deadline: bool
    answered: int
    recipients: int
    silent_names: list[str]
    late_names: list[str]
    lines: list[DetailLine]  # alphabetical
    counts: list[CountLabel]
    result: HearingResult | None  # the stored record, once closed
    history: list[ResultVersion]  # every stored close, oldest first
    trail: list[TrailEntry]
    bilag: tuple[BilagShown, ...] = ()


def hearing_detail(rt: Runtime, hearing_id: int) -> HearingDetail:
    now = rt.now()
    with rt.db.read() as s:
        hearing = get_hearing(s, hearing_id)
        result = result_of(s, hearing)
        st: HearingStatus = status_from(result, question=definition_of(hearing).question,
                                        deadline=hearing.deadline, now=now)
        trail = [TrailEntry(at=e.at, actor=e.actor, action=ACTIONS.get(e.action, e.action),
                            details=_details(e.details, result))
                 for e in s.scalars(select(AuditEntry).where(AuditEntry.hearing_id == hearing_id,
                                                             AuditEntry.seq.is_not(None))  # sealed only
                                    .order_by(AuditEntry.seq))]
    payouts = result.payouts
    lines = [DetailLine(**dict(ln), status_da=STATUS_DA.get(ln.status, ln.status),
                        channel_da=CHANNELS_DA.get(ln.channel or "", ln.channel),
                        payout=payouts.get(ln.kommune)) for ln in st.lines]
    return HearingDetail(
        hearing=st.hearing, title=st.title, status=st.status, question=st.question,
        deadline=st.deadline, time_left=st.time_left, remaining=st.remaining,
        past_deadline=st.past_deadline, answered=st.answered, recipients=st.recipients,
        silent_names=st.silent_names, late_names=st.late_names,
        lines=lines,  # alphabetical (domain.tally)
        counts=[CountLabel(key=k, label=result.label(k) or k, count=n) for k, n in st.counts.items()],
        result=result if st.status == "closed" else None, history=list(result.history), trail=trail,
        bilag=st.bilag)


def _details(details: dict[str, Any], result: HearingResult) -> str:
    parts = []
    if "kommune" in details:
        parts.append(f"kommune {details['kommune']}")
    if details.get("contact"):
        parts.append(details["contact"])
    if details.get("stance") in STANCES:
        parts.append(STANCES[details["stance"]].lower())
    if details.get("option"):
        parts.append(f"«{result.label(details['option'])}»")
    if details.get("channel"):
        parts.append(CHANNELS_DA.get(details["channel"], details["channel"]))
    if details.get("late"):
        parts.append("for sent")
    if details.get("messages"):
        parts.append(f"{details['messages']} mail(s)")
    if details.get("forced"):
        parts.append("lukket før fristen")
    if details.get("result_version"):
        parts.append(f"resultat version {details['result_version']}")
    if details.get("previous_result_version"):
        parts.append(f"resultat version {details['previous_result_version']} bevares")
    if "status" in details and details.get("reason") in REASON_DA:  # the inbox's code, not a person's reason
        parts.append(REASON_DA[details["reason"]])
        if details.get("note"):
            parts.append(details["note"])
    elif details.get("reason"):
        parts.append(f"begrundelse: {details['reason']}")
    return ", ".join(parts)
