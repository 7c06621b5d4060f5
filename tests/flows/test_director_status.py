"""The directors' status mail under the Prefect test harness, with a real SMTP server on loopback.

Three hearings in different states — JYFE open and awaiting seven kommuner, an interest hearing
to three kommuner that closes between two status mails, a consent hearing to two kommuner that
closed before the first one — and one upcoming FU meeting and one follow-up for Hjørring. Each
director gets one mail with exactly the items that concern them; a re-run in the same period
sends nothing; the status before the meeting (T−7) goes to FU's members only.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from flows.director_status import director_status
from sqlalchemy import select

from hoering.db.models import AnswerToken, Body, Followup, HearingRecipient, Item, Kommune, Meeting, Person
from hoering.domain.hearing import HearingDefinition
from hoering.mail.sink import MailSink
from hoering.runtime import Runtime
from hoering.services.answers import record_answer
from hoering.services.hearings import close_hearing, open_hearing, read_hearing_file
from tests.support import EXAMPLES, Clock

JYFE = "Tilbagebetaling af tiloversblevne midler fra JYFE"
FOKUS = "Fokuskommuner i udviklingsprojektet om borgerstyret praksis"
KOMMISSORIUM = "Kommissorium for arbejdsgruppen om børn med handicap"
SECTIONS = {"awaiting": "HØRINGER, DER VENTER PÅ JERES SVAR", "closed": "AFSLUTTEDE HØRINGER",
            "meetings": "KOMMENDE MØDER", "followups": "OPFØLGNING"}
ANSWERED_JYFE = ["Aalborg", "Brønderslev", "Frederikshavn", "Hjørring"]
FU = {"aalborg", "hjoerring", "mariagerfjord", "thisted", "rn"}  # FU's members (registry)


def cph(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    """A Copenhagen time in spring 2014 (CEST, UTC+2) as UTC."""
    return datetime(2014, month, day, hour - 2, minute, tzinfo=UTC)


@pytest.fixture
def flow_rt(flow_env) -> Runtime:
    return flow_env(Clock(cph(28, 4, 10)))


def hearing(title: str, kind: str, body: str, recipients: list[str], deadline: datetime) -> HearingDefinition:
    return HearingDefinition(title=title, kind=kind, body=body, recipients=recipients, deadline=deadline,
                             question=f"{title}?", rule="majority_of_answers")


def status_mails(sink: MailSink, seen: int) -> dict[str, str]:
    """Status mails received after the first ``seen`` messages: {kommune slug: text part}."""
    found: dict[str, str] = {}
    for message in sink.messages[seen:]:
        if str(message["Subject"]).startswith("Status fra Nordjysk Socialaftale"):
            slug = message["To"].addresses[0].domain.split(".")[0]
            assert slug not in found, f"two status mails to {slug}"
            found[slug] = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    return found


def sections(text: str) -> dict[str, str]:
    """The mail's sections by name; each holds the text up to the next section."""
    starts = sorted((text.index(h), name) for name, h in SECTIONS.items() if h in text)
    ends = [s for s, _ in starts[1:]] + [text.index("\n--\n")]
    return {name: text[start:end] for (start, name), end in zip(starts, ends, strict=True)}


def items(text: str) -> set[tuple[str, str]]:
    """(section, what) for every item in a status mail."""
    found = set()
    for name, body in sections(text).items():
        for title in (JYFE, FOKUS, KOMMISSORIUM):
            if title in body:
                found.add((name, title))
        if name == "meetings":
            found.add((name, "FU" if "FU tirsdag den 20. maj 2014 kl. 10.00" in body else body))
        if name == "followups":
            found.add((name, "overdue" if "OVERSKREDET" in body else "open"))
    return found


def run(now: datetime):
    return asyncio.run(director_status(now=now))


def test_one_status_mail_per_director_with_exactly_their_items(flow_rt: Runtime, sink: MailSink):
    rt, clock = flow_rt, flow_rt.clock
    assert isinstance(clock, Clock)
    kommissorium = open_hearing(rt, hearing(KOMMISSORIUM, "consent", "fu", ["Morsø", "Rebild"],
                                            cph(2, 5, 12)))
    clock.set(cph(29, 4, 10))
    jyfe = open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
    clock.set(cph(30, 4, 10))
    fokus = open_hearing(rt, hearing(FOKUS, "interest", "das", ["Aalborg", "Læsø", "Thisted"], cph(8, 5, 12)))
    for name in ANSWERED_JYFE:
        record_answer(rt, jyfe, kommune=name, option="pulje")
    for name in ("Morsø", "Rebild"):
        record_answer(rt, kommissorium, kommune=name, option="enig")
    with rt.db.transaction() as s:
        fu = s.scalar(select(Body).where(Body.key == "fu"))
        das = s.scalar(select(Body).where(Body.key == "das"))
        s.add(Meeting(body_id=fu.id, starts_at=cph(20, 5, 10), ends_at=cph(20, 5, 12),
                      place="Aalborg Rådhus", cycle={}, created_at=clock.now))
        item = Item(title="Kortlægning af botilbud", kind="beslutning", state="besluttet",
                    raised_by="sekretariatet", sagsbeskrivelse={}, decided_by=das.key,
                    decided_at=clock.now, created_at=clock.now)
        s.add(item)
        s.flush()
        s.add(Followup(item_id=item.id, what="Hjørring indsender tal for botilbud", who="Hjørring Kommune",
                       due_date=date(2014, 5, 9), created_at=clock.now))
    clock.set(cph(2, 5, 13))
    close_hearing(rt, kommissorium)

    # Monday 5 May 2014, 08.00: week 19. FU's meeting on 20 May is beyond the 14-day horizon.
    seen = len(sink.messages)
    w19 = run(cph(5, 5, 8))
    mails = status_mails(sink, seen)
    awaiting_jyfe = {"jammerbugt", "laesoe", "mariagerfjord", "morsoe", "rebild", "thisted", "vesthimmerland"}
    expected = {slug: {("awaiting", JYFE)} for slug in awaiting_jyfe}
    for slug in ("aalborg", "laesoe", "thisted"):
        expected.setdefault(slug, set()).add(("awaiting", FOKUS))
    for slug in ("morsoe", "rebild"):
        expected[slug].add(("closed", KOMMISSORIUM))
    expected["hjoerring"] = {("followups", "open")}
    assert {slug: items(text) for slug, text in mails.items()} == expected
    assert w19.queued == len(expected) == 9 and w19.due == 12  # 11 kommuner + the region
    assert "Status fra Nordjysk Socialaftale, uge 19, 2014" in mails["aalborg"]

    clock.set(cph(6, 5, 10))
    record_answer(rt, fokus, kommune="Aalborg", option="ja")
    record_answer(rt, fokus, kommune="Læsø", option="nej")
    clock.set(cph(8, 5, 13))
    close_hearing(rt, fokus)

    # Monday 12 May: week 20. Fokus closed since the last mail; FU's meeting is 8 days away.
    seen = len(sink.messages)
    w20 = run(cph(12, 5, 8))
    mails = status_mails(sink, seen)
    expected = {slug: {("awaiting", JYFE)} for slug in awaiting_jyfe}
    for slug in ("aalborg", "laesoe", "thisted"):
        expected.setdefault(slug, set()).add(("closed", FOKUS))
    for slug in FU:
        expected.setdefault(slug, set()).add(("meetings", "FU"))
    expected["hjoerring"].add(("followups", "overdue"))
    assert {slug: items(text) for slug, text in mails.items()} == expected
    assert w20.queued == 10 and "brønderslev" not in mails and "frederikshavn" not in mails

    laesoe = mails["laesoe"]
    assert "1 dag og 4 timer tilbage" in laesoe and "tirsdag den 13. maj 2014 kl. 12.00" in laesoe
    assert "2 af 3 har meldt interesse" not in laesoe and "1 af 3 hørte parter har meldt interesse: Aalborg" in laesoe
    assert "Jeres svar: «Nej, kommunen er ikke interesseret»" in laesoe
    assert "Jeres svar: intet svar" in mails["thisted"]
    with rt.db.transaction() as s:  # the personal link is the director's own, not the deputy's
        director = s.scalar(select(Person).where(Person.email == "socialdirektoer@laesoe.kommune.example"))
        nonce = s.scalar(select(AnswerToken.nonce).join(HearingRecipient).join(Kommune)
                         .where(HearingRecipient.hearing_id == jyfe, Kommune.code == 825,
                                AnswerToken.person_id == director.id))
    assert f"Svar her: {rt.answer_link(nonce)}" in laesoe

    # The same period again: nothing new.
    seen = len(sink.messages)
    again = run(cph(12, 5, 8, 30))
    assert again.queued == 0 and status_mails(sink, seen) == {}

    # Tuesday 13 May, 08.00: seven days before FU's meeting, its members get a status.
    seen = len(sink.messages)
    before = run(cph(13, 5, 8))
    mails = status_mails(sink, seen)
    assert set(mails) == FU and before.queued == 5
    assert all("før mødet i FU den 20. maj 2014" in text for text in mails.values())
    seen = len(sink.messages)
    assert run(cph(13, 5, 9)).queued == 0 and status_mails(sink, seen) == {}
