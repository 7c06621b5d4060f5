"""The audit chain covers every row the høringsnotat, the result and access rights are built from,
erasure re-seals instead of exempting, and an anchor kept outside the database shows a cut-off end.

Each tampering is done past the application (SQL with the append-only triggers dropped), as an
attacker with the database but not the secret would; ``verify_audit`` must then name a problem.
"""

from __future__ import annotations

import re
import sqlite3

from alembic import command
from sqlalchemy import text

from hoering.db.migrate import alembic_config, upgrade
from hoering.runtime import bootstrap
from hoering.services.answers import GivenFile, record_answer
from hoering.services.audit_verify import Anchor, anchor_of, verify_audit
from hoering.services.contacts import revoke_contact
from hoering.services.hearings import close_hearing
from hoering.services.privacy import erase_person
from hoering.services.users import add_user
from hoering.settings import load_settings
from hoering.views.report import hearing_report
from tests.documents import files
from tests.safety.test_audit_chain import raw
from tests.support import EXAMPLES, cli_runner, make_runtime
from tests.web.conftest import open_example

LAESOE = "socialdirektoer@laesoe.kommune.example"


def populated(tmp_path, url, clock):
    """A closed hearing; Læsø's director answered (by name) and changed the answer once."""
    rt = make_runtime(tmp_path, url, clock)
    hid = open_example(rt)
    for name in ("Hjørring", "Aalborg"):
        record_answer(rt, hid, kommune=name, option="pulje", comment=f"Svar fra {name}")
    for option in ("pulje", "udbetaling"):
        record_answer(rt, hid, kommune="Læsø", option=option, comment="Læsø ønsker sin andel",
                      answered_by="Socialdirektør, Læsø Kommune")
    close_hearing(rt, hid, force=True)
    assert verify_audit(rt) == []
    return rt, hid


def _scalar(rt, statement: str):
    with rt.db.read() as s:
        return s.scalar(text(statement))


def test_a_forged_audit_row_with_a_low_id_is_named_and_left_out_of_the_notat(tmp_path, database_url, clock):
    rt, hid = populated(tmp_path, database_url, clock)
    raw(rt, "INSERT INTO audit_log (id, at, actor, action, hearing_id, entity, entity_id, details) "
            f"VALUES (0, '2014-05-01 10:00:00', 'sekretariatet', 'hearing.extended', {hid}, 'hearing', {hid}, "
            "'{\"reason\": \"forfalsket\"}')")
    problems = verify_audit(rt)
    assert problems and "audit entry #0" in problems[0] and "forged" in problems[0]
    assert not any("forfalsket" in what for _, what in hearing_report(rt, hid).events)


def test_a_cut_off_end_with_an_older_head_put_back_fails_against_the_anchor(tmp_path, database_url, clock):
    rt, hid = populated(tmp_path, database_url, clock)
    old_head = dict(_row(rt, "SELECT seq, entry_hash, mac FROM audit_head"))
    revoke_contact(rt, LAESOE, hearing_id=hid)  # entries after the old head
    anchor = anchor_of(rt)
    assert anchor.seq > old_head["seq"] and verify_audit(rt, anchor=anchor) == []
    raw(rt, f"DELETE FROM audit_log WHERE seq > {old_head['seq']}",
        "UPDATE answer_token SET revoked_at = NULL",  # and the revocation undone
        f"UPDATE audit_head SET seq = {old_head['seq']}, entry_hash = '{old_head['entry_hash']}', "
        f"mac = '{old_head['mac']}'")
    problems = verify_audit(rt, anchor=anchor)
    assert problems and any(f"seq {anchor.seq}" in p and "cut off" in p for p in problems), problems
    other = Anchor(seq=old_head["seq"], entry_hash="f" * 64)
    assert any("differs" in p for p in verify_audit(rt, anchor=other))


def test_an_erased_persons_answer_changed_is_named(tmp_path, database_url, clock):
    rt, _ = populated(tmp_path, database_url, clock)
    assert erase_person(rt, LAESOE).answer_ids
    assert verify_audit(rt) == []
    answer = _scalar(rt, "SELECT min(a.id) FROM answer a JOIN hearing_recipient r ON r.id = a.recipient_id "
                         "JOIN kommune k ON k.id = r.kommune_id WHERE k.code = 825")
    raw(rt, f"UPDATE answer SET option = 'pulje', comment = 'ændret' WHERE id = {answer}")
    problems = verify_audit(rt)
    assert problems and any(p.startswith(f"answer {answer} ") and "changed" in p for p in problems), problems


def test_an_erasure_does_not_vouch_for_a_row_changed_before_it(tmp_path, sqlite_url, clock):
    rt, _ = populated(tmp_path, sqlite_url, clock)
    answer = _scalar(rt, "SELECT min(a.id) FROM answer a JOIN hearing_recipient r ON r.id = a.recipient_id "
                         "JOIN kommune k ON k.id = r.kommune_id WHERE k.code = 825")
    raw(rt, f"UPDATE answer SET answered_by = '{LAESOE}', option = 'pulje' WHERE id = {answer}")
    erase_person(rt, LAESOE)
    assert any(p.startswith(f"answer {answer} ") for p in verify_audit(rt))


def test_the_stored_result_is_covered(tmp_path, database_url, clock):
    rt, hid = populated(tmp_path, database_url, clock)
    payload = _scalar(rt, f"SELECT CAST(payload AS TEXT) FROM hearing_result WHERE hearing_id = {hid}")
    assert "udbetaling" in payload
    forged = payload.replace("udbetaling", "pulje").replace("'", "''")
    raw(rt, f"UPDATE hearing_result SET payload = '{forged}' WHERE hearing_id = {hid}")
    problems = verify_audit(rt)
    assert problems and any(p.startswith("hearing_result ") and "changed" in p for p in problems), problems


def test_a_console_role_is_covered(tmp_path, database_url, clock):
    rt, _ = populated(tmp_path, database_url, clock)
    add_user(rt, "laeser@sekretariat.example", name="Lise Læser", role="laeser", password="et langt kodeord")
    assert verify_audit(rt) == []
    raw(rt, "UPDATE console_user SET role = 'sekretariat' WHERE email = 'laeser@sekretariat.example'")
    problems = verify_audit(rt)
    assert problems and any(p.startswith("console_user ") and "changed" in p for p in problems), problems


def test_a_revoked_link_made_live_again_is_named(tmp_path, database_url, clock):
    rt, hid = populated(tmp_path, database_url, clock)
    revoke_contact(rt, LAESOE, hearing_id=hid)
    assert verify_audit(rt) == []
    raw(rt, "UPDATE answer_token SET revoked_at = NULL")
    problems = verify_audit(rt)
    assert problems and any(p.startswith("answer_token ") and "changed" in p for p in problems), problems


def test_forged_and_deleted_covered_rows_and_changed_files_are_named(tmp_path, database_url, clock):
    rt, _ = populated(tmp_path, database_url, clock)
    token = _row(rt, "SELECT * FROM answer_token ORDER BY id LIMIT 1")
    raw(rt, "INSERT INTO answer_token (recipient_id, person_id, nonce, token_hash) "
            f"VALUES ({token['recipient_id']}, {token['person_id']}, 'n', '{'a' * 64}')")
    problems = verify_audit(rt)
    assert any(p.startswith("answer_token ") and "forged" in p for p in problems), problems



def test_an_answers_files_and_their_bytes_are_covered(tmp_path, database_url, clock):
    rt = make_runtime(tmp_path, database_url, clock)
    hid = open_example(rt)
    record_answer(rt, hid, kommune="Aalborg", option="pulje",
                  files=[GivenFile("Aalborgs svar.pdf", files.pdf("Aalborgs svar"))])
    close_hearing(rt, hid, force=True)
    assert verify_audit(rt) == []
    raw(rt, "UPDATE answer_file SET filename = 'andet.pdf'")
    assert any(p.startswith("answer ") and "changed" in p for p in verify_audit(rt))
    raw(rt, "UPDATE answer_file SET filename = 'Aalborgs svar.pdf'")
    assert verify_audit(rt) == []
    forged = files.pdf("Et andet svar")
    with rt.db.engine.begin() as conn:
        conn.execute(text("UPDATE document SET content = :c"), {"c": forged})
    assert any(p.startswith("document ") and "bytes were changed" in p for p in verify_audit(rt))
    raw(rt, "DELETE FROM hearing_result")
    assert any(p.startswith("hearing_result ") and "deleted" in p for p in verify_audit(rt))


def test_verify_holds_after_erasure_with_an_anchor(tmp_path, database_url, clock):
    rt, _ = populated(tmp_path, database_url, clock)
    erase_person(rt, LAESOE)
    assert verify_audit(rt) == []
    assert verify_audit(rt, anchor=anchor_of(rt)) == []


def _row(rt, statement: str):
    with rt.db.read() as s:
        return s.execute(text(statement)).mappings().one()


def test_cli_audit_anchor_and_verify(tmp_path):
    run = cli_runner(tmp_path)
    assert run("init").returncode == 0
    opened = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00")
    hid = re.search(r"\d+", opened.stdout).group(0)
    assert run("hearing", "answer", hid, "--kommune", "851", "--option", "pulje", at="2014-04-30T10:00").returncode == 0
    db = sqlite3.connect(tmp_path / "cli.db")
    old = db.execute("SELECT seq, entry_hash, mac FROM audit_head").fetchone()
    assert run("hearing", "answer", hid, "--kommune", "860", "--option", "pulje", at="2014-04-30T11:00").returncode == 0
    anchored = run("audit", "anchor", "--output", str(tmp_path / "anchor.txt"))
    assert anchored.returncode == 0
    seq = db.execute("SELECT seq, entry_hash FROM audit_head").fetchone()
    assert f"seq={seq[0]}" in anchored.stdout and seq[1] in anchored.stdout
    assert (tmp_path / "anchor.txt").read_text().strip() == anchored.stdout.strip()
    ok = run("audit", "verify", "--anchor", str(tmp_path / "anchor.txt"))
    assert (ok.returncode, ok.stderr) == (0, "")
    # the end cut off (the second answer with it) and the older head put back
    db.execute("DROP TRIGGER audit_log_no_delete")
    db.execute("DELETE FROM answer_file")
    db.execute(f"DELETE FROM audit_log WHERE seq > {old[0]}")
    db.execute("DELETE FROM answer WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE entity = 'answer')")
    db.execute("UPDATE audit_head SET seq = ?, entry_hash = ?, mac = ?", old)
    db.commit()
    assert run("audit", "verify").returncode == 0  # nothing inside the database can tell
    bad = run("audit", "verify", "--anchor", str(tmp_path / "anchor.txt"))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "cut off" in bad.stderr


def test_rows_from_before_seals_are_sealed_once_on_upgrade(tmp_path, sqlite_url, clock):
    rt = bootstrap(load_settings(home=tmp_path, database_url=sqlite_url, secret_key="test-secret-key"), clock=clock)
    config = alembic_config(rt.db)
    with rt.db.engine.begin() as conn:  # a database as the release before seals left it
        config.attributes["connection"] = conn
        command.upgrade(config, "0019_sign_in")  # the revision before seals
        conn.execute(text("INSERT INTO console_user (email, name, role, password_hash, active, created_at) "
                          "VALUES ('a@x.example', 'A', 'laeser', 'h', 1, '2014-05-01 10:00:00')"))
        conn.execute(text("INSERT INTO audit_log (at, actor, action, entity, details) "
                          "VALUES ('2014-05-01 10:00:00', 'cli', 'user.added', 'user', '{}')"))
    upgrade(rt.db)
    assert verify_audit(rt) == []
    upgrade(rt.db)  # once: a second upgrade seals nothing new
    assert _scalar(rt, "SELECT count(*) FROM audit_log WHERE action = 'audit.rows_sealed'") == 1
    raw(rt, "UPDATE console_user SET role = 'sekretariat'", "UPDATE audit_log SET actor = 'x' WHERE seq IS NULL")
    problems = verify_audit(rt)
    assert any(p.startswith("console_user 1 was changed") for p in problems), problems
    assert any("from before the chain) was edited" in p for p in problems), problems
