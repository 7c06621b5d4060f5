"""The hearing flows under one Prefect test harness, on SQLite, with a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from flows.hearings import OpenHearingRequest, hearing_watch, open_hearing, send_outbox
from prefect.artifacts import Artifact
from pydantic import ValidationError

from hoering.errors import DefinitionError
from hoering.mail.sink import MailSink
from hoering.runtime import Runtime
from hoering.services.answers import record_answer
from hoering.views.result import hearing_result
from tests.support import EXAMPLES, JYFE_DEADLINE, JYFE_OPENED, Clock

KOMMUNER = ["Aalborg", "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø",
            "Mariagerfjord", "Morsø", "Rebild", "Thisted", "Vesthimmerland"]


@pytest.fixture
def flow_rt(flow_env) -> Runtime:
    return flow_env(Clock())


def kind_of(message) -> str:
    subject = str(message["Subject"])
    for prefix, kind in (("Påmindelse", "reminder"), ("Resultat", "result"), ("Kvittering", "receipt"),
                         ("Mailhøring", "invitation")):
        if subject.startswith(prefix):
            return kind
    return "other"


def mails(sink: MailSink, kind: str) -> list:
    return [m for m in sink.messages if kind_of(m) == kind]


def run(coro):
    return asyncio.run(coro)


def test_request_needs_exactly_one_source():
    with pytest.raises(ValidationError, match="Angiv enten en høringsfil eller en høring"):
        OpenHearingRequest()
    with pytest.raises(ValidationError):
        OpenHearingRequest(hearing_file="x.yaml", definition=None, now="not a time")


def test_a_hearing_runs_to_its_result_mails(flow_rt: Runtime, sink: MailSink):
    request = OpenHearingRequest(hearing_file=str(EXAMPLES / "jyfe.yaml"), now=JYFE_OPENED)
    hid = run(open_hearing(request))
    invitations = mails(sink, "invitation")
    domains = {m["To"].addresses[0].domain for m in invitations}
    assert len(domains) == 11, "every kommune is invited"

    clock = Clock(JYFE_OPENED)
    clock.advance(days=2)
    answering = Runtime(flow_rt.settings, flow_rt.db, clock)
    for name in KOMMUNER[:8]:
        record_answer(answering, hid, kommune=name, option="pulje", channel="web")
    assert run(send_outbox(now=clock.now)).sent == len(mails(sink, "receipt")) > 0

    watch = run(hearing_watch(now=JYFE_DEADLINE - timedelta(hours=23)))  # the P1D reminder is due
    assert watch.reminders > 0 and watch.closed == []
    reminded = {m["To"].addresses[0].domain for m in mails(sink, "reminder")}
    assert reminded == {"rebild.kommune.example", "thisted.kommune.example",
                        "vesthimmerland.kommune.example"}, "only the silent kommuner are reminded"

    report = run(hearing_watch(now=JYFE_DEADLINE + timedelta(minutes=15)))
    assert report.closed == [hid] and report.sent > 0
    results = mails(sink, "result")
    assert {m["To"].addresses[0].domain for m in results} >= domains
    text = results[0].get_body(preferencelist=("plain",)).get_content()
    assert "8 af 11 hørte parter har svaret inden fristen" in text

    result = hearing_result(flow_rt, hid).as_json()
    assert result["status"] == "closed" and result["answered"] == 8 and len(result["silent"]) == 3
    tally = Artifact.get(f"hearing-{hid}-tally")
    markdown = Artifact.get(f"hearing-{hid}-result")
    assert tally is not None and tally.type == "table" and "Aalborg" in str(tally.data)
    assert markdown is not None and markdown.type == "markdown"
    assert "8 af 11" in str(markdown.data) and result["summary"] in str(markdown.data)


def test_hearing_watch_twice_at_the_same_clock_sends_nothing_twice(flow_rt: Runtime, sink: MailSink):
    hid = run(open_hearing(OpenHearingRequest(hearing_file=str(EXAMPLES / "jyfe.yaml"), now=JYFE_OPENED)))
    at = Clock(JYFE_OPENED)
    at.advance(days=1)
    for name in KOMMUNER:
        record_answer(Runtime(flow_rt.settings, flow_rt.db, at), hid, kommune=name, option="pulje")
    after = JYFE_DEADLINE + timedelta(minutes=15)

    first = run(hearing_watch(now=after))
    count = len(sink.messages)
    second = run(hearing_watch(now=after))

    assert first.closed == [hid] and first.sent > 0
    assert second.closed == [] and second.reminders == 0 and second.sent == 0
    assert len(sink.messages) == count
    ids = [m["Message-ID"] for m in sink.messages]
    assert len(ids) == len(set(ids))


def test_a_broken_hearing_file_fails_the_run_naming_each_wrong_field(flow_rt: Runtime, sink: MailSink):
    request = OpenHearingRequest(hearing_file=str(EXAMPLES / "broken-hearing.yaml"), now=JYFE_OPENED)
    with pytest.raises(DefinitionError) as failure:
        run(open_hearing(request))
    assert "broken-hearing.yaml" in str(failure.value) and "deadline" in str(failure.value)
    assert sink.messages == []
