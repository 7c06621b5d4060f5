"""Every routing rule of domain.routing, the moves it allows and the ones it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hoering.domain import routing
from hoering.domain.routing import ItemFacts, MeetingFacts
from hoering.errors import RuleViolation

NOW = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
DAS = MeetingFacts(id=2, body="das", starts_at=NOW + timedelta(days=14), agenda_sent=False)
DAS_NEXT = MeetingFacts(id=3, body="das", starts_at=NOW + timedelta(days=87), agenda_sent=False)
KKR = MeetingFacts(id=9, body="kkr", starts_at=NOW + timedelta(days=53), agenda_sent=False)


def item(state: str = routing.REJST, kind: str = "beslutning", **kw) -> ItemFacts:
    return ItemFacts(id=7, kind=kind, state=state, **kw)


def on_agenda(kind: str = "beslutning", meeting: MeetingFacts = DAS) -> ItemFacts:
    return item(routing.PAA_DAGSORDEN, kind, meeting=meeting)


def refused(fn, *args, match: str, **kw) -> None:
    with pytest.raises(RuleViolation, match=match):
        fn(*args, **kw)


def test_raised_case_goes_to_fu_then_onto_the_das_agenda():
    move = routing.to_fu(item())
    assert (move.from_state, move.to_state) == ("rejst", "hos_fu")
    move = routing.to_meeting(item(routing.HOS_FU), DAS, now=NOW)
    assert (move.to_state, move.meeting_id) == ("paa_dagsorden", 2)


def test_a_case_cannot_skip_fu():
    refused(routing.to_meeting, item(), DAS, now=NOW, match="FU prepares every case first")


def test_standard_items_go_straight_onto_the_agenda_and_not_to_fu():
    for kind in ("dagsorden", "referat", "eventuelt", "naeste_moede"):
        assert routing.to_meeting(item(kind=kind), DAS, now=NOW).to_state == "paa_dagsorden"
        refused(routing.to_fu, item(kind=kind), match="standard item")


def test_returned_item_can_go_to_fu_again_but_not_straight_to_the_agenda():
    assert routing.to_fu(item(routing.RETURNERET)).to_state == "hos_fu"
    refused(routing.to_meeting, item(routing.RETURNERET), DAS, now=NOW, match="it is sendt retur")


def test_routing_to_fu_twice_or_after_decision_is_refused():
    refused(routing.to_fu, item(routing.HOS_FU), match="it is hos FU")
    refused(routing.to_fu, on_agenda(), match="on the agenda of meeting 2 already")
    refused(routing.to_fu, item(routing.BESLUTTET), match="decided already")


def test_no_meeting_a_begun_meeting_or_a_sent_agenda_is_refused():
    refused(routing.to_meeting, item(routing.HOS_FU), None, now=NOW, match="no coming meeting")
    refused(routing.to_meeting, item(routing.HOS_FU), DAS, now=DAS.starts_at, match="has already begun")
    sent = MeetingFacts(id=2, body="das", starts_at=DAS.starts_at, agenda_sent=True)
    refused(routing.to_meeting, item(routing.HOS_FU), sent, now=NOW, match="agenda for meeting 2 has been sent")


def test_fu_sends_back_only_what_it_prepares_and_says_why():
    assert routing.send_back(item(routing.HOS_FU), reason="Mangler økonomi").to_state == "returneret"
    refused(routing.send_back, item(routing.HOS_FU), reason="  ", match="reason is required")
    refused(routing.send_back, item(), reason="x", match="only FU sends items back")
    refused(routing.send_back, on_agenda(), reason="x", match="only FU sends items back")


def test_fu_decides_only_under_competence_delegated_by_das():
    delegated = item(routing.HOS_FU, delegated_to="fu")
    move = routing.fu_decides(delegated, outcome="godkendt", das_delegates_to="fu")
    assert (move.to_state, move.decided_by, move.outcome) == ("besluttet", "fu", "godkendt")
    refused(routing.fu_decides, item(routing.HOS_FU), outcome="godkendt", das_delegates_to="fu",
            match="has not delegated the competence for this matter")
    refused(routing.fu_decides, delegated, outcome="godkendt", das_delegates_to=None,
            match="DAS delegates no competence to FU")
    refused(routing.fu_decides, item(routing.REJST, delegated_to="fu"), outcome="godkendt",
            das_delegates_to="fu", match="cannot be decided by FU")
    refused(routing.fu_decides, delegated, outcome="udsat", das_delegates_to="fu", match="FU keeps it")


def test_the_meeting_decides_once_and_only_after_it_has_begun():
    move = routing.decide(on_agenda(), outcome="godkendt", now=DAS.starts_at, next_meeting=DAS_NEXT)
    assert (move.to_state, move.decided_by, move.meeting_id) == ("besluttet", "das", 2)
    refused(routing.decide, on_agenda(), outcome="godkendt", now=NOW, next_meeting=DAS_NEXT,
            match="has not begun")
    refused(routing.decide, item(routing.BESLUTTET, outcome="godkendt"), outcome="afvist",
            now=DAS.starts_at, next_meeting=None, match="decided already")
    refused(routing.decide, item(routing.HOS_FU), outcome="godkendt", now=DAS.starts_at,
            next_meeting=None, match="only an item on a meeting's agenda")


def test_the_outcome_must_fit_the_kind():
    at = DAS.starts_at
    refused(routing.decide, on_agenda("orientering"), outcome="godkendt", now=at, next_meeting=None,
            match="ends as one of droeftet, taget_til_efterretning, udsat")
    refused(routing.decide, on_agenda("dagsorden"), outcome="afvist", now=at, next_meeting=None,
            match="kind dagsorden")
    assert routing.decide(on_agenda("droeftelse"), outcome="godkendt_med_bemaerkninger", now=at,
                          next_meeting=None).outcome == "godkendt_med_bemaerkninger"


def test_udsat_moves_the_item_to_the_next_meeting_of_the_same_body():
    move = routing.decide(on_agenda(), outcome="udsat", now=DAS.starts_at, next_meeting=DAS_NEXT)
    assert (move.action, move.to_state, move.meeting_id) == ("postpone", "paa_dagsorden", 3)
    refused(routing.decide, on_agenda(), outcome="udsat", now=DAS.starts_at, next_meeting=None,
            match="no later meeting planned")
    refused(routing.postpone, on_agenda(), next_meeting=KKR, now=NOW, match="not a later DAS meeting")
    assert routing.postpone(on_agenda(), next_meeting=DAS_NEXT, now=NOW).meeting_id == 3
    refused(routing.postpone, item(routing.HOS_FU), next_meeting=DAS_NEXT, now=NOW,
            match="only an item on a meeting's agenda")


def test_a_das_decision_goes_to_kkr_once():
    decided = item(routing.BESLUTTET, kind="droeftelse", decided_by="das", outcome="droeftet")
    assert routing.to_kkr(decided, KKR, now=NOW).meeting_id == 9
    refused(routing.to_kkr, on_agenda(), KKR, now=NOW, match="DAS decides first")
    refused(routing.to_kkr, item(routing.BESLUTTET, decided_by="fu"), KKR, now=NOW, match="DAS decides first")
    refused(routing.to_kkr, ItemFacts(id=7, kind="droeftelse", state="besluttet", decided_by="das",
                                      kkr_item_id=12), KKR, now=NOW, match="on KKR's agenda already")
    refused(routing.to_kkr, decided, None, now=NOW, match="KKR has no coming meeting")
    refused(routing.to_kkr, decided, DAS, now=NOW, match="not a KKR meeting")


ALLOWED_EDGES = {
    ("rejst", "hos_fu"), ("returneret", "hos_fu"), ("rejst", "paa_dagsorden"),
    ("hos_fu", "paa_dagsorden"), ("hos_fu", "returneret"), ("hos_fu", "besluttet"),
    ("paa_dagsorden", "besluttet"), ("paa_dagsorden", "paa_dagsorden"), ("besluttet", "besluttet"),
}


def test_no_sequence_of_moves_leaves_the_state_graph():
    """Whatever is tried in whatever order, a move is either refused with a RuleViolation or
    follows an edge of the graph; nothing is ever decided twice or decided before the meeting."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    kinds = st.sampled_from(["dagsorden", "beslutning", "droeftelse", "orientering", "eventuelt"])
    actions = st.lists(st.tuples(
        st.sampled_from(["to_fu", "to_meeting", "send_back", "fu_decides", "decide", "postpone", "to_kkr"]),
        st.sampled_from(["godkendt", "udsat", "taget_til_efterretning", "droeftet", "afvist"]),
        st.booleans(), st.integers(min_value=-20, max_value=20)), max_size=12)

    @settings(max_examples=300, deadline=None)
    @given(kind=kinds, steps=actions, delegated=st.booleans())
    def run(kind, steps, delegated):
        f = ItemFacts(id=1, kind=kind, state=routing.REJST, delegated_to="fu" if delegated else None)
        decisions = 0
        for action, outcome, flag, days in steps:
            now = NOW + timedelta(days=days)
            try:
                if action == "to_fu":
                    move = routing.to_fu(f)
                elif action == "to_meeting":
                    move = routing.to_meeting(f, DAS if flag else None, now=now)
                elif action == "send_back":
                    move = routing.send_back(f, reason="Mangler" if flag else "")
                elif action == "fu_decides":
                    move = routing.fu_decides(f, outcome=outcome, das_delegates_to="fu" if flag else None)
                elif action == "decide":
                    move = routing.decide(f, outcome=outcome, now=now, next_meeting=DAS_NEXT if flag else None)
                elif action == "postpone":
                    move = routing.postpone(f, next_meeting=DAS_NEXT if flag else None, now=now)
                else:
                    move = routing.to_kkr(f, KKR if flag else None, now=now)
            except RuleViolation as exc:
                assert str(exc).startswith("item 1 (")
                continue
            assert move.from_state == f.state and (move.from_state, move.to_state) in ALLOWED_EDGES
            if move.action == "decide":
                assert f.meeting is not None and now >= f.meeting.starts_at
            if move.to_state == "besluttet" and f.state != "besluttet":
                decisions += 1
            meeting = f.meeting
            if move.meeting_id is not None and move.action != "to_kkr":
                meeting = DAS if move.meeting_id == DAS.id else DAS_NEXT
            f = ItemFacts(id=1, kind=kind, state=move.to_state, meeting=meeting,
                          decided_by=move.decided_by or f.decided_by, outcome=move.outcome or f.outcome,
                          kkr_item_id=99 if move.action == "to_kkr" else f.kkr_item_id,
                          delegated_to=f.delegated_to)
        assert decisions <= 1

    run()


def test_a_tillaegsdagsorden_takes_only_a_prepared_case_onto_a_sent_agenda_before_the_meeting():
    sent = MeetingFacts(id=2, body="das", starts_at=NOW + timedelta(days=3), agenda_sent=True)
    move = routing.to_supplement(item(routing.HOS_FU), sent, now=NOW)
    assert (move.action, move.to_state, move.meeting_id) == ("to_supplement", "paa_dagsorden", 2)
    refused(routing.to_supplement, item(), sent, now=NOW, match="only a case FU has prepared")
    refused(routing.to_supplement, item(routing.HOS_FU), DAS, now=NOW, match="is not sent yet")
    refused(routing.to_supplement, item(routing.HOS_FU), sent, now=sent.starts_at, match="has already begun")
