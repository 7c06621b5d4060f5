"""A new meeting gets its standard items (godkendelse af dagsorden and af referat naming the previous
meeting's date, eventuelt, næste møde naming the next one); their texts follow a moved meeting; an
item file of a standard kind takes the generated item's place."""

from __future__ import annotations

import datetime as dt

import pytest

from hoering.db.models import Item
from hoering.domain.meetings import ItemDefinition, MeetingPlan
from hoering.runtime import forget_databases
from hoering.services.items import add_item, route_item
from hoering.services.meeting_changes import move_meeting
from hoering.services.meetings import meeting_items
from hoering.services.planning import plan_meetings
from tests.governance.das2021 import local
from tests.support import Clock, make_runtime

PLAN = {"body": "das", "year": 2031, "meetings": [
    {"date": "2031-01-20", "place": "Teams"}, {"date": "2031-03-17", "place": "Aalborg"},
    {"date": "2031-05-26", "place": "Hjørring"}]}


@pytest.fixture
def rt(tmp_path):
    clock = Clock(local(2031, 1, 5, 10))
    yield make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock)
    forget_databases()


def agenda(rt, meeting_id):
    return [(i["kind"], i["title"]) for i in meeting_items(rt, meeting_id)["items"]]


def resume_of(rt, meeting_id, kind):
    with rt.db.transaction() as s:
        item = s.query(Item).filter_by(meeting_id=meeting_id, kind=kind).one()
        return item.title, item.resume, [i.text for i in item.indstillinger]


def test_a_new_meeting_gets_the_four_standard_items(rt):
    first, second, third = plan_meetings(rt, MeetingPlan.model_validate(PLAN))
    assert agenda(rt, second) == [
        ("dagsorden", "Godkendelse af dagsorden"),
        ("referat", "Godkendelse af referat fra mødet den 20. januar 2031"),
        ("eventuelt", "Eventuelt"), ("naeste_moede", "Næste møde")]
    assert resume_of(rt, first, "referat")[0] == "Godkendelse af referat fra seneste møde"
    resume = resume_of(rt, second, "naeste_moede")[1]
    assert resume == "Næste møde afholdes mandag den 26. maj 2031 kl. 13.00-16.00, Hjørring."
    assert resume_of(rt, third, "naeste_moede")[1] == "Næste møde er endnu ikke planlagt."
    assert resume_of(rt, second, "referat")[2] == ["DAS godkender referatet fra mødet den 20. januar 2031"]
    assert plan_meetings(rt, MeetingPlan.model_validate(PLAN)) == [first, second, third]
    assert len(agenda(rt, second)) == 4  # planning again adds nothing


def test_the_texts_follow_a_moved_meeting(rt):
    first, second, third = plan_meetings(rt, MeetingPlan.model_validate(PLAN))
    move_meeting(rt, second, day=dt.date(2031, 3, 19), reason="Ny dato")
    assert resume_of(rt, first, "naeste_moede")[1].startswith("Næste møde afholdes onsdag den 19. marts 2031")
    assert resume_of(rt, third, "referat")[0] == "Godkendelse af referat fra mødet den 19. marts 2031"


def test_an_item_file_of_a_standard_kind_replaces_the_generated_one(rt):
    _, second, _ = plan_meetings(rt, MeetingPlan.model_validate(PLAN))
    own = add_item(rt, ItemDefinition(title="Næste møde", kind="naeste_moede",
                                      resume="Næste møde holdes på Hammer Bakker."))
    assert route_item(rt, own, to="das", meeting_id=second) == second
    kinds = [k for k, _ in agenda(rt, second)]
    assert kinds.count("naeste_moede") == 1
    assert resume_of(rt, second, "naeste_moede")[1] == "Næste møde holdes på Hammer Bakker."


def test_kkr_gets_no_standard_items_and_a_plan_may_choose(rt):
    [kkr] = plan_meetings(rt, MeetingPlan.model_validate(
        {"body": "kkr", "year": 2031, "meetings": [{"date": "2031-04-25"}]}))
    assert agenda(rt, kkr) == []
    [fu] = plan_meetings(rt, MeetingPlan.model_validate(
        {"body": "fu", "year": 2031, "meetings": [{"date": "2031-03-03"}], "standard_items": ["eventuelt"]}))
    assert agenda(rt, fu) == [("eventuelt", "Eventuelt")]
