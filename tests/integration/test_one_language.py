"""Issue 12 items 15-17: one language per reader (the CLI uses the documents' Danish labels,
never "None", never "fristen er overskredet tilbage"), kommuner alphabetically everywhere, and a
late answer shown as late rather than as missing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from hoering.danish import format_remaining
from hoering.domain.calendar import COPENHAGEN
from hoering.services.answers import record_answer
from hoering.services.hearings import close_hearing, open_hearing
from hoering.views.hearings import overview
from hoering.views.result import hearing_result
from hoering.views.status import hearing_status
from tests.support import EXAMPLES, JYFE_DEADLINE, Clock, cli_runner, jyfe, make_runtime

ALPHABETICAL = ["Aalborg", "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø",
                "Mariagerfjord", "Morsø", "Rebild", "Thisted", "Vesthimmerland"]


@pytest.fixture
def srt(tmp_path: Path, sqlite_url: str, clock: Clock):
    return make_runtime(tmp_path, sqlite_url, clock)


def test_remaining_never_says_overskredet_tilbage():
    deadline = datetime(2014, 5, 13, 12, tzinfo=COPENHAGEN)
    assert format_remaining(deadline, datetime(2014, 5, 12, 10, tzinfo=COPENHAGEN)) == "1 dag og 2 timer tilbage"
    assert format_remaining(deadline, datetime(2014, 5, 13, 13, tzinfo=COPENHAGEN)) == "fristen er overskredet"


def test_kommuner_alphabetically_in_every_view(srt, clock):
    hid = open_hearing(srt, jyfe())
    assert [ln.name for ln in hearing_result(srt, hid).lines] == ALPHABETICAL
    assert [ln.name for ln in hearing_status(srt, hid).lines] == ALPHABETICAL
    assert hearing_status(srt, hid).silent_names == ALPHABETICAL


def test_a_late_answer_is_late_not_missing(srt, clock):
    hid = open_hearing(srt, jyfe())
    record_answer(srt, hid, kommune="Aalborg", option="pulje")
    clock.set(JYFE_DEADLINE)
    clock.advance(hours=2)
    record_answer(srt, hid, kommune="Læsø", option="pulje")  # after the deadline, before closing
    status = hearing_status(srt, hid)
    assert "Læsø" not in status.silent_names and status.late_names == ["Læsø"]
    assert status.remaining == "fristen er overskredet"
    row = next(r for r in overview(srt) if r.id == hid)
    assert "Læsø" not in row.silent_names and row.late_names == ["Læsø"]
    close_hearing(srt, hid)
    row = next(r for r in overview(srt) if r.id == hid)
    assert "Læsø" not in row.silent_names and row.late_names == ["Læsø"]


def test_the_cli_speaks_the_documents_danish(tmp_path):
    run = cli_runner(tmp_path, COLUMNS="250")
    assert run("init").returncode == 0
    hid = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00").stdout.strip()
    run("hearing", "answer", hid, "--kommune", "Hjørring", "--option", "udbetaling", at="2014-05-02T09:00")
    status = run("hearing", "status", hid, at="2014-05-13T13:00")
    assert status.returncode == 0, status.stderr
    out = " ".join(status.stdout.split())
    assert "fristen er overskredet" in out and "overskredet tilbage" not in out
    assert "via sekretariatet" in out and "None" not in out
    assert "(høring 1, fordeling, åben)" in out
    assert out.index("Aalborg") < out.index("Hjørring") < out.index("Vesthimmerland")
    closed = run("hearing", "close", hid, at="2014-05-13T13:00")
    assert closed.stdout.strip() == "Høring 1 er lukket: forkastet"
    result = " ".join(run("hearing", "result", hid).stdout.split())
    assert "Udfald: forkastet" in result and "failed" not in result and "None" not in result
    bad = run("hearing", "answer", hid, "--kommune", "Atlantis", "--option", "pulje")
    assert bad.returncode == 2 and len(bad.stdout.strip().splitlines()) == 1
    known = bad.stdout.split("known: ")[1]
    assert known.index("Aalborg") < known.index("Brønderslev") < known.index("Vesthimmerland")
