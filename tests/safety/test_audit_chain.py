"""The audit log is a hash chain and each answer's seal is in its entry (more: test_audit_coverage).
``hoering audit verify`` is quiet (exit 0) while it holds and names the first edited, deleted
or forged row (exit 1) after changes made with sqlite3 / SQL behind the application's back."""

from __future__ import annotations

import re
import sqlite3

from sqlalchemy import text

from hoering import audit
from hoering.services.answers import record_answer
from hoering.services.audit_verify import verify_audit
from hoering.services.hearings import close_hearing
from tests.support import EXAMPLES, make_runtime
from tests.web.conftest import open_example


def populated(tmp_path, url, clock):
    rt = make_runtime(tmp_path, url, clock)
    hid = open_example(rt)
    for name in ("Hjørring", "Læsø", "Aalborg"):
        record_answer(rt, hid, kommune=name, option="pulje", comment=f"Svar fra {name}")
    record_answer(rt, hid, kommune="Læsø", option="udbetaling")
    close_hearing(rt, hid, force=True)
    assert verify_audit(rt) == []
    return rt, hid


def raw(rt, *statements: str) -> None:
    """Statements run past the application, triggers dropped first (as an attacker would)."""
    with rt.db.engine.begin() as conn:
        if rt.db.is_postgres:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in statements:
            conn.execute(text(statement))


def test_an_edited_answer_is_named(tmp_path, database_url, clock):
    rt, hid = populated(tmp_path, database_url, clock)
    raw(rt, "UPDATE answer SET option = 'udbetaling' WHERE id = 2")
    problems = verify_audit(rt)
    assert len(problems) == 1 and problems[0].startswith(f"answer 2 (hearing {hid}, version 1) was changed")


def test_deleted_edited_and_forged_audit_rows_are_named(tmp_path, database_url, clock):
    rt, _ = populated(tmp_path, database_url, clock)
    with rt.db.read() as s:
        ids = list(s.scalars(text("SELECT id FROM audit_log ORDER BY seq")))
        actor = s.scalar(text(f"SELECT actor FROM audit_log WHERE id = {ids[1]}"))
    middle = ids[2]

    raw(rt, f"UPDATE audit_log SET actor = 'nogen andre' WHERE id = {ids[1]}")
    assert re.match(rf"audit entry #{ids[1]} \(seq 2, .*\) was edited: its actor", verify_audit(rt)[0])
    raw(rt, f"UPDATE audit_log SET actor = '{actor}' WHERE id = {ids[1]}")
    assert verify_audit(rt) == []

    raw(rt, f"DELETE FROM audit_log WHERE id = {middle}")
    assert verify_audit(rt)[0].startswith("audit entries seq 3–3 are missing before audit entry")


def test_entries_of_one_transaction_are_sealed_in_turn(tmp_path, database_url, clock):
    """One entry is appended with the head's move in one statement on PostgreSQL; several take
    the other way (one insert, then the head): both leave a chain that verifies."""
    rt, _ = populated(tmp_path, database_url, clock)
    for count in (1, 3):
        with rt.db.transaction() as s:
            for i in range(count):
                audit.record(s, at=clock.now, actor="test", action="test.noted", entity="test", entity_id=i)
    assert verify_audit(rt) == []
    with rt.db.read() as s:
        seqs = list(s.scalars(text("SELECT seq FROM audit_log ORDER BY id")))
        head = s.scalar(text("SELECT seq FROM audit_head"))
    assert seqs == list(range(1, len(seqs) + 1)) and head == seqs[-1]


def test_deleting_the_newest_rows_and_forging_one_show(tmp_path, sqlite_url, clock):
    rt, _ = populated(tmp_path, sqlite_url, clock)
    with rt.db.read() as s:
        seq, newest = s.execute(text("SELECT seq, id FROM audit_log ORDER BY seq DESC LIMIT 1")).one()
    raw(rt, f"DELETE FROM audit_log WHERE id = {newest}")
    problems = verify_audit(rt)  # then the rows the deleted entry sealed (the hearing closed, its result)
    assert problems[0] == f"the newest audit entries after seq {seq - 1} were deleted (the log ended at seq {seq})"
    raw(rt, f"UPDATE audit_head SET seq = {seq - 1}, entry_hash = "
            f"(SELECT entry_hash FROM audit_log WHERE seq = {seq - 1})")
    assert verify_audit(rt)[0] == "audit_head was edited (its MAC does not match)"

    rt2, _ = populated(tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}", clock)
    raw(rt2, "INSERT INTO audit_log (at, actor, action, entity, details) "
             "VALUES ('2014-05-01 10:00:00', 'x', 'answer.recorded', 'answer', '{}')")
    assert "carries no seal" in verify_audit(rt2)[0]


def test_an_erasure_entry_naming_rows_does_not_exempt_them(tmp_path, sqlite_url, clock):
    """Only a re-seal of the rows as rewritten vouches for them (``privacy erase`` writes one)."""
    rt, _ = populated(tmp_path, sqlite_url, clock)
    with rt.db.read() as s:
        entry, answer = s.execute(text("SELECT id, entity_id FROM audit_log "
                                       "WHERE action = 'answer.recorded' ORDER BY seq LIMIT 1")).one()
    raw(rt, f"UPDATE audit_log SET actor = 'slettet person' WHERE id = {entry}",
        f"UPDATE answer SET answered_by = 'slettet person', comment = NULL WHERE id = {answer}")
    assert len(verify_audit(rt)) == 2
    with rt.db.transaction() as s:
        audit.record(s, at=clock.now, actor="sekretariatet", action="privacy.erased", entity="person",
                     entity_id=None, audit=[entry], answer=[answer])
    assert len(verify_audit(rt)) == 2


def test_cli_audit_verify(tmp_path):
    from tests.support import cli_runner

    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    opened = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00")
    hid = re.search(r"\d+", opened.stdout).group(0)
    for k in ("851", "860"):
        assert run("hearing", "answer", hid, "--kommune", k, "--option", "pulje", at="2014-04-30T10:00").returncode == 0
    ok = run("audit", "verify")
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    db = sqlite3.connect(tmp_path / "cli.db")
    db.execute("DROP TRIGGER audit_log_no_delete")
    db.execute("DELETE FROM audit_log WHERE seq = 2")
    db.commit()
    bad = run("audit", "verify")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert re.search(r"audit entries seq 2–2 are missing before audit entry #\d+", bad.stderr)
