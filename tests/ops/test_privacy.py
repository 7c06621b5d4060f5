"""Personal data: an access report, erasing a director who answered (no trace outside the
pseudonymised journal records, tally unchanged, audit chain whole), and the retention rules."""

from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import timedelta

import pytest
from sqlalchemy import Text, cast, func, inspect, select

from hoering.db.hearings import Answer
from hoering.db.models import AnswerFile, Base, Document, HearingBilag, OutboxCopy, OutboxMessage, Person
from hoering.errors import NotFoundError
from hoering.runtime import bootstrap
from hoering.services.answers import GivenFile, record_answer, record_answer_by_token
from hoering.services.audit_verify import verify_audit
from hoering.services.backup import backup, restore
from hoering.services.hearings import close_hearing, open_hearing
from hoering.services.outbox import send_outbox
from hoering.services.privacy import erase_person, privacy_report
from hoering.services.privacy_outside import ERASURES
from hoering.services.retention import ERASED_BY, apply_retention
from hoering.settings import load_settings
from hoering.views.result import hearing_result
from tests.documents import files
from tests.support import JYFE_OPENED, Clock, jyfe, make_runtime, postgres_database, with_bilag

WHO = "socialdirektoer@laesoe.kommune.example"
NAME = "Socialdirektør, Læsø Kommune"
LINK = re.compile(r"/svar/([A-Za-z0-9_-]{43})")


def traces(rt, needle: str) -> list[str]:
    hits = []
    with rt.db.engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in names:
                continue
            for column in table.columns:
                n = conn.scalar(select(func.count()).select_from(table)
                                .where(func.lower(cast(column, Text)).like(f"%{needle.lower()}%")))
                if n:
                    hits.append(f"{table.name}.{column.name}:{n}")
    return hits


def director_answers(rt, sink) -> int:
    hid = open_hearing(rt, jyfe(allocation={"total": "120000.00", "key": "equal", "pool_option": "pulje",
                                            "payout_option": "udbetaling"}))
    send_outbox(rt)
    mail = next(m for m in sink.messages if m["To"].addresses[0].addr_spec == WHO)
    token = LINK.search(mail.get_body(preferencelist=("plain",)).get_content()).group(1)
    record_answer_by_token(rt, token, option="udbetaling", comment="Læsø ønsker sin andel")
    send_outbox(rt)
    return hid


def test_erase_a_director_who_answered(rt, sink):
    hid = director_answers(rt, sink)
    close_hearing(rt, hid, force=True)
    send_outbox(rt)
    before = hearing_result(rt, hid).model_dump(mode="json")
    assert traces(rt, WHO) and traces(rt, NAME)

    report = privacy_report(rt, WHO)
    assert report["registry"]["name"] == NAME and report["rows"] > 0
    assert any(p.startswith("outbox.") for p in report["places"]), report

    erased = erase_person(rt, WHO)
    assert erased.pseudonym.endswith("@pseudonym.invalid") and erased.answer_ids
    assert traces(rt, WHO) == [], "the address is still in the database"
    assert traces(rt, NAME) == [], "the name is still in the database"
    after = hearing_result(rt, hid).model_dump(mode="json")
    for key in ("allocation", "outcome", "counts", "answered"):
        assert after.get(key) == before.get(key), key
    with rt.db.read() as s:  # the journal keeps the records, pseudonymised
        rows = list(s.scalars(select(OutboxCopy.raw).join(OutboxMessage)
                              .where(OutboxMessage.to_addr == erased.pseudonym)))
        assert rows and all(erased.pseudonym in raw for raw in rows)
        assert s.scalar(select(Answer.answered_by).where(Answer.option == "udbetaling")).startswith("Slettet person")
        assert s.scalar(select(Person.active).where(Person.email == erased.pseudonym)) is False
    assert verify_audit(rt) == []
    with pytest.raises(NotFoundError):
        privacy_report(rt, WHO)


def test_unknown_person(tmp_path, sqlite_url):
    rt = make_runtime(tmp_path, sqlite_url, Clock())
    with pytest.raises(NotFoundError):
        privacy_report(rt, "nobody@nowhere.example")
    with pytest.raises(NotFoundError):
        erase_person(rt, "nobody@nowhere.example")


def test_retention(tmp_path, sqlite_url, smtp):
    controller, sink = smtp
    clock = Clock(JYFE_OPENED)
    rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port,
                      retention_contact_days=365, retention_answer_personal_days=1095, retention_mail_days=730)
    hid = director_answers(rt, sink)
    close_hearing(rt, hid, force=True)
    send_outbox(rt)
    assert apply_retention(rt).answers_pseudonymised == 0
    with rt.db.transaction() as s:  # the director leaves the registry
        s.scalar(select(Person).where(Person.email == WHO)).active = False
    clock.set(JYFE_OPENED + timedelta(days=366))
    first = apply_retention(rt)
    assert len(first.contacts_erased) == 1 and first.answers_pseudonymised == 0 and first.mails_trimmed == 0
    assert traces(rt, WHO) == []
    clock.set(JYFE_OPENED + timedelta(days=731))
    assert apply_retention(rt).mails_trimmed > 0
    with rt.db.read() as s:
        raw = s.scalar(select(OutboxCopy.raw).join(OutboxMessage).where(OutboxMessage.status == "sent").limit(1))
    assert "X-Hoering-Retention" in raw and "ESDH" in raw and "/svar/" not in raw
    clock.set(JYFE_OPENED + timedelta(days=1100))
    third = apply_retention(rt)
    assert third.answers_pseudonymised >= 1 and third.mails_trimmed == 0
    with rt.db.read() as s:
        assert set(s.scalars(select(Answer.answered_by))) == {ERASED_BY}
    again = apply_retention(rt)
    assert (again.contacts_erased, again.answers_pseudonymised, again.mails_trimmed) == ([], 0, 0)


def test_retention_of_answer_files(tmp_path, sqlite_url):
    """The files kommuner answered with become tombstones ``retention_file_days`` after the
    hearing closed; a hearing's bilag (the secretariat's own document) stays."""
    clock = Clock(JYFE_OPENED)
    rt = make_runtime(tmp_path, sqlite_url, clock, retention_file_days=730)
    (tmp_path / "kommissorium.pdf").write_bytes(files.pdf("Kommissorium"))
    bilag = [{"title": "Kommissorium", "file": str(tmp_path / "kommissorium.pdf")}]
    hid = open_hearing(rt, with_bilag(jyfe(bilag=bilag)))
    answer_file = files.docx_file("Høringssvar fra Læsø")
    record_answer(rt, hid, kommune="Læsø", option="pulje", files=[GivenFile("svar.docx", answer_file)])
    close_hearing(rt, hid, force=True)
    clock.set(JYFE_OPENED + timedelta(days=700))
    assert apply_retention(rt).files_expired == 0
    clock.set(JYFE_OPENED + timedelta(days=731))
    assert apply_retention(rt).files_expired == 1
    with rt.db.read() as s:
        stone = s.scalar(select(Document).join(AnswerFile, AnswerFile.document_id == Document.id))
        kept = s.scalar(select(Document).join(HearingBilag, HearingBilag.document_id == Document.id))
        assert stone.kind == "txt" and stone.size == len(stone.content)
        text = stone.content.decode()
        assert "«svar.docx»" in text and "opbevaringsperioden" in text and "730 dage" in text, text
        assert kept.content.startswith(b"%PDF-")
    assert apply_retention(rt).files_expired == 0
    assert verify_audit(rt) == []


def test_a_restore_of_an_older_backup_erases_them_again(rt, sink, tmp_path_factory):
    """A backup keeps what it held; restoring one taken before an erasure brings the person back,
    and the register of erasures (pseudonyms only) makes the restore erase them again."""
    outside = tmp_path_factory.mktemp("backups")  # backups live outside HOERING_HOME
    director_answers(rt, sink)
    backup(rt, outside / "before")
    erased = erase_person(rt, WHO)
    register = (rt.settings.home / ERASURES).read_text()
    assert erased.pseudonym in register and WHO not in register
    home = outside / "home"  # the home keeps its register; the database is the one restored
    home.mkdir()
    (home / ERASURES).write_text(register)
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if rt.db.is_postgres else f"sqlite:///{outside / 'r.db'}"
        target = bootstrap(load_settings(home=home, database_url=url, secret_key="test-secret-key"), clock=Clock())
        restore(target, outside / "before")
        assert traces(target, WHO) == [] and traces(target, NAME) == []
        assert verify_audit(target) == []
