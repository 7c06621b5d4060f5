"""The status mail's service: which items concern a director, the period keys, the preview."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from hoering.db.models import OutboxMessage, Person
from hoering.errors import NotFoundError
from hoering.runtime import Runtime
from hoering.services.answers import record_answer
from hoering.services.hearings import open_hearing, read_hearing_file
from hoering.services.outgoing.status import due_status, preview_status, queue_status, week_period
from hoering.views.director_status import assigned_to
from tests.support import EXAMPLES, JYFE_OPENED, Clock, make_runtime

LAESOE = "socialdirektoer@laesoe.kommune.example"
AALBORG = "socialdirektoer@aalborg.kommune.example"
MONDAY_0800 = datetime(2014, 5, 5, 6, 0, tzinfo=UTC)  # week 19, 08.00 in Copenhagen


@pytest.fixture
def srt(tmp_path: Path, sqlite_url: str) -> Runtime:
    rt = make_runtime(tmp_path, sqlite_url, Clock(JYFE_OPENED))
    hid = open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
    record_answer(rt, hid, kommune="Aalborg", option="pulje")
    return rt


def person_id(rt: Runtime, email: str) -> int:
    with rt.db.transaction() as s:
        return s.scalar(select(Person.id).where(Person.email == email))


def test_preview_shows_the_hearing_awaiting_the_kommune(srt):
    mail = preview_status(srt, director=LAESOE.upper())
    assert mail is not None
    assert mail.subject == ("Status fra Nordjysk Socialaftale, uge 18, 2014: 1 høring venter på "
                            "jeres svar")
    assert "Til Socialdirektør, Læsø Kommune" in mail.text
    assert "Tilbagebetaling af tiloversblevne midler fra JYFE (Socialdirektørkredsen)" in mail.text
    assert "Frist: tirsdag den 13. maj 2014 kl. 12.00 (14 dage og 2 timer tilbage)" in mail.text
    assert "/svar/" in mail.text and 'href="http://127.0.0.1:8000/svar/' in mail.html
    assert "AFSLUTTEDE" not in mail.text and "KOMMENDE MØDER" not in mail.text


def test_nothing_to_report_means_no_mail_unless_configured(srt, tmp_path):
    assert preview_status(srt, director=AALBORG) is None  # Aalborg has answered
    assert queue_status(srt, person_id(srt, AALBORG), "2014-W18") is False
    chatty = make_runtime(tmp_path, str(srt.db.engine.url), srt.clock, status_send_empty=True)
    mail = preview_status(chatty, director=AALBORG)
    assert mail is not None and "Der er ikke noget, der venter på Aalborg Kommune" in mail.text


def test_unknown_director_is_a_clear_error(srt):
    with pytest.raises(NotFoundError,
                       match=f"ingen person med e-mailadressen 'nobody@example.org'; direktørerne er: {AALBORG}"):
        preview_status(srt, director="nobody@example.org")


def test_one_mail_per_director_and_period(srt):
    laesoe = person_id(srt, LAESOE)
    assert queue_status(srt, laesoe, "2014-W18") is True
    assert queue_status(srt, laesoe, "2014-W18") is False
    assert queue_status(srt, laesoe, "2014-W19") is True
    with srt.db.transaction() as s:
        keys = list(s.scalars(select(OutboxMessage.key).where(OutboxMessage.kind == "status")))
    assert keys == [f"status:2014-W18:person:{laesoe}", f"status:2014-W19:person:{laesoe}"]


def test_the_weekly_status_is_due_on_its_day(srt):
    clock = srt.clock
    clock.set(MONDAY_0800 - timedelta(minutes=1))
    assert due_status(srt) == []
    clock.set(MONDAY_0800)
    due = due_status(srt)
    assert len(due) == 12 and {period for _, period in due} == {"2014-W19"} == {week_period(MONDAY_0800)}
    laesoe = person_id(srt, LAESOE)
    assert queue_status(srt, laesoe, "2014-W19") is True
    assert len(due_status(srt)) == 11 and laesoe not in dict(due_status(srt))  # queued: not due again
    assert not queue_status(srt, person_id(srt, AALBORG), "2014-W19")  # nothing to say: no mail
    assert person_id(srt, AALBORG) in dict(due_status(srt))  # ... but asked again later that day
    clock.set(MONDAY_0800 + timedelta(days=1))
    assert due_status(srt) == []  # no meetings ahead, and Tuesday is not the weekly day


def test_followups_are_matched_to_the_director_or_the_kommune(srt):
    with srt.db.transaction() as s:
        director = s.scalar(select(Person).where(Person.email == "socialdirektoer@hjoerring.kommune.example"))
        for who in ("Hjørring Kommune", "hjoerring", "860", "HJØRRING", director.email, director.name):
            assert assigned_to(who, director), who
        for who in ("FU", "Sekretariatet", "Aalborg Kommune", "Hjørring Kommunes borgmester"):
            assert not assigned_to(who, director), who
