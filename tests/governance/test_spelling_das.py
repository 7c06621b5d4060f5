"""The spelling gate on the DAS meeting of 15 March 2021: every mail of the cycle (subject and
plain part), the agenda and the minutes (PDF text) pass hunspell-da, apart from the names and terms
in tests/spelling_wordlist.txt."""

from __future__ import annotations

from hoering.services.documents import meeting_document
from tests.governance.das2021 import queued_messages
from tests.governance.test_documents import needs_pdftotext, pdf_text
from tests.spelling import needs_hunspell, unknown_words


@needs_hunspell
@needs_pdftotext
def test_the_das_mails_agenda_and_minutes_are_danish(das2021):
    replay, _ = das2021
    texts = []
    for m in queued_messages(replay.rt):
        body = m.get_body(("plain",))
        texts += [str(m["Subject"]), body.get_content() if body else ""]
    assert len(texts) > 40
    for mode in ("agenda", "minutes"):
        texts.append(pdf_text(meeting_document(replay.rt, replay.das, mode=mode, fmt="pdf")))
    unknown = unknown_words(texts)
    assert unknown == [], ", ".join(unknown)
