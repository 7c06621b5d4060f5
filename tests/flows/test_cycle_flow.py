"""``cycle_watch`` under the Prefect test harness: the DAS meeting of 15 March 2021 through the
cycle, mails at a real SMTP server with the ICS attached, and a second run at the same clock
that sends nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from flows.cycle import cycle_watch
from icalendar import Calendar

from hoering.mail.outbox import ics_uid_for
from hoering.mail.sink import MailSink
from hoering.runtime import Runtime
from hoering.services.meetings import approve_minutes
from tests.governance.das2021 import CHAIR, Replay, local
from tests.support import Clock, make_runtime


@pytest.fixture
def flow_rt(prefect_harness: None, tmp_path: Path, sqlite_url: str, smtp, monkeypatch) -> Runtime:
    controller, _ = smtp
    env = {"HOME": tmp_path, "DATABASE_URL": sqlite_url, "SECRET_KEY": "test-secret-key",
           "SMTP_HOST": controller.hostname, "SMTP_PORT": controller.port,
           "SMTP_BACKOFF_SECONDS": 0.05, "SMTP_TIMEOUT": 5.0}
    for name, value in env.items():
        monkeypatch.setenv(f"HOERING_{name}", str(value))
    return make_runtime(tmp_path, sqlite_url, Clock(local(2021, 2, 15, 10)),
                        smtp_host=controller.hostname, smtp_port=controller.port)


def watch(moment):
    return asyncio.run(cycle_watch(now=moment))


def test_cycle_watch_runs_the_das_meeting_and_never_sends_twice(flow_rt: Runtime, sink: MailSink):
    replay = Replay(flow_rt, flow_rt.clock)  # type: ignore[arg-type]
    replay.plan_and_raise()

    first = watch(local(2021, 2, 22))
    assert first.steps == [f"meeting {replay.das}: call_for_items (12)"] and first.sent == 12
    assert watch(local(2021, 2, 22)).sent == 0  # the same clock again: nothing new

    assert watch(local(2021, 3, 1)).steps == [f"meeting {replay.das}: fu_agenda (5)"]
    replay.fu_prepares()
    agenda = watch(local(2021, 3, 8))
    assert agenda.steps == [f"meeting {replay.das}: agenda (12)"] and agenda.sent == 12 + 1  # + bilag notice
    assert len(agenda.warnings) == 2 and "har ingen fil" in agenda.warnings[0]  # bilag 7 and 8 (a link is no bilag)
    again = watch(local(2021, 3, 8))
    assert (again.steps, again.queued, again.sent) == ([], 0, 0)

    mails = [m for m in sink.messages if str(m["Subject"]).startswith("Dagsorden: møde i DAS")]
    assert len(mails) == 12 and len({m["To"].addresses[0].addr_spec for m in mails}) == 12
    for message in mails:
        ics = next(p for p in message.iter_attachments() if p.get_filename() == "moede.ics")
        event = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
        assert event.decoded("DTSTART") == local(2021, 3, 15, 13)
        assert str(event["UID"]) == ics_uid_for(f"meeting:{replay.das}", flow_rt.settings)

    replay.das_decides()
    assert watch(local(2021, 3, 16)).steps == [f"meeting {replay.das}: minutes_draft (1)"]
    flow_rt.clock.set(local(2021, 3, 16, 14))  # type: ignore[attr-defined]
    approve_minutes(flow_rt, replay.das, by=CHAIR)
    last = watch(local(2021, 3, 16, 14))
    assert last.steps == [f"meeting {replay.das}: minutes (12)", f"meeting {replay.das}: kkr_orientation (1)"]
    assert last.sent == 13
    assert watch(local(2021, 3, 16, 14)).sent == 0
    assert len(sink.received) == 12 + 5 + 12 + 1 + 1 + 12 + 1
