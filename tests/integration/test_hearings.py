"""Issue 2's hearing life cycle through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from hoering.db.lookup import find_token
from hoering.db.models import Answer, AnswerToken, AuditEntry, Hearing
from hoering.errors import DefinitionError, HearingClosedError, NotFoundError, RuleViolation
from hoering.services.answers import record_answer
from hoering.services.hearings import change_deadline, close_hearing, open_hearing, read_hearing_file
from hoering.tokens import derive_token, token_hash
from hoering.views.result import hearing_result
from hoering.views.status import hearing_status
from tests.support import EXAMPLES, JYFE_DEADLINE

KOMMUNER = ["Aalborg", "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø",
            "Mariagerfjord", "Morsø", "Rebild", "Thisted", "Vesthimmerland"]


def open_jyfe(rt, name="jyfe.yaml") -> int:
    return open_hearing(rt, read_hearing_file(EXAMPLES / name))


def test_jyfe_all_pool(rt, clock):
    hid = open_jyfe(rt)
    clock.advance(days=2)
    for name in KOMMUNER:
        record_answer(rt, hid, kommune=name, option="pulje")
    clock.set(JYFE_DEADLINE)
    clock.advance(minutes=1)
    close_hearing(rt, hid)
    result = hearing_result(rt, hid).as_json()
    assert result["status"] == "closed" and result["outcome"] == "passed"
    assert result["allocation"] == {"payouts": {}, "pool": "120000.00"}
    assert result["counts"] == {"pulje": 11, "udbetaling": 0} and result["silent"] == []
    assert len(result["answers"]) == 11 and result["kind"] == "allocation" and result["hearing"] == hid
    assert result["summary"].startswith("Tilslutning fra alle kommuner")


def test_two_payouts_equal_key(rt, clock):
    hid = open_jyfe(rt, "jyfe-equal.yaml")
    for name in KOMMUNER:
        record_answer(rt, hid, kommune=name, option="udbetaling" if name in ("Aalborg", "Læsø") else "pulje")
    close_hearing(rt, hid)  # everyone answered: may close before the deadline
    result = hearing_result(rt, hid).as_json()
    payouts = {k: Decimal(v) for k, v in result["allocation"]["payouts"].items()}
    assert set(payouts) == {"851", "825"}
    assert all(v in (Decimal("10909.09"), Decimal("10909.10")) for v in payouts.values())
    assert Decimal(result["allocation"]["pool"]) + sum(payouts.values()) == Decimal("120000.00")


def test_every_version_is_kept_and_the_latest_counts(rt, clock):
    hid = open_jyfe(rt)
    record_answer(rt, hid, kommune="851", option="udbetaling", comment="Foreløbigt")
    clock.advance(days=1)
    second = record_answer(rt, hid, kommune="aalborg", option="pulje")
    assert second.version == 2
    with rt.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 2
    status = hearing_status(rt, hid).as_json()
    aalborg = next(ln for ln in status["lines"] if ln["kommune"] == 851)
    assert aalborg["option"] == "pulje" and aalborg["versions"] == 2


def test_close_before_deadline_needs_all_answers_or_force(rt, clock):
    hid = open_jyfe(rt)
    record_answer(rt, hid, kommune="Aalborg", option="pulje")
    with pytest.raises(RuleViolation, match="--force"):
        close_hearing(rt, hid)
    close_hearing(rt, hid, force=True)
    with pytest.raises(HearingClosedError):
        record_answer(rt, hid, kommune="Hjørring", option="pulje")


def test_answer_after_deadline_before_close_is_late_and_not_counted(rt, clock):
    hid = open_jyfe(rt)
    clock.set(JYFE_DEADLINE)
    clock.advance(hours=1)
    r = record_answer(rt, hid, kommune="Thisted", option="udbetaling")
    assert r.late
    close_hearing(rt, hid)
    result = hearing_result(rt, hid).as_json()
    assert result["late"] == [787] and "787" not in result["answers"]
    assert result["allocation"]["payouts"] == {}


def test_extend_and_reopen_are_audited(rt, clock):
    hid = open_jyfe(rt)
    later = JYFE_DEADLINE.replace(day=20)
    change_deadline(rt, hid, deadline=later, reason="Afventer generalforsamlingen", reopen=False)
    with pytest.raises(RuleViolation):
        change_deadline(rt, hid, deadline=later, reason="x", reopen=True)
    close_hearing(rt, hid, force=True)
    change_deadline(rt, hid, deadline=later.replace(day=27), reason="Ny oplysning", reopen=True)
    with rt.db.transaction() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.hearing_id == hid)
                                 .order_by(AuditEntry.id)))
        hearing = s.get(Hearing, hid)
        assert hearing.status == "open" and hearing.deadline_version == 3
    assert actions == ["hearing.opened", "hearing.extended", "hearing.closed", "hearing.reopened"]


def test_unknown_things_are_clear_errors(rt):
    hid = open_jyfe(rt)
    with pytest.raises(NotFoundError, match="høring 999 findes ikke"):
        record_answer(rt, 999, kommune="Aalborg", option="pulje")
    with pytest.raises(NotFoundError, match="ukendt kommune 'Odense'"):
        record_answer(rt, hid, kommune="Odense", option="pulje")
    with pytest.raises(NotFoundError, match="ingen svarmulighed 'ja'"):
        record_answer(rt, hid, kommune="Aalborg", option="ja")
    with pytest.raises(NotFoundError, match="er ikke modtager af høring"):
        record_answer(rt, hid, kommune="Region Nordjylland", option="pulje")


def test_tokens_are_stored_only_as_hashes(rt):
    hid = open_jyfe(rt)
    with rt.db.transaction() as s:
        tokens = list(s.scalars(select(AnswerToken)))
        assert len(tokens) == 11  # the JYFE hearing asks each kommune's director
        token = derive_token(rt.secret, tokens[0].nonce)
        assert len(token) >= 22 and tokens[0].token_hash == token_hash(token)
        assert all(token not in (t.token_hash, t.nonce) for t in tokens)
        assert find_token(s, token).id == tokens[0].id
        assert find_token(s, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert hid


def test_audit_log_is_append_only(rt):
    open_jyfe(rt)
    with pytest.raises(Exception, match="append-only"), rt.db.transaction() as s:
        s.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"), rt.db.transaction() as s:
        s.execute(text("DELETE FROM audit_log"))


def test_definition_problems_are_reported_per_field_and_nothing_is_stored(rt, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((EXAMPLES / "jyfe.yaml").read_text().replace("body: socialdirektoerkredsen", "body: byraadet")
                   .replace("recipients: all", "recipients: [Aalborg, Odense]"))
    with pytest.raises(DefinitionError) as info:
        open_hearing(rt, read_hearing_file(bad), source=str(bad))
    problems = "\n".join(info.value.problems)
    assert "body: ukendt organ 'byraadet'" in problems and "recipients.1: ukendt kommune 'Odense'" in problems
    with rt.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Hearing)) == 0
