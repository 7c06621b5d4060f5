"""Issue 12 items 15-17: one language per reader (the CLI uses the documents' Danish labels,
never "None", never "fristen er overskredet tilbage"), kommuner alphabetically everywhere, and a
late answer shown as late rather than as missing."""

from __future__ import annotations

import json
import sqlite3
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

# What the CLI used to say in English to the secretariat; none of it may come back.
ENGLISH = ("Closed hearing", "Recorded answer", "Response v", "reopened", "now runs", "routed to", "postponed to",
           "moved to meeting", "attached to item", "Meeting ", "Minutes of", "approved by", "Follow-up",
           "Inbox message", "Outbox message", "queued", "Revoked", "New link", "error:", "meeting(s)",
           "No hearings", "No meetings", "No items", "No follow-ups", "Nothing due", "decided:", "warning:")

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
    answered = run("hearing", "answer", hid, "--kommune", "Hjørring", "--option", "udbetaling", at="2014-05-02T09:00")
    assert answered.stdout.strip() == "Svar v1 fra 860 er registreret: udbetaling"
    status = run("hearing", "status", hid, at="2014-05-13T13:00")
    assert status.returncode == 0, status.stderr
    out = " ".join(status.stdout.split())
    assert "fristen er overskredet" in out and "overskredet tilbage" not in out
    assert "via sekretariatet" in out and "None" not in out
    assert "(høring 1, fordeling, åben)" in out
    assert out.index("Aalborg") < out.index("Hjørring") < out.index("Vesthimmerland")
    closed = run("hearing", "close", hid, "--reason", "Fristen er udløbet", at="2014-05-13T13:00")
    assert closed.stdout.strip() == "Høring 1 er lukket: forkastet"
    with sqlite3.connect(tmp_path / "cli.db") as db:  # the reason is kept in the audit log
        details = db.execute("SELECT details FROM audit_log WHERE action = 'hearing.closed'").fetchone()[0]
    assert json.loads(details)["reason"] == "Fristen er udløbet"
    result = " ".join(run("hearing", "result", hid).stdout.split())
    assert "Udfald: forkastet" in result and "failed" not in result and "None" not in result
    bad = run("hearing", "answer", hid, "--kommune", "Atlantis", "--option", "pulje")
    assert bad.returncode == 2 and len(bad.stdout.strip().splitlines()) == 1
    assert bad.stdout.startswith("fejl: ukendt kommune 'Atlantis'; kendte: ")
    known = bad.stdout.split("kendte: ")[1]
    assert known.index("Aalborg") < known.index("Brønderslev") < known.index("Vesthimmerland")


@pytest.mark.slow
def test_the_cli_confirms_in_danish(tmp_path):
    """A scripted session through a hearing and the meeting cycle: every confirmation, table and
    error a secretariat member reads is Danish (codes shown by their Danish labels)."""
    run = cli_runner(tmp_path, COLUMNS="250", HOERING_SMTP_PORT="9")
    assert run("init").returncode == 0
    hid = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00").stdout.strip()
    said = [run("hearing", "answer", hid, "--kommune", "Læsø", "--option", "pulje", at="2014-05-02T09:00"),
            run("hearing", "respond", hid, "--kommune", "Læsø", "--stance", "efterretning", "--text", "Noteret."),
            run("hearing", "extend", hid, "--deadline", "2014-05-20T12:00", "--reason", "Flere skal nå at svare",
                at="2014-05-05T09:00"),
            run("hearing", "close", hid, "--force", "--reason", "Aftalt på mødet", at="2014-05-06T09:00"),
            run("hearing", "reopen", hid, "--deadline", "2014-05-27T12:00", "--reason", "Et svar mangler",
                at="2014-05-07T09:00"),
            run("hearing", "close", hid, at="2014-05-07T09:05")]
    assert [r.stdout.strip() for r in said[:5]] == [
        "Svar v1 fra 825 er registreret: pulje",
        "Sekretariatets bemærkning v1 til 825: Taget til efterretning",
        "Høring 1 er forlænget med frist 20. maj 2014 kl. 12.00",
        "Høring 1 er lukket: vedtaget",
        "Høring 1 er genåbnet med frist 27. maj 2014 kl. 12.00"]
    assert said[5].returncode == 2 and said[5].stdout.startswith("fejl: høring 1 løber til 27. maj 2014")

    plan = tmp_path / "plan.yaml"
    plan.write_text((EXAMPLES / "das-2021" / "plan-das-2021.yaml").read_text(encoding="utf-8")
                    + "standard_items: []\n", encoding="utf-8")
    planned = run("meeting", "plan", str(plan), at="2021-02-15T10:00")
    item = run("item", "add", str(EXAMPLES / "das-2021" / "items" / "08-svenstrupgaard.yaml"),
               at="2021-02-15T10:00").stdout.strip()
    steps = [run("item", "route", item, "--to", "das", at="2021-02-15T10:00"),
             run("item", "route", item, "--to", "fu", at="2021-02-16T10:00"),
             run("item", "route", item, "--to", "das", at="2021-03-01T10:00"),
             run("item", "attach-hearing", item, "--hearing", hid, at="2021-03-01T10:05"),
             run("meeting", "attendance", "2", "--deltager", "Anna", "--afbud", "Bo", at="2021-03-15T15:00"),
             run("item", "decide", item, "--outcome", "godkendt", "--text", "Godkendt.",
                 "--followup", "Ny takst meldes ud|Aalborg Kommune|2021-04-01", at="2021-03-15T15:00"),
             run("followup", "close", "1", "--note", "Meldt ud", at="2021-03-20T10:00")]
    shown = run("meeting", "show", "2")
    assert planned.stdout.strip() == "5 møde(r): 1, 2, 3, 4, 5"
    assert [r.stdout.strip() for r in steps[1:]] == [
        f"Punkt {item} er sendt til FU",
        f"Punkt {item} er sat på dagsordenen for DAS (møde 2)",
        f"Høring {hid} er knyttet til punkt {item}",
        "Møde 2: 1 deltagere, 1 afbud",
        f"Punkt {item} er besluttet: godkendt",
        "Opfølgning 1 er lukket"]
    assert steps[0].returncode == 2 and steps[0].stdout.startswith("fejl: ")
    assert "Sag til beslutning" in shown.stdout and "Godkendt" in shown.stdout  # labels, not codes
    everything = "\n".join(r.stdout + r.stderr for r in [*said, planned, *steps, shown])
    assert not [phrase for phrase in ENGLISH if phrase in everything], everything
