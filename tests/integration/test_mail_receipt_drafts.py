"""Issue 17: a receipt is reserved in the answer's transaction and rendered after the commit
(outside the writer's lock). A process killed in between loses no receipt: the row stays a
draft, the sender renders it before it claims, and it arrives like any other receipt."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hoering.db.outbox import OutboxMessage
from hoering.mail.outbox import DRAFT
from hoering.services import answers
from hoering.services.hearings import open_hearing, read_hearing_file
from hoering.services.outbox import send_outbox
from tests.support import EXAMPLES


def receipts(rt) -> list[OutboxMessage]:
    with rt.db.transaction() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "receipt")
                              .options(selectinload(OutboxMessage.unsent), selectinload(OutboxMessage.copy))))


def test_the_receipt_is_rendered_after_the_commit(rt, sink):
    hid = open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
    recorded = answers.record_answer(rt, hid, kommune="Hjørring", option="pulje")
    [row] = receipts(rt)
    assert recorded.receipts == (row.id,)
    assert row.status == "pending" and "Kvittering" in row.subject
    assert row.unsent is not None and "/svar/" in row.unsent.raw and "[fjernet]" not in row.unsent.raw
    assert row.copy is not None and "/svar/[fjernet]" in row.copy.raw


def test_a_receipt_left_as_a_draft_by_a_killed_process_is_still_sent(rt, sink, monkeypatch):
    hid = open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
    send_outbox(rt)  # the invitations
    sink.received.clear()
    # the process "dies" right after the answer's commit, before the receipt is rendered
    monkeypatch.setattr(answers.notices, "fill_drafts", lambda rt, ids=None: 0)
    answers.record_answer(rt, hid, kommune="Hjørring", option="pulje")
    monkeypatch.undo()
    [row] = receipts(rt)
    assert row.status == DRAFT and row.subject == "" and row.copy is None
    report = send_outbox(rt)
    assert report.sent == 1
    [mail] = sink.messages
    assert str(mail["Subject"]).startswith("Kvittering")
    [row] = receipts(rt)
    assert row.status == "sent" and row.message_id == mail["Message-ID"]
    assert row.copy is not None and "/svar/[fjernet]" in row.copy.raw and row.unsent is None
