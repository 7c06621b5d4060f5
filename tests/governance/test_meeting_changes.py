"""Moving and cancelling a meeting: every invitee gets an updated ICS (same UID, SEQUENCE
raised; METHOD:CANCEL on a cancellation), the cycle follows, and a cancelled meeting's items go
back to FU. Mail goes to a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from icalendar import Calendar

from hoering.db.lookup import get_item
from hoering.domain import routing
from hoering.errors import RuleViolation
from hoering.mail.sink import MailSink, running_sink
from hoering.runtime import Runtime, forget_databases
from hoering.services.cycle import run_cycle
from hoering.services.items import add_item, read_item_file, route_item
from hoering.services.meeting_changes import cancel_meeting, move_meeting
from hoering.services.meetings import list_meetings
from hoering.services.outbox import send_outbox
from hoering.services.planning import plan_meetings, read_plan_file
from tests.governance.das2021 import EX, local, meeting_at, queued_messages
from tests.support import Clock, make_runtime


@pytest.fixture
def das(tmp_path) -> Iterator[tuple[Runtime, Clock, MailSink, int, int]]:
    """The DAS meeting of 15 March 2021 with one case item on its agenda, the agenda sent."""
    with running_sink() as (controller, sink):
        clock = Clock(local(2021, 2, 15, 10))
        rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock,
                          smtp_host=controller.hostname, smtp_port=controller.port)
        plan_meetings(rt, read_plan_file(EX / "plan-das-2021.yaml"))
        meeting = meeting_at(rt, "das", local(2021, 3, 15, 13))
        path = sorted((EX / "items").glob("05-*.yaml"))[0]
        item = add_item(rt, read_item_file(path), source=str(path), base_dir=path.parent)
        route_item(rt, item, to="fu")
        clock.set(local(2021, 3, 1, 10))
        route_item(rt, item, to="das", meeting_id=meeting)
        clock.set(local(2021, 3, 8, 8))
        run_cycle(rt)
        send_outbox(rt)
        yield rt, clock, sink, meeting, item
    forget_databases()


def calendars(sink: MailSink) -> list[tuple[str, Calendar]]:
    found = []
    for m in sink.messages:
        assert isinstance(m, EmailMessage)
        for part in m.walk():
            if part.get_content_type() == "text/calendar":
                found.append((str(m["To"]), Calendar.from_ical(part.get_payload(decode=True))))
    return found


def event(cal: Calendar):
    return next(iter(cal.walk("VEVENT")))


def test_move_sends_updated_ics_with_same_uid_and_higher_sequence(das):
    rt, clock, sink, meeting, _ = das
    first = calendars(sink)
    assert first and all(str(c.get("METHOD")) == "REQUEST" and int(event(c)["SEQUENCE"]) == 0 for _, c in first)
    uid = str(event(first[0][1])["UID"])
    before = len(sink.received)

    clock.set(local(2021, 3, 9, 10))
    queued = move_meeting(rt, meeting, day=dt.date(2021, 3, 17), reason="Formanden er forhindret")
    assert queued == len(first)
    send_outbox(rt)
    moved = calendars(sink)[len(first):]
    assert {to for to, _ in moved} == {to for to, _ in first}
    for _, cal in moved:
        ev = event(cal)
        assert str(cal.get("METHOD")) == "REQUEST" and str(ev["UID"]) == uid and int(ev["SEQUENCE"]) == 1
        assert ev.decoded("DTSTART").date() == dt.date(2021, 3, 17)
        assert ev.decoded("DTSTART").hour == 13  # the time kept, in Copenhagen
    mail = sink.messages[before]
    text = mail.get_body(("plain",)).get_content()
    assert "Formanden er forhindret" in text and "17. marts 2021" in text
    # the same move asked twice: refused (nothing changes), nothing more mailed
    with pytest.raises(RuleViolation):
        move_meeting(rt, meeting, day=dt.date(2021, 3, 17), reason="igen")


def test_cancel_sends_cancel_ics_and_returns_items_to_fu_and_the_cycle_stops(das):
    rt, clock, sink, meeting, item = das
    first = calendars(sink)
    uid = str(event(first[0][1])["UID"])
    clock.set(local(2021, 3, 10, 10))
    assert cancel_meeting(rt, meeting, reason="Aflyst pga. få sager") == len(first)
    send_outbox(rt)
    cancels = [(to, c) for to, c in calendars(sink) if str(c.get("METHOD")) == "CANCEL"]
    assert {to for to, _ in cancels} == {to for to, _ in first}
    for _, cal in cancels:
        ev = event(cal)
        assert str(ev["UID"]) == uid and int(ev["SEQUENCE"]) == 1 and str(ev["STATUS"]) == "CANCELLED"
    with rt.db.transaction() as s:
        back = get_item(s, item)
        assert back.state == routing.HOS_FU and back.meeting_id is None
    assert [m["cancelled"] for m in list_meetings(rt, body="das") if m["id"] == meeting] == [True]
    # the cycle has nothing more for the cancelled meeting, at once or at any later time, nor
    # does cancelling it again
    received = len(sink.received)
    with pytest.raises(RuleViolation, match="aflyst"):
        cancel_meeting(rt, meeting, reason="igen")
    for moment in (local(2021, 3, 10, 10), local(2021, 3, 15, 8), local(2021, 3, 15, 17), local(2021, 3, 16, 10),
                   local(2021, 3, 20, 10)):
        clock.set(moment)
        report = run_cycle(rt)
        assert [d for d in report.done if d[0] == meeting] == [] and meeting not in report.empty_agendas
        assert meeting not in report.agenda_warnings
    assert send_outbox(rt).sent == 0
    assert len(sink.received) == received
    with pytest.raises(RuleViolation, match="aflyst"):
        move_meeting(rt, meeting, day=dt.date(2021, 3, 22), reason="alligevel")


def test_move_before_the_agenda_mails_nobody_and_the_cycle_follows_the_new_date(tmp_path):
    clock = Clock(local(2021, 2, 15, 10))
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock)
    try:
        plan_meetings(rt, read_plan_file(EX / "plan-das-2021.yaml"))
        meeting = meeting_at(rt, "das", local(2021, 3, 15, 13))
        path = sorted((EX / "items").glob("08-*.yaml"))[0]
        item = add_item(rt, read_item_file(path), source=str(path), base_dir=path.parent)
        route_item(rt, item, to="fu")
        route_item(rt, item, to="das", meeting_id=meeting)
        assert move_meeting(rt, meeting, day=dt.date(2021, 3, 22), reason="Ny dato") == 0
        clock.set(local(2021, 3, 8, 8))  # T-7 of the old date: the agenda is not due any more
        assert [s for m, s, _ in run_cycle(rt).done if m == meeting and s == "agenda"] == []
        clock.set(local(2021, 3, 15, 8))  # T-7 of the new date
        assert [s for m, s, _ in run_cycle(rt).done if m == meeting and s == "agenda"] == ["agenda"]
    finally:
        forget_databases()


def test_replanning_a_year_with_a_moved_date_asks_for_move(tmp_path):
    clock = Clock(local(2021, 2, 15, 10))
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock)
    try:
        plan = read_plan_file(EX / "plan-das-2021.yaml")
        ids = plan_meetings(rt, plan)
        assert plan_meetings(rt, plan) == ids  # the same plan again: nothing new
        moved = plan.model_copy(update={"meetings": [m.model_copy(update={"date": m.date + dt.timedelta(days=1)})
                                                     for m in plan.expand()], "rule": None})
        with pytest.raises(RuleViolation, match="meeting move"):
            plan_meetings(rt, moved)
        assert len(list_meetings(rt, body="das")) == len(ids)
    finally:
        forget_databases()


def test_an_agenda_without_cases_is_held_back_and_a_missed_step_is_flagged(tmp_path):
    with running_sink() as (controller, sink):
        clock = Clock(local(2021, 2, 15, 10))
        rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock,
                          smtp_host=controller.hostname, smtp_port=controller.port)
        try:
            plan_meetings(rt, read_plan_file(EX / "plan-das-2021.yaml"))
            meeting = meeting_at(rt, "das", local(2021, 3, 15, 13))
            for moment in (local(2021, 2, 22, 8), local(2021, 3, 1, 8)):  # T-21, T-14 on time
                clock.set(moment)
                assert run_cycle(rt).late == []
            clock.set(local(2021, 3, 8, 8))  # T-7: only the standard items are on the agenda
            report = run_cycle(rt)
            assert [s for m, s, _ in report.done if m == meeting] == [] and report.empty_agendas == [meeting]
            assert run_cycle(rt).empty_agendas == [meeting]
            send_outbox(rt)
            told = [m for m in sink.messages if "kræver opmærksomhed" in str(m["Subject"])]
            assert len(told) == 1 and "ingen sager" in told[0].get_body(("plain",)).get_content()
            # a case arrives a day later: the agenda goes at the next run, flagged as late
            clock.set(local(2021, 3, 9, 10))
            path = sorted((EX / "items").glob("08-*.yaml"))[0]
            item = add_item(rt, read_item_file(path), source=str(path), base_dir=path.parent)
            route_item(rt, item, to="fu")
            route_item(rt, item, to="das", meeting_id=meeting)
            report = run_cycle(rt)
            assert [s for m, s, _ in report.done if m == meeting] == ["agenda"]
            [(m, step, late)] = report.late
            assert (m, step) == (meeting, "agenda") and late.total_seconds() >= 26 * 3600
            send_outbox(rt)
            told = [m for m in sink.messages if "kræver opmærksomhed" in str(m["Subject"])]
            assert len(told) == 2 and "dagsorden" in told[1].get_body(("plain",)).get_content()
        finally:
            forget_databases()


def test_cancelling_before_the_agenda_tells_every_member(tmp_path):
    clock = Clock(local(2021, 2, 15, 10))
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock)
    try:
        plan_meetings(rt, read_plan_file(EX / "plan-das-2021.yaml"))
        meeting = meeting_at(rt, "das", local(2021, 3, 15, 13))
        assert cancel_meeting(rt, meeting, reason="For få sager") == 12  # no agenda yet: all 12 members
        mails = [m for m in queued_messages(rt) if str(m["Subject"]).startswith("Aflyst: møde i DAS")]
        assert len(mails) == 12
        text = " ".join(mails[0].get_body(("plain",)).get_content().split())
        assert "er aflyst. Begrundelse: For få sager" in text
    finally:
        forget_databases()
