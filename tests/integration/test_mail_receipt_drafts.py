"""Issue 17: a receipt is reserved in the answer's transaction and rendered after the commit
(outside the writer's lock). A process killed in between loses no receipt: the row stays a
draft, the sender renders it before it claims, and it arrives like any other receipt."""

from __future__ import annotations

from sqlalchemy import select

from hoering.db.outbox import OutboxMessage
from hoering.mail.outbox import DRAFT
from hoering.services import answers
from hoering.services.hearings import open_hearing, read_hearing_file
from hoering.services.outbox import send_outbox
from tests.support import EXAMPLES


def receipts(rt) -> list[OutboxMessage]:
    with rt.db.transaction() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "receipt")))


def test_the_receipt_is_rendered_after_the_commit(rt, sink):
    hid = open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
    recorded = answers.record_answer(rt, hid, kommune="Hjørring", option="pulje")
    [row] = receipts(rt)
    assert recorded.receipts == (row.id,)
    assert row.status == "pending" and "Kvittering" in row.subject and "/svar/" in row.raw
    assert row.sent_copy is not None and "/svar/[fjernet]" in row.sent_copy


def test_a_receipt_left_as_a_draft_by_a_killed_process_is_still_sent(rt, sink, monkeypatch):
    hid = open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
    send_outbox(rt)  # the invitations
    sink.received.clear()
    # the process "dies" right after the answer's commit, before the receipt is rendered
    monkeypatch.setattr(answers.notices, "fill_drafts", lambda rt, ids=None: 0)
    answers.record_answer(rt, hid, kommune="Hjørring", option="pulje")
    monkeypatch.undo()
    [row] = receipts(rt)
    assert row.status == DRAFT and row.subject == ""
    report = send_outbox(rt)
    assert report.sent == 1
    [mail] = sink.messages
    assert str(mail["Subject"]).startswith("Kvittering")
    [row] = receipts(rt)
    assert row.status == "sent" and row.message_id == mail["Message-ID"]
    assert "/svar/[fjernet]" in row.raw and row.sent_copy is None
