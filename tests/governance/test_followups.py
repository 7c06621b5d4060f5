"""Follow-ups with owners from the registry: the owner is reminded once, a few working days before
the due date ("næste møde" resolved to that meeting's date); an overdue one is marked on the agenda."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hoering.domain.meetings import FollowupDef, ItemDefinition, MeetingPlan
from hoering.errors import RuleViolation
from hoering.mail.sink import MailSink, running_sink
from hoering.runtime import Runtime, forget_databases
from hoering.services.cycle import run_cycle
from hoering.services.documents import document_view, render_document
from hoering.services.followups import list_followups
from hoering.services.items import add_item, decide_item, route_item
from hoering.services.meetings import meeting_items
from hoering.services.outbox import send_outbox
from hoering.services.planning import plan_meetings
from tests.governance.das2021 import local
from tests.support import Clock, make_runtime


@pytest.fixture
def das(tmp_path) -> Iterator[tuple[Runtime, Clock, MailSink, int, int]]:
    """DAS meets 17 March and 26 May 2031; one case is on the March agenda, its meeting held."""
    with running_sink() as (controller, sink):
        clock = Clock(local(2031, 2, 1, 10))
        rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock,
                          smtp_host=controller.hostname, smtp_port=controller.port)
        first, second = plan_meetings(rt, MeetingPlan.model_validate({
            "body": "das", "year": 2031, "standard_items": [],
            "meetings": [{"date": "2031-03-17"}, {"date": "2031-05-26"}]}))
        item = add_item(rt, ItemDefinition(title="Takster 2032", kind="beslutning",
                                           indstillinger=["DAS godkender taksterne"]))
        route_item(rt, item, to="fu")
        route_item(rt, item, to="das", meeting_id=first)
        clock.set(local(2031, 3, 17, 15))
        yield rt, clock, sink, item, second
    forget_databases()


def decide(rt: Runtime, item: int, *followups: FollowupDef) -> None:
    decide_item(rt, item, outcome="godkendt", text="Godkendt.", followups=list(followups))


def test_an_owner_the_registry_does_not_know_is_refused(das):
    rt, _, _, item, _ = das
    with pytest.raises(RuleViolation, match="findes ikke i registret"):
        decide(rt, item, FollowupDef(what="Notat", who="Arbejdsgruppen for takster", due="naeste_moede"))
    assert list_followups(rt) == []


def test_the_owner_is_reminded_once_three_working_days_before(das):
    rt, clock, sink, item, _ = das
    # due Monday 7 April 2031: three working days before is Wednesday 2 April
    decide(rt, item, FollowupDef(what="Taksterne meldes ud", who="Aalborg Kommune", due="2031-04-07"))
    [f] = list_followups(rt)
    assert f["who"] == "Socialdirektør, Aalborg Kommune"
    clock.set(local(2031, 4, 1, 12))
    assert run_cycle(rt).followup_reminders == 0
    clock.set(local(2031, 4, 2, 8))
    assert run_cycle(rt).followup_reminders == 1
    send_outbox(rt)
    [mail] = [m for m in sink.messages if "Påmindelse om opfølgning" in str(m["Subject"])]
    assert "socialdirektoer@aalborg.kommune.example" in str(mail["To"])
    assert "Taksterne meldes ud" in mail.get_body(("plain",)).get_content()
    for moment in (local(2031, 4, 3, 8), local(2031, 4, 7, 8), local(2031, 4, 8, 8)):
        clock.set(moment)
        assert run_cycle(rt).followup_reminders == 0  # once: not again, nor on the day, nor after
    send_outbox(rt)
    assert len([m for m in sink.messages if "Påmindelse om opfølgning" in str(m["Subject"])]) == 1


def test_a_body_as_owner_and_next_meeting_resolved_to_its_date(das):
    rt, clock, _, item, _ = das
    decide(rt, item, FollowupDef(what="Oplæg til FU", who="fu", due="naeste_moede"))
    [f] = list_followups(rt)
    assert (f["who"], f["due_da"]) == ("FU", "næste møde (26. maj 2031)")
    clock.set(local(2031, 5, 21, 8))  # three working days before 26 May
    assert run_cycle(rt).followup_reminders >= 2  # every FU member


def test_an_overdue_followup_is_marked_on_the_agenda(das):
    rt, clock, _, item, second = das
    decide(rt, item, FollowupDef(what="Taksterne meldes ud", who="sekretariatet", due="2031-04-07"))
    assert list_followups(rt)[0]["who"] == "Sekretariat for Nordjysk Socialaftale"
    clock.set(local(2031, 5, 1, 10))
    view = document_view(rt, second, "agenda")
    [f] = view["followups"]
    assert f["overdue"] and f["due_da"] == "7. april 2031 – overskredet"
    assert meeting_items(rt, second)["items"] == []
    # as the agenda's reader sees it (the document the PDF is made from)
    text = render_document(view, "html").decode()
    assert "Taksterne meldes ud" in text and "7. april 2031 – overskredet" in text


def test_a_followup_due_later_is_not_marked_overdue(das):
    rt, clock, _, item, second = das
    decide(rt, item, FollowupDef(what="Taksterne meldes ud", who="sekretariatet", due="2031-05-26"))
    clock.set(local(2031, 5, 1, 10))
    [f] = document_view(rt, second, "agenda")["followups"]
    assert not f["overdue"] and f["due_da"] == "26. maj 2031"


def test_a_reminder_after_a_missed_run_says_overskredet_and_the_secretariat_is_not_asked_to_tell_itself(das):
    rt, clock, sink, item, _ = das
    decide(rt, item, FollowupDef(what="Taksterne meldes ud", who="Aalborg Kommune", due="2031-04-07"),
           FollowupDef(what="Notat om taksterne", who="Sekretariatet", due="2031-04-07"))
    clock.set(local(2031, 4, 9, 8))  # the cycle did not run until two days after the due date
    assert run_cycle(rt).followup_reminders == 2
    send_outbox(rt)
    mails = {str(m["Subject"]): m.get_body(("plain",)).get_content() for m in sink.messages
             if "opfølgning" in str(m["Subject"])}
    aalborg = mails["Fristen er overskredet for opfølgning: Taksterne meldes ud (frist 7. april 2031)"]
    assert "Fristen var 7. april 2031 og er overskredet." in " ".join(aalborg.split())
    secretariat = " ".join(mails["Fristen er overskredet for opfølgning: Notat om taksterne (frist 7. april 2031)"]
                           .split())
    assert "Giv sekretariatet besked" not in secretariat and "hoering followup close" in secretariat
