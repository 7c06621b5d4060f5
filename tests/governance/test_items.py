"""The routing through the services, on SQLite and PostgreSQL: every move kept and audited,
every refusal a RuleViolation that changes nothing; delegation, postponement, follow-ups on the
agenda until closed, a hearing's result on the next DAS agenda."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from hoering.db.models import AuditEntry, Item, ItemMove
from hoering.domain.meetings import FollowupDef, ItemDefinition, MeetingPlan
from hoering.errors import DefinitionError, RuleViolation
from hoering.services.answers import record_answer
from hoering.services.cycle import run_cycle, run_step
from hoering.services.documents import document_view
from hoering.services.followups import close_followup, list_followups
from hoering.services.hearings import close_hearing, open_hearing, read_hearing_file
from hoering.services.items import add_item, decide_item, postpone_item, read_item_file, route_item
from hoering.services.meetings import approve_minutes
from hoering.services.planning import plan_meetings
from tests.governance.das2021 import local
from tests.support import EXAMPLES

KOMMUNER = ["851", "810", "813", "860", "849", "825", "846", "773", "840", "787", "820"]


def plan(rt) -> tuple[int, int, int]:
    """DAS on 12 June and 12 August 2014, KKR on 20 June 2014 (the clock stands at 29 April)."""
    das = plan_meetings(rt, MeetingPlan.model_validate(
        {"body": "das", "year": 2014, "meetings": [{"date": "2014-06-12", "place": "Dronninglund Slot"},
                                                   {"date": "2014-08-12", "place": "Børnehus Nord"}],
         "standard_items": []}))  # the routing rules alone; standard items: test_standard_items
    kkr = plan_meetings(rt, MeetingPlan.model_validate(
        {"body": "kkr", "year": 2014, "meetings": [{"date": "2014-06-20", "start": "09:00", "end": "12:00"}]}))
    return das[0], das[1], kkr[0]


def case(title: str = "Kommissorium for honoreringsmodel", **kw) -> ItemDefinition:
    return ItemDefinition.model_validate({"title": title, "kind": "beslutning",
                                          "indstillinger": ["DAS godkender kommissoriet"], **kw})


def moves(rt, item_id: int) -> list[str]:
    with rt.db.transaction() as s:
        return [m.action for m in s.scalars(select(ItemMove).where(ItemMove.item_id == item_id)
                                            .order_by(ItemMove.id))]


def audited(rt, item_id: int) -> list[str]:
    with rt.db.transaction() as s:
        return list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "item", AuditEntry.entity_id == item_id).order_by(AuditEntry.id)))


def state(rt, item_id: int) -> tuple[str, int | None]:
    with rt.db.transaction() as s:
        item = s.get(Item, item_id)
        return item.state, item.meeting_id


def test_every_move_is_kept_and_audited_and_refusals_change_nothing(rt, clock):
    das1, _, _ = plan(rt)
    item = add_item(rt, case())
    with pytest.raises(RuleViolation, match="FU prepares every case first"):
        route_item(rt, item, to="das")
    route_item(rt, item, to="fu")
    with pytest.raises(RuleViolation, match="a reason is required"):
        route_item(rt, item, to="back")
    route_item(rt, item, to="back", reason="Økonomien mangler")
    with pytest.raises(RuleViolation, match="it is sendt retur"):
        route_item(rt, item, to="das")
    route_item(rt, item, to="fu")
    assert route_item(rt, item, to="das") == das1
    with pytest.raises(RuleViolation, match=f"on the agenda of meeting {das1} already"):
        route_item(rt, item, to="fu")
    with pytest.raises(RuleViolation, match="has not begun"):
        decide_item(rt, item, outcome="godkendt", text="Godkendt")
    assert state(rt, item) == ("paa_dagsorden", das1)
    assert moves(rt, item) == ["to_fu", "send_back", "to_fu", "to_meeting"]
    assert audited(rt, item) == ["item.raised", "item.to_fu", "item.send_back", "item.to_fu",
                                 "item.to_meeting"]


def test_fu_decides_only_what_das_delegated(rt, clock):
    plan(rt)
    origin = add_item(rt, case("Plan for arbejdet med fokusområde 2"))
    route_item(rt, origin, to="fu")
    route_item(rt, origin, to="das")
    clock.set(local(2014, 6, 12, 15))
    decide_item(rt, origin, outcome="godkendt", text="FU får kompetence til at udvælge fokuskommunerne.",
                followups=[FollowupDef(what="FU udvælger fokuskommuner", who="FU", delegated_to="fu")])
    selection = add_item(rt, case("Udvælgelse af fokuskommuner", under_delegation_of=origin))
    other = add_item(rt, case("Ny takstmodel"))
    for item in (selection, other):
        route_item(rt, item, to="fu")
    with pytest.raises(RuleViolation, match="has not delegated the competence for this matter"):
        decide_item(rt, other, outcome="godkendt", text="FU godkender")
    decide_item(rt, selection, outcome="godkendt", text="FU udvælger Hjørring og Rebild.")
    with rt.db.transaction() as s:
        row = s.get(Item, selection)
        assert (row.state, row.decided_by, row.meeting_id) == ("besluttet", "fu", None)
        assert s.get(Item, other).state == "hos_fu"
    assert moves(rt, selection) == ["to_fu", "fu_decides"]


def test_postponing_moves_the_item_to_the_bodys_next_meeting(rt, clock):
    das1, das2, _ = plan(rt)
    a, b = add_item(rt, case("Sag A")), add_item(rt, case("Sag B"))
    for item in (a, b):
        route_item(rt, item, to="fu")
        route_item(rt, item, to="das", meeting_id=das1)
    assert postpone_item(rt, a, reason="Afventer KL") == das2
    clock.set(local(2014, 6, 12, 14))
    assert decide_item(rt, b, outcome="udsat", text="Punktet udsættes") == das2
    assert state(rt, a) == state(rt, b) == ("paa_dagsorden", das2)
    clock.set(local(2014, 8, 12, 14))
    with pytest.raises(RuleViolation, match="DAS has no later meeting planned"):
        decide_item(rt, a, outcome="udsat", text="Udsættes igen")
    assert moves(rt, b) == ["to_fu", "to_meeting", "postpone"]


def test_an_agenda_once_sent_takes_no_more_items(rt, clock):
    das1, _, _ = plan(rt)
    clock.set(local(2014, 6, 5, 9))
    assert run_step(rt, das1, "agenda") == 12
    assert run_step(rt, das1, "agenda") == 0
    item = add_item(rt, case())
    route_item(rt, item, to="fu")
    with pytest.raises(RuleViolation, match=f"the agenda for meeting {das1} has been sent"):
        route_item(rt, item, to="das", meeting_id=das1)
    assert route_item(rt, item, to="das") != das1  # the next open agenda


def test_follow_ups_stand_on_the_agenda_until_closed(rt, clock):
    _, das2, _ = plan(rt)
    item = add_item(rt, case("Brug af nye nationale standardkontrakter"))
    route_item(rt, item, to="fu")
    route_item(rt, item, to="das")
    clock.set(local(2014, 6, 12, 15))
    decide_item(rt, item, outcome="godkendt_med_bemaerkninger", text="DAS bestiller et overblik.",
                followups=[FollowupDef(what="Overblik over tilbud", who="Sekretariatet"),
                           FollowupDef(what="Revideret styringsaftale", who="Styringsaftalegruppen",
                                       due=date(2014, 10, 1))])
    on_agenda = [f["what"] for f in document_view(rt, das2, "agenda")["followups"]]
    assert on_agenda == ["Overblik over tilbud"]  # the dated one is due later
    assert [f["what"] for f in list_followups(rt, open_only=True)] == ["Overblik over tilbud",
                                                                      "Revideret styringsaftale"]
    first = list_followups(rt)[0]["id"]
    close_followup(rt, first, note="Sendt til DAS den 1. august")
    with pytest.raises(RuleViolation, match="er allerede lukket"):
        close_followup(rt, first, note="igen")
    assert document_view(rt, das2, "agenda")["followups"] == []
    assert len(list_followups(rt, open_only=True)) == 1


def test_minutes_are_approved_once_after_the_meeting_with_every_item_decided(rt, clock):
    das1, _, _ = plan(rt)
    item = add_item(rt, ItemDefinition(title="Godkendelse af dagsorden", kind="dagsorden"))
    route_item(rt, item, to="das")
    clock.set(local(2014, 6, 12, 11))
    with pytest.raises(RuleViolation, match="minutes are approved after the meeting"):
        approve_minutes(rt, das1, by="formand")
    clock.set(local(2014, 6, 12, 17))
    with pytest.raises(RuleViolation, match=f"items without a beslutning: {item}"):
        approve_minutes(rt, das1, by="formand")
    decide_item(rt, item, outcome="godkendt", text="Dagsordenen godkendes")
    approve_minutes(rt, das1, by="formand")
    with pytest.raises(RuleViolation, match="approved already"):
        approve_minutes(rt, das1, by="formand")


def test_a_hearing_result_goes_on_the_next_das_agenda_once(rt, clock):
    das1, _, _ = plan(rt)
    hid = open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
    item = add_item(rt, ItemDefinition(title="Tilbagebetaling af midler fra JYFE", kind="orientering",
                                       resume="Mailhøring om de tiloversblevne midler.", hearing=hid))
    assert run_cycle(rt).orientations == []  # the hearing is still open
    for code in KOMMUNER:
        record_answer(rt, hid, kommune=code, option="pulje")
    close_hearing(rt, hid)
    created = run_cycle(rt).orientations
    assert len(created) == 1 and run_cycle(rt).orientations == []
    with rt.db.transaction() as s:
        orientation = s.get(Item, created[0])
        assert (orientation.meeting_id, orientation.kind, orientation.origin_item_id) == (das1, "orientering", item)
        assert "Tilslutning fra alle kommuner" in orientation.resume
        assert s.scalar(select(func.count()).select_from(ItemMove).where(ItemMove.item_id == created[0])) == 1
    view = document_view(rt, das1, "agenda")
    titles = [i["title"] for sec in view["sections"] for i in sec["items"]]
    assert titles == ["Resultat af mailhøring: Tilbagebetaling af tiloversblevne midler fra JYFE"]
    assert view["sections"][0]["title"] == "Sager til orientering"


def test_item_files_are_validated_field_by_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: X\nkind: orientering\nfarve: rød\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as exc:
        read_item_file(bad)
    assert exc.value.problems == ["title: String should have at least 2 characters", "farve: unknown field"]
    bad.write_text("title: Orientering\nkind: orientering\ndecision: {outcome: godkendt, text: ok}\n",
                   encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"decision\.outcome: godkendt does not fit an item of kind orientering"):
        read_item_file(bad)
    d = read_item_file(EXAMPLES / "das-2021" / "items" / "12-spiseforstyrrelser.md")
    assert d.resume.startswith("DAS godkendte den 19. oktober 2020")
    assert d.sagsbeskrivelse.sagsfremstilling.startswith("Samarbejdsaftalen er blevet fornyet")
    case_without = tmp_path / "case.yaml"
    case_without.write_text("title: En sag\nkind: beslutning\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="a case item needs at least one indstilling"):
        read_item_file(case_without)


def test_a_plan_from_a_rule_is_idempotent(rt):
    plan_ = MeetingPlan.model_validate({"body": "fu", "year": 2021, "rule": {
        "months": [3, 5], "weekday": "mandag", "nth": 1, "place": "Teams"}})
    assert [m.date for m in plan_.expand()] == [date(2021, 3, 1), date(2021, 5, 3)]
    first = plan_meetings(rt, plan_)
    assert plan_meetings(rt, plan_) == first and len(first) == 2


def test_the_cycle_is_configurable_per_body(rt, clock):
    """A plan's ``cycle`` replaces the body's default offsets: here the agenda goes T-10 and
    there is no call for items."""
    from hoering.domain.meetings import items_deadline
    from hoering.services.cycle import due_steps

    [meeting] = plan_meetings(rt, MeetingPlan.model_validate({
        "body": "socialudviklingsgruppen", "year": 2014, "meetings": [{"date": "2014-06-16"}],
        "cycle": {"call_for_items": None, "fu_agenda": None, "agenda": -10}}))
    clock.set(local(2014, 6, 5, 10))
    item = add_item(rt, case("Arbejdsgruppens kommissorium"))
    route_item(rt, item, to="fu")
    route_item(rt, item, to="socialudviklingsgruppen", meeting_id=meeting)
    clock.set(local(2014, 6, 6, 7, 59))
    assert due_steps(rt, clock.now) == []
    clock.set(local(2014, 6, 6, 8))
    assert due_steps(rt, clock.now) == [(meeting, "agenda")]
    # DAS's default: items are due the working day before FU prepares (T-14 is Monday 1 March
    # 2021, so Friday 26 February, not the Sunday).
    assert items_deadline(local(2021, 3, 15, 13), {"fu_agenda": -14}) == date(2021, 2, 26)


def test_a_das_decision_goes_on_to_kkr_by_hand_once(rt, clock):
    _, _, kkr = plan(rt)
    item = add_item(rt, case("Fælles brandingstrategi for SOSU-området"))
    route_item(rt, item, to="fu")
    route_item(rt, item, to="das")
    with pytest.raises(RuleViolation, match="DAS decides first"):
        route_item(rt, item, to="kkr")
    clock.set(local(2014, 6, 12, 15))
    decide_item(rt, item, outcome="godkendt", text="DAS anbefaler en fælles brandingstrategi.")
    assert route_item(rt, item, to="kkr") == kkr
    with pytest.raises(RuleViolation, match="on KKR's agenda already"):
        route_item(rt, item, to="kkr")
    with rt.db.transaction() as s:
        kkr_item = s.get(Item, s.get(Item, item).kkr_item_id)
        assert (kkr_item.meeting_id, kkr_item.kind, kkr_item.origin_item_id) == (kkr, "orientering", item)
    assert moves(rt, item)[-1] == "to_kkr" and audited(rt, item)[-1] == "item.to_kkr"


def test_attendance_is_recorded_and_shown_in_the_header(rt, clock):
    from hoering.services.meetings import record_attendance

    das1, _, _ = plan(rt)
    record_attendance(rt, das1, deltagere=["Socialdirektør, Aalborg Kommune (formand)",
                                           "Socialdirektør, Hjørring Kommune"],
                      afbud=["Socialdirektør, Læsø Kommune"])
    view = document_view(rt, das1, "agenda")
    assert view["deltagere"] == ["Socialdirektør, Aalborg Kommune (formand)", "Socialdirektør, Hjørring Kommune"]
    assert view["afbud"] == ["Socialdirektør, Læsø Kommune"]
    assert (view["weekday_date_da"], view["time_da"], view["place"]) == (
        "torsdag den 12. juni 2014", "kl. 13.00-16.00", "Dronninglund Slot")
    record_attendance(rt, das1, deltagere=["Socialdirektør, Rebild Kommune"], afbud=[])
    assert document_view(rt, das1, "agenda")["deltagere"] == ["Socialdirektør, Rebild Kommune"]


def test_two_runners_doing_the_same_step_at_once_queue_it_once(rt, clock):
    from concurrent.futures import ThreadPoolExecutor

    from hoering.db.models import OutboxMessage

    das1, _, _ = plan(rt)
    clock.set(local(2014, 6, 5, 9))
    with ThreadPoolExecutor(max_workers=4) as pool:
        queued = list(pool.map(lambda _: run_step(rt, das1, "agenda"), range(4)))
    assert sorted(queued) == [0, 0, 0, 12]
    with rt.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 12
