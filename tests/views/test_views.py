"""The read side's promises: the secretariat's overview is set-based (the same number of
queries for 2 hearings as for 8), one hearing's page is read in one transaction, and the API's
schema is the views' own (exact, no free-form result)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, event, update

from hoering.db.hearings import Answer
from hoering.db.results import HearingResultRow
from hoering.services.answers import record_answer
from hoering.services.hearings import change_deadline, close_hearing, open_hearing
from hoering.views.hearings import list_hearings, overview
from hoering.views.secretariat import hearing_detail
from hoering.views.status import hearing_status
from hoering.web.app import create_app
from tests.support import JYFE_DEADLINE, jyfe, make_runtime


@contextmanager
def counting(engine):
    seen = {"statements": 0, "transactions": 0}

    def on_execute(*_args):
        seen["statements"] += 1

    def on_begin(*_args):
        seen["transactions"] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "begin", on_begin)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "begin", on_begin)


def add_hearings(rt, n: int) -> list[int]:
    ids = []
    for i in range(n):
        hid = open_hearing(rt, jyfe("jyfe-equal.yaml"), again=True)  # the same file n times, on purpose
        record_answer(rt, hid, kommune="Læsø", option="udbetaling")
        if i % 2:
            close_hearing(rt, hid, force=True)
        ids.append(hid)
    return ids


def test_the_overview_is_set_based_and_a_hearing_is_read_in_one_transaction(tmp_path, clock):
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'v.db'}", clock)
    ids = add_hearings(rt, 2)
    with counting(rt.db.engine) as few:
        rows = overview(rt)
    with counting(rt.db.engine) as few_listed:
        list_hearings(rt)
    assert len(rows) == 2 and {r.status for r in rows} == {"open", "closed"}
    add_hearings(rt, 6)
    with counting(rt.db.engine) as many:
        rows = overview(rt)
    with counting(rt.db.engine) as many_listed:
        listed = list_hearings(rt)
    assert len(rows) == len(listed) == 8
    assert many["statements"] == few["statements"] and many_listed["statements"] == few_listed["statements"]
    closed = next(r for r in rows if r.status == "closed")
    assert closed.answered == 1 and closed.silent_names[:1] == ["Aalborg"] and "Læsø" not in closed.silent_names

    with counting(rt.db.engine) as one:
        detail = hearing_detail(rt, ids[1])
    assert one["transactions"] == 1
    assert detail.result is not None and detail.result.version == 1 and detail.trail


def test_the_api_schema_is_the_views(tmp_path, clock):
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'v.db'}", clock)
    schema = create_app(rt).openapi()["components"]["schemas"]
    result = schema["HearingResult"]
    assert result.get("additionalProperties") is False
    for field in ("allocation", "outcome", "counts", "answers", "summary", "lines", "history", "version"):
        assert field in result["properties"], field
    line = schema["ResultLine"]["properties"]
    assert {"name", "key_value", "share", "payout", "answer", "every_version"} <= set(line)
    assert schema["HearingStatus"]["additionalProperties"] is False


def test_the_list_counts_as_the_overview_and_the_status_do(tmp_path, database_url, clock):
    """The list counts in SQL, the overview from a row per recipient, the status from the tally:
    late answers (ignored or counted), changed answers and a closed hearing agree in all three."""
    rt = make_runtime(tmp_path, database_url, clock)
    ignored = open_hearing(rt, jyfe())
    counted = open_hearing(rt, jyfe("jyfe-equal.yaml", late="count"), again=True)
    closed = open_hearing(rt, jyfe("fokuskommune.yaml"))
    for hid in (ignored, counted):
        record_answer(rt, hid, kommune="Aalborg", option="pulje")
        record_answer(rt, hid, kommune="Aalborg", option="udbetaling")
    record_answer(rt, closed, kommune="Rebild", option="ja")
    clock.set(JYFE_DEADLINE + timedelta(hours=1))
    for hid in (ignored, counted):
        record_answer(rt, hid, kommune="Læsø", option="udbetaling")  # late
    record_answer(rt, closed, kommune="Morsø", option="nej")  # late
    close_hearing(rt, closed, force=True)

    listed = {r.id: (r.answered, r.recipients) for r in list_hearings(rt)}
    assert listed == {r.id: (r.answered, r.recipients) for r in overview(rt)}
    assert listed == {hid: (hearing_status(rt, hid).answered, hearing_status(rt, hid).recipients)
                      for hid in (ignored, counted, closed)}
    assert listed == {ignored: (1, 11), counted: (2, 11), closed: (1, 11)}
    assert [r.id for r in list_hearings(rt, status="open")] == [counted, ignored]


def test_a_closed_hearing_is_listed_as_its_newest_stored_record_has_it(tmp_path, database_url, clock):
    rt = make_runtime(tmp_path, database_url, clock)
    hid = open_hearing(rt, jyfe())
    record_answer(rt, hid, kommune="Aalborg", option="pulje")
    close_hearing(rt, hid, force=True)
    change_deadline(rt, hid, deadline=JYFE_DEADLINE, reason="Læsø mangler", reopen=True, allow_closed_day=True)
    record_answer(rt, hid, kommune="Læsø", option="pulje")
    close_hearing(rt, hid, force=True)  # version 2: 2 of 11
    with rt.db.transaction() as s:  # the rows change under the records: the list keeps the newest record's
        s.execute(delete(Answer))
    assert [(r.answered, r.recipients) for r in list_hearings(rt)] == [(2, 11)]
    with rt.db.transaction() as s:  # records from before records (format 0) are not read: counted now
        s.execute(update(HearingResultRow).values(payload={"format": 0}))
    assert [(r.answered, r.recipients) for r in list_hearings(rt, status="closed")] == [(0, 11)]
