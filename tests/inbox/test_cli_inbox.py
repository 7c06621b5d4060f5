"""``hoering inbox import | review | record | ignore | list | fetch`` as a user runs them (the real
command, a new process each time): saved replies in, the review queue worked through."""

from __future__ import annotations

import json
from pathlib import Path

from tests.inbox.support import CORPUS
from tests.support import EXAMPLES, cli_runner

WHEN = "2014-04-30T09:00"


def test_import_review_record_ignore_list(tmp_path: Path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    assert run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00").returncode == 0
    files = [str(CORPUS / name) for name in
             ("13-outlook-subject-only.eml", "07-outlook-both-options.eml", "50-unrelated-known.eml")]
    done = run("inbox", "import", *files, at=WHEN)
    assert done.returncode == 0, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert "gemt 3 nye, behandlet 3" in said and "til gennemsyn: 3; registreret: 0" in said
    assert "gemt 0 nye, behandlet 0" in run("inbox", "import", files[0], at=WHEN).stdout  # same bytes

    queue = json.loads(run("inbox", "review", "--json").stdout)
    assert [(e["sender"], e["reason"]) for e in queue] == [
        ("socialdirektoer@broenderslev.kommune.example", "reply"),
        ("socialdirektoer@mariagerfjord.kommune.example", "reply"),
        ("socialdirektoer@vesthimmerland.kommune.example", "unrelated")]
    assert "afsenderen er ikke bekræftet" in queue[0]["note"]  # no reply key, no thread: only the From
    assert queue[0]["option"] == "pulje"  # suggested, not recorded
    assert "ikke bekræftet" in queue[1]["note"] and queue[1]["option"] is None  # names both options
    unverified, both, unrelated = queue[0]["id"], queue[1]["id"], queue[2]["id"]

    for message in (unverified, both):
        done = run("inbox", "record", str(message), "--option", "pulje", at=WHEN)
        assert done.returncode == 0, done.stderr
    done = run("inbox", "ignore", str(unrelated), "--reason", "Handler om et møde", at=WHEN)
    assert done.returncode == 0, done.stderr
    assert json.loads(run("inbox", "review", "--json").stdout) == []

    listed = {e["id"]: e for e in json.loads(run("inbox", "list", "--json").stdout)}
    assert sorted(e["status"] for e in listed.values()) == ["ignored", "recorded", "recorded"]
    recorded = [e for e in listed.values() if e["status"] == "recorded"]
    assert all(e["answer_id"] and e["option"] == "pulje" and e["hearing_id"] == 1 for e in recorded)

    wrong = run("inbox", "record", "999", "--option", "pulje", at=WHEN)
    assert wrong.returncode == 2 and "besked i indbakken 999 findes ikke" in wrong.stdout
    assert "Traceback" not in wrong.stderr
    again = run("inbox", "record", str(both), "--option", "pulje", at=WHEN)
    assert again.returncode == 2 and "venter ikke på gennemsyn" in again.stdout
    fetch = run("inbox", "fetch")
    assert fetch.returncode == 2 and "HOERING_IMAP_HOST" in fetch.stdout
