"""The JYFE result mail as a kommune reads it (the plain part): agreement in number ("3 af 11
kommuner ønsker deres andel udbetalt") and how many answered before the deadline."""

from __future__ import annotations

from email import message_from_string, policy
from pathlib import Path

from sqlalchemy import select

from hoering.db.outbox import OutboxCopy, OutboxMessage
from hoering.runtime import forget_databases
from hoering.services.answers import record_answer
from hoering.services.hearings import close_hearing, open_hearing
from tests.support import JYFE_DEADLINE, Clock, jyfe, make_runtime

PAYOUT = ["Aalborg", "Hjørring", "Læsø"]
POOL = ["Brønderslev", "Frederikshavn", "Jammerbugt", "Mariagerfjord", "Rebild", "Thisted"]


def test_the_result_mail_says_3_of_11_kommuner_want_their_share(tmp_path: Path) -> None:
    clock = Clock()
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'h.db'}", clock)
    hid = open_hearing(rt, jyfe())
    clock.advance(days=1)
    for name in PAYOUT:
        record_answer(rt, hid, kommune=name, option="udbetaling")
    for name in POOL:
        record_answer(rt, hid, kommune=name, option="pulje")
    clock.set(JYFE_DEADLINE)
    close_hearing(rt, hid)
    with rt.db.read() as s:
        raw = s.scalars(select(OutboxCopy.raw).join(OutboxMessage, OutboxMessage.id == OutboxCopy.outbox_id)
                        .where(OutboxMessage.kind == "result")).first()
    forget_databases()
    assert raw is not None
    text = " ".join(message_from_string(raw, policy=policy.default).get_body(("plain",)).get_content().split())
    assert "9 af 11 hørte parter har svaret inden fristen." in text
    assert "3 af 11 kommuner ønsker deres andel udbetalt (Læsø, Aalborg og Hjørring, i alt" in text
    assert "ønsker sin andel" not in text


def test_a_receipt_says_how_the_answer_came_never_that_the_secretariat_gave_it(tmp_path: Path) -> None:
    from hoering.services.outgoing.hearings import fill_drafts

    clock = Clock()
    rt = make_runtime(tmp_path, f"sqlite:///{tmp_path / 'h.db'}", clock)
    hid = open_hearing(rt, jyfe())
    clock.advance(days=1)
    record_answer(rt, hid, kommune="Morsø", option="pulje", channel="manual", answered_by="sekretariatet")
    fill_drafts(rt)
    with rt.db.read() as s:
        raws = list(s.scalars(select(OutboxCopy.raw).join(OutboxMessage, OutboxMessage.id == OutboxCopy.outbox_id)
                              .where(OutboxMessage.kind == "receipt")))
    forget_databases()
    assert raws
    for raw in raws:
        text = " ".join(message_from_string(raw, policy=policy.default).get_body(("plain",)).get_content().split())
        assert "følgende svar fra Morsø Kommune (modtaget og registreret af sekretariatet):" in text
        assert "afgivet af sekretariatet" not in text
