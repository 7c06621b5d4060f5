"""The spelling gate on the JYFE hearing: every mail queued for it (subject and plain part) and
its høringsnotat (PDF text) pass hunspell-da, apart from tests/spelling_wordlist.txt."""

from __future__ import annotations

from email import message_from_string, policy

from sqlalchemy import select

from hoering.db.outbox import OutboxCopy, OutboxUnsent
from hoering.services.hearing_reports import write_notat
from tests.reports.test_notat import needs_pdftotext, pdf_text
from tests.spelling import needs_hunspell, unknown_words


def mail_texts(rt) -> list[str]:
    with rt.db.read() as s:  # the stored copy where there is one, else the message still to send
        by_id = dict(s.execute(select(OutboxUnsent.outbox_id, OutboxUnsent.raw)).tuples().all())
        by_id.update(s.execute(select(OutboxCopy.outbox_id, OutboxCopy.raw)).tuples().all())
    texts = []
    for raw in by_id.values():
        m = message_from_string(raw, policy=policy.default)
        body = m.get_body(("plain",))
        texts += [str(m["Subject"]), body.get_content() if body else ""]  # type: ignore[union-attr]
    return texts


@needs_hunspell
@needs_pdftotext
def test_the_jyfe_mails_and_notat_are_danish(jyfe, tmp_path):
    mails = mail_texts(jyfe.rt)
    assert len(mails) >= 2 * 11  # the invitations at least
    notat = pdf_text(write_notat(jyfe.rt, jyfe.mixed, "pdf"), tmp_path)
    assert unknown_words([notat, *mails]) == []
