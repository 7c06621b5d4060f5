"""A bilag without a file, or one the text refers to but the agenda lacks, is a warning before
the agenda is sent: reported by ``hoering cycle due`` a week ahead and by ``hoering meeting
agenda``; at the agenda step the agenda goes anyway and the secretariat gets the warnings by mail
(a real SMTP server on loopback)."""

from __future__ import annotations

import pytest

from hoering.domain.meetings import ItemDefinition, MeetingPlan
from hoering.mail.sink import running_sink
from hoering.runtime import forget_databases
from hoering.services.agenda_checks import meeting_agenda_warnings, referred_bilag
from hoering.services.cycle import run_cycle
from hoering.services.items import add_item, route_item
from hoering.services.outbox import send_outbox
from hoering.services.planning import plan_meetings
from tests.governance.das2021 import EX, local
from tests.support import Clock, cli_runner, make_runtime


@pytest.mark.parametrize(("text", "numbers"), [
    ("Kommissoriet er vedlagt som bilag 2.", {2}), ("Se bilag 2 og 3", {2, 3}), ("jf. bilag nr. 4", {4}),
    ("Bilagene 1, 2 og 5 beskriver", {1, 2, 5}), ("bilag 2-4", {2, 3, 4}), ("Ingen bilag her", set()),
    ("tilbuddet (bilag 6).", {6})])
def test_the_bilag_numbers_a_text_refers_to(text, numbers):
    assert referred_bilag(text) == numbers


def item(title: str, text: str, bilag: list[dict[str, str]]) -> ItemDefinition:
    return ItemDefinition.model_validate({"title": title, "kind": "beslutning", "indstillinger": ["DAS godkender"],
                                          "sagsbeskrivelse": {"sagsfremstilling": text}, "bilag": bilag})


def test_bilag_warnings_before_and_when_the_agenda_is_sent(tmp_path):
    with running_sink() as (controller, sink):
        clock = Clock(local(2031, 2, 1, 10))
        rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock,
                          smtp_host=controller.hostname, smtp_port=controller.port)
        try:
            [meeting] = plan_meetings(rt, MeetingPlan.model_validate(
                {"body": "das", "year": 2031, "standard_items": [], "meetings": [{"date": "2031-03-17"}]}))
            bilag = "kommissorium-fokusomraade-2.txt"
            good = add_item(rt, item("Kommissorium", "Kommissoriet er vedlagt som bilag 1.",
                                     [{"title": "Kommissorium", "file": bilag}]), base_dir=EX / "items" / "bilag")
            bad = add_item(rt, item("Takster", "Taksterne står i bilag 2, beregningen i bilag 4.",
                                    [{"title": "Takstblad"}, {"title": "Notat om takster"}]))
            for i in (good, bad):
                route_item(rt, i, to="fu")
                route_item(rt, i, to="das", meeting_id=meeting)
            expected = ["Punkt 2 «Takster»: teksten henviser til bilag 2 «Takstblad», som ingen fil har",
                        "Punkt 2 «Takster»: teksten henviser til bilag 4, men dagsordenen har intet bilag 4",
                        "Punkt 2 «Takster»: bilag 3 «Notat om takster» har ingen fil"]
            assert meeting_agenda_warnings(rt, meeting) == expected

            clock.set(local(2031, 3, 1, 10))  # more than a week before the agenda goes (10 March)
            assert run_cycle(rt).agenda_warnings == {}
            clock.set(local(2031, 3, 4, 10))  # within the week: reported by the run
            assert run_cycle(rt).agenda_warnings == {meeting: expected}

            clock.set(local(2031, 3, 10, 8))  # T-7: sent anyway, the secretariat told
            report = run_cycle(rt)
            assert (meeting, "agenda", 12) in report.done and report.agenda_warnings == {meeting: expected}
            send_outbox(rt)
            notices = [m for m in sink.messages if "kræver opmærksomhed" in str(m["Subject"])]
            [notice] = [m for m in notices if "mangler ved bilagene" in m.get_body(("plain",)).get_content()]
            text = notice.get_body(("plain",)).get_content()
            assert all(w in text for w in expected)
            assert "sekretariat@socialaftale.example" in str(notice["To"])
        finally:
            forget_databases()


def test_the_agenda_cli_prints_the_warnings(tmp_path):
    run = cli_runner(tmp_path, HOERING_SMTP_PORT="9")
    assert run("init").returncode == 0
    plan = tmp_path / "plan.yaml"
    plan.write_text("body: das\nyear: 2031\nstandard_items: []\nmeetings:\n- date: 2031-03-17\n", encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text("title: Takster\nkind: beslutning\nindstillinger: [DAS godkender]\n"
                    "sagsbeskrivelse: {sagsfremstilling: Se bilag 1.}\nbilag:\n- title: Takstblad\n", encoding="utf-8")
    assert run("meeting", "plan", str(plan), at="2031-02-01T10:00").returncode == 0
    item = run("item", "add", str(case), at="2031-02-01T10:00").stdout.strip()
    assert run("item", "route", item, "--to", "fu", at="2031-02-01T10:00").returncode == 0
    assert run("item", "route", item, "--to", "das", at="2031-02-01T10:00").returncode == 0
    shown = run("meeting", "agenda", "1", "--format", "html", at="2031-02-01T10:00")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "advarsel: Punkt 1 «Takster»: teksten henviser til bilag 1 «Takstblad», som ingen fil har" in shown.stderr
