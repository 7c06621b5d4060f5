"""Must show: a follow-up answered by a hearing whose result lands on FU's agenda and then on DAS's.

Seed 003, item 3: DAS decides "sekretariatet skriver rundt til kommunerne, og beder om at man
indmelder, om man er interesseret i at indgå i arbejdet som fokuskommune ... FU får kompetence
til at udvælge de endelige fokuskommuner". The secretariat answers the first follow-up by opening
a hearing from it; when the hearing closes, its stored result is attached to the follow-up and a
case lands on FU's list (FU's T-14 mail carries it); FU decides it under the delegated
competence; the decision goes as orientation on DAS's next agenda (the T-7 mail carries it).
Every step through the services, the mails to a real SMTP server on loopback; the case's whole
journey is what ``item show`` shows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from hoering.db.models import Followup, HearingResultRow, Item
from hoering.errors import RuleViolation
from hoering.mail.sink import MailSink, running_sink
from hoering.runtime import Runtime, forget_databases
from hoering.services.answers import record_answer
from hoering.services.cycle import run_cycle
from hoering.services.documents import document_view
from hoering.services.followups import list_followups
from hoering.services.hearing_results import open_hearing_for_followup
from hoering.services.hearings import close_hearing
from hoering.services.items import add_item, decide_item, read_item_file, route_item, show_item
from hoering.services.outbox import send_outbox
from hoering.services.planning import plan_meetings, read_plan_file
from tests.governance.das2021 import EX, local, meeting_at
from tests.support import EXAMPLES, Clock, make_runtime

TITLE = "Interesse for at være fokuskommune i Socialtilsynets udviklingsprojekt"


@pytest.fixture
def decided(tmp_path) -> Iterator[tuple[Runtime, Clock, MailSink, int, int]]:
    """Item 3 of seed 003 decided by DAS on 15 March 2021, with its two follow-ups; DAS meets
    again on 27 May 2021."""
    with running_sink() as (controller, sink):
        clock = Clock(local(2021, 2, 15, 10))
        rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock,
                          smtp_host=controller.hostname, smtp_port=controller.port)
        plan_meetings(rt, read_plan_file(EX / "plan-das-2021.yaml"))
        march, may = meeting_at(rt, "das", local(2021, 3, 15, 13)), meeting_at(rt, "das", local(2021, 5, 27, 13))
        path = EX / "items" / "03-fokusomraade-2.yaml"
        d = read_item_file(path)
        item = add_item(rt, d, source=str(path), base_dir=path.parent)
        route_item(rt, item, to="fu")
        clock.set(local(2021, 3, 1, 10))
        route_item(rt, item, to="das", meeting_id=march)
        clock.set(local(2021, 3, 15, 16))
        assert d.decision is not None
        decide_item(rt, item, outcome=d.decision.outcome, text=d.decision.text, followups=d.decision.followups)
        yield rt, clock, sink, item, may
    forget_databases()


def texts(sink: MailSink, subject_start: str) -> list[str]:
    return [m.get_body(("plain",)).get_content() for m in sink.messages
            if str(m["Subject"]).startswith(subject_start)]


def test_a_followup_answered_by_a_hearing_lands_on_fus_agenda_and_then_on_das(decided):
    rt, clock, sink, item, may = decided
    ask, fu_selects = [f for f in list_followups(rt) if f["item"] == item]
    assert ask["who"] == "Sekretariat for Nordjysk Socialaftale" and fu_selects["delegated_to"] == "fu"

    # the secretariat writes round to the kommuner: a hearing opened from the follow-up
    clock.set(local(2021, 3, 16, 10))
    hearing = open_hearing_for_followup(rt, ask["id"], EXAMPLES / "fokuskommune.yaml")
    with pytest.raises(RuleViolation, match="besvares allerede af høring"):
        open_hearing_for_followup(rt, ask["id"], EXAMPLES / "fokuskommune.yaml", again=True)
    assert run_cycle(rt).orientations == []  # the hearing is still open
    for kommune, answer in [("Hjørring", "ja"), ("Rebild", "ja"), ("Aalborg", "nej"), ("Thisted", "nej")]:
        record_answer(rt, hearing, kommune=kommune, option=answer)
    clock.set(local(2021, 3, 31, 10))  # after the deadline (ten working days)
    close_hearing(rt, hearing)

    # the cycle: the result is attached to the follow-up and a case lands on FU's list
    [fu_case] = run_cycle(rt).orientations
    assert run_cycle(rt).orientations == []  # once
    with rt.db.read() as s:
        f = s.get(Followup, ask["id"])
        row = s.scalar(select(HearingResultRow).where(HearingResultRow.hearing_id == hearing))
        assert (f.hearing_id, f.result_id, f.result_item_id, f.status) == (hearing, row.id, fu_case, "closed")
        assert f"Besvaret ved mailhøring {hearing}" in f.closed_note
        case = s.get(Item, fu_case)
        assert (case.state, case.kind, case.decided_by, case.meeting_id) == ("hos_fu", "beslutning", None, None)
        assert (case.under_delegation_of, case.origin_item_id, case.hearing_id) == (item, item, hearing)
        assert case.title == f"Resultat af mailhøring: {TITLE}"
        assert "Hjørring" in case.resume and "Rebild" in case.resume
        assert "Hjørring Kommune: Ja, kommunen er interesseret" in case.sagsbeskrivelse["sagsfremstilling"]
        assert "udvælger de endelige fokuskommuner" in case.indstillinger[0].text
        assert s.get(Followup, fu_selects["id"]).status == "open"  # FU's own follow-up stays open

    # FU's T-14 preparation mail for DAS's next meeting carries the case
    clock.set(local(2021, 5, 13, 8))
    assert (may, "fu_agenda", 5) in run_cycle(rt).done
    send_outbox(rt)
    [fu_mail, *_] = texts(sink, "FU")
    assert f"Resultat af mailhøring: {TITLE}" in fu_mail and "Rebild" in fu_mail

    # FU decides under the competence DAS delegated; the decision goes to DAS's next agenda
    clock.set(local(2021, 5, 14, 10))
    decide_item(rt, fu_case, outcome="godkendt", text="FU udvælger Hjørring og Rebild som fokuskommuner.")
    [orientation] = run_cycle(rt).orientations
    assert run_cycle(rt).orientations == []  # once
    done = {f["id"]: f for f in list_followups(rt)}[fu_selects["id"]]  # FU has used its competence
    assert done["status"] == "closed" and done["closed_note"].startswith(f"FU besluttede i punkt {fu_case}")
    view = document_view(rt, may, "agenda")
    shown = {i["title"]: (sec["title"], i) for sec in view["sections"] for i in sec["items"]}
    section, entry = shown[f"FU's beslutning: Resultat af mailhøring: {TITLE}"]
    assert section == "Sager til orientering"
    assert "FU udvælger Hjørring og Rebild" in entry["resume"] and "under den kompetence, DAS gav FU" in entry["resume"]

    # DAS's T-7 agenda mail lists it
    clock.set(local(2021, 5, 20, 8))
    assert (may, "agenda", 12) in run_cycle(rt).done
    send_outbox(rt)
    agenda = texts(sink, "Dagsorden: møde i DAS")
    assert len(agenda) == 12 and f"FU's beslutning: Resultat af mailhøring: {TITLE}" in agenda[0]

    # sagens gang: the same whole journey from any item of the case
    journey = show_item(rt, item)["journey"]
    assert journey == show_item(rt, orientation)["journey"] == show_item(rt, fu_case)["journey"]
    kinds = [(step["kind"], step["item"]) for step in journey]
    wanted = [("decide", item), ("followup", item), ("hearing_opened", item), ("hearing_closed", item),
              ("raised", fu_case), ("to_fu", fu_case), ("followup_closed", item), ("fu_decides", fu_case),
              ("raised", orientation), ("to_meeting", orientation), ("followup_closed", item)]
    steps = iter(kinds)
    assert all(step in steps for step in wanted), kinds  # in this order, other steps between
    lines = "\n".join(step["text"] for step in journey)
    assert "besluttet på mødet i DAS 15. marts 2021" in lines
    assert f"Høring {hearing} «{TITLE}» åbnet fra opfølgning {ask['id']}" in lines
    assert f"Høring {hearing} lukket med resultat" in lines
    assert "FU besluttede under delegeret kompetence: FU udvælger Hjørring og Rebild" in lines
    assert "sat på dagsordenen til DAS 27. maj 2021" in lines


def test_a_followup_without_delegation_goes_to_das_as_orientation_and_a_closed_one_is_refused(decided):
    rt, clock, _, item, may = decided
    with rt.db.transaction() as s:  # DAS kept the competence: no delegation on the decision
        s.get(Item, item).delegated_to = None
    ask = list_followups(rt)[0]
    clock.set(local(2021, 3, 16, 10))
    hearing = open_hearing_for_followup(rt, ask["id"], EXAMPLES / "fokuskommune.yaml")
    record_answer(rt, hearing, kommune="Hjørring", option="ja")
    clock.set(local(2021, 3, 31, 10))
    close_hearing(rt, hearing)
    [made] = run_cycle(rt).orientations
    with rt.db.read() as s:
        orientation = s.get(Item, made)
        assert (orientation.kind, orientation.state, orientation.meeting_id) == ("orientering", "paa_dagsorden", may)
        assert "opfølgning på DAS's beslutning den 15. marts 2021" in orientation.resume
    with pytest.raises(RuleViolation, match="er lukket"):
        open_hearing_for_followup(rt, ask["id"], EXAMPLES / "fokuskommune.yaml", again=True)
