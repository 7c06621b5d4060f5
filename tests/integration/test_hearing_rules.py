"""Issue 12, "hearing rules a secretariat trips over", through the services (SQLite: the
database is not the subject here; the life cycle runs on both in test_hearings.py)."""

from __future__ import annotations

import textwrap
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from hoering.definitions import validate
from hoering.domain.calendar import COPENHAGEN
from hoering.domain.hearing import HearingDefinition
from hoering.errors import DefinitionError, RuleViolation
from hoering.runtime import Runtime
from hoering.services.due import run_due_work
from hoering.services.hearings import change_deadline, close_hearing, open_hearing, open_hearing_file
from hoering.views.hearings import list_hearings
from hoering.views.status import hearing_status
from tests.support import Clock, make_runtime


def local(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=COPENHAGEN)


@pytest.fixture
def srt(tmp_path: Path, sqlite_url: str, clock: Clock) -> Runtime:
    return make_runtime(tmp_path, sqlite_url, clock)


def interest(**changes: Any) -> HearingDefinition:
    data: dict[str, Any] = {
        "title": "Interesse for at være fokuskommune", "body": "das", "kind": "interest",
        "question": "Ønsker kommunen at indgå som fokuskommune?", "recipients": "all",
        "contacts": ["direktoer"], "deadline": "2031-03-10T12:00:00+01:00", "reminders": ["P2D"],
        "rule": "unanimity", "silence": "abstain", "late": "ignore",
    }
    data.update(changes)
    return validate(HearingDefinition, data, source="test")


# --- item 10: reminders on closed days -------------------------------------------------------

def test_reminder_due_on_saturday_goes_out_on_friday(srt, clock):
    clock.set(local(2031, 2, 24, 10))
    open_hearing(srt, interest())
    clock.set(local(2031, 3, 7, 11, 59))  # Friday, just before the moved reminder
    assert run_due_work(srt).reminders == 0
    clock.set(local(2031, 3, 7, 12, 30))
    assert run_due_work(srt).reminders == 11
    clock.set(local(2031, 3, 8, 12, 30))  # Saturday: already sent
    assert run_due_work(srt).reminders == 0


def test_reminder_due_on_easter_monday_goes_out_before_easter(srt, clock):
    clock.set(local(2025, 4, 1, 10))
    open_hearing(srt, interest(deadline="2025-04-22T12:00:00+02:00", reminders=["P1D"]))
    clock.set(local(2025, 4, 16, 12, 5))  # Wednesday before skærtorsdag
    assert run_due_work(srt).reminders == 11


def test_moved_reminder_before_the_opening_is_not_sent(srt, clock):
    clock.set(local(2031, 3, 7, 14))  # opened Friday afternoon; P2D would be Friday noon
    open_hearing(srt, interest())
    for moment in (local(2031, 3, 7, 14, 5), local(2031, 3, 8, 12, 5), local(2031, 3, 9, 12, 5)):
        clock.set(moment)
        assert run_due_work(srt).reminders == 0


def test_no_scheduled_reminder_on_a_closing_day_even_when_friday_was_missed(srt, clock):
    clock.set(local(2031, 2, 24, 10))
    open_hearing(srt, interest(deadline="2031-03-11T12:00:00+01:00", reminders=["P3D"]))
    for moment in (local(2031, 3, 8, 12, 30), local(2031, 3, 9, 12, 30)):  # Saturday, Sunday
        clock.set(moment)
        assert run_due_work(srt).reminders == 0
    clock.set(local(2031, 3, 10, 8))  # Monday morning: the missed Friday reminder goes out
    assert run_due_work(srt).reminders == 11


# --- item 11: deadlines on closed days; extend and reopen never earlier ----------------------

def test_deadline_on_a_closing_day_needs_allowing(srt, clock):
    clock.set(local(2031, 2, 24, 10))
    with pytest.raises(DefinitionError) as err:
        open_hearing(srt, interest(deadline="2031-03-08T12:00:00+01:00"))  # a Saturday
    assert err.value.problems == ["deadline: 8. marts 2031 kl. 12.00 falder på lørdag, hvor kommunernes kontorer "
                                  "er lukket; vælg en arbejdsdag, eller behold fristen med --allow-closed-day"]
    with pytest.raises(DefinitionError, match=r"2\. påskedag"):
        open_hearing(srt, interest(deadline="2031-04-14T12:00:00+02:00"))
    hid = open_hearing(srt, interest(deadline="2031-03-08T12:00:00+01:00"), allow_closed_day=True)
    assert hearing_status(srt, hid).deadline == local(2031, 3, 8)


def test_extend_and_reopen_refuse_closed_days_earlier_and_past_deadlines(srt, clock):
    clock.set(local(2031, 2, 24, 10))
    hid = open_hearing(srt, interest())  # deadline Monday 10 March
    change = partial(change_deadline, srt, hid, reason="Flere kommuner har bedt om mere tid")
    with pytest.raises(RuleViolation, match=r"falder på søndag.*--allow-closed-day"):
        change(deadline=local(2031, 3, 16), reopen=False)
    with pytest.raises(RuleViolation, match="ligger før den nuværende"):
        change(deadline=local(2031, 3, 5), reopen=False)
    assert change(deadline=local(2031, 3, 16), reopen=False, allow_closed_day=True) == local(2031, 3, 16)
    clock.set(local(2031, 3, 3))
    close_hearing(srt, hid, force=True)
    with pytest.raises(RuleViolation, match="ligger før den nuværende"):
        change(deadline=local(2031, 3, 12), reopen=True)  # before the current deadline (16 March)
    with pytest.raises(RuleViolation, match="er allerede overskredet"):
        change(deadline=local(2031, 3, 2), reopen=True)
    with pytest.raises(RuleViolation, match="falder på Kristi himmelfartsdag"):
        change(deadline=local(2031, 5, 22), reopen=True)
    assert change(deadline=local(2031, 3, 17), reopen=True) == local(2031, 3, 17)


# --- item 12: every mistake of a hearing file in one run --------------------------------------

def test_every_mistake_in_one_run_each_naming_its_field(srt, clock, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""\
        title: Udbetaling eller pulje
        body: no-such-body
        kind: allocation
        question: Hvad ønsker kommunen?
        options:
          - {key: pulje, label: Pulje}
          - {key: udbetaling, label: Udbetaling}
        recipients: [Aalborg, Atlantis]
        deadline: next tuesday
        rule: unanimity
        colour: blue
        allocation:
          total: "1000.00"
          key: equal
          pool_option: pulje
          payout_option: udbytte
        """), encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        open_hearing_file(srt, bad)
    fields = [p.split(":")[0] for p in err.value.problems]
    assert sorted(fields) == sorted(["deadline", "colour", "allocation.payout_option", "body", "recipients.1"])
    text = "\n".join(err.value.problems)
    assert "udbytte" in text and "Atlantis" in text and "no-such-body" in text
    assert list_hearings(srt) == []


def test_cross_field_and_registry_mistakes_are_reported_with_a_valid_structure(srt, clock):
    with pytest.raises(DefinitionError) as err:
        open_hearing(srt, {"title": "Valg af model", "body": "das", "kind": "choice", "question": "Hvilken?",
                           "options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
                           "recipients": ["Aalborg", "Aalborg"], "silence": "c",
                           "deadline": "2014-05-13T12:00:00+02:00"})
    assert err.value.problems == ["silence: must be abstain or one of a, b", "recipients.1: Aalborg is listed twice"]


# --- item 18: the same file twice asks for --again ---------------------------------------------

def test_opening_the_same_hearing_twice_asks_for_again(srt, clock):
    clock.set(local(2031, 2, 24, 10))
    first = open_hearing(srt, interest())
    with pytest.raises(RuleViolation, match=f"hearing {first} with this title, body and deadline.*--again"):
        open_hearing(srt, interest())
    assert open_hearing(srt, interest(deadline="2031-03-11T12:00:00+01:00")) != first  # another deadline
    assert open_hearing(srt, interest(), again=True) > first
    # a working-days deadline opened twice the same day resolves to the same deadline
    open_hearing(srt, interest(deadline={"working_days": 5, "time": "12:00"}))
    with pytest.raises(RuleViolation, match="--again"):
        open_hearing(srt, interest(deadline={"working_days": 5, "time": "12:00"}))
