"""Issue 3: every template rendered with a real hearing of every kind; Danish dates and amounts."""

from __future__ import annotations

from collections import defaultdict
from email import message_from_string, policy

import pytest
from jinja2 import UndefinedError
from sqlalchemy import select

from hoering.db.models import OutboxMessage
from hoering.db.outbox import OutboxCopy
from hoering.definitions import load_yaml_text, validate
from hoering.domain.hearing import HearingDefinition
from hoering.mail.render import render
from hoering.services.answers import record_answer
from hoering.services.due import run_due_work
from hoering.services.hearings import change_deadline, close_hearing, open_hearing
from tests.support import EXAMPLES, JYFE_DEADLINE

KINDS = {
    "allocation": {},
    "choice": {"allocation": None, "rule": "majority_of_answers"},
    "consent": {"allocation": None, "options": None, "silence": "enig"},
    "interest": {"allocation": None, "options": None},
    "submission": {"allocation": None, "options": None},
}
ANSWER = {"allocation": ("udbetaling", None), "choice": ("pulje", None), "consent": ("indsigelse", None),
          "interest": ("ja", None),
          "submission": (None, "Vi stiller vores «Bo-trænings»-forløb & erfaringer til rådighed")}


def jyfe(**changes) -> HearingDefinition:
    data = load_yaml_text((EXAMPLES / "jyfe.yaml").read_text(), source="jyfe")
    data.update(changes)
    return validate(HearingDefinition, data, source="jyfe")


def test_every_template_for_every_kind(rt, clock, sqlite_url):
    ids = {}
    for kind, changes in KINDS.items():
        ids[kind] = open_hearing(rt, jyfe(kind=kind, title=f"Høring af arten {kind}", **changes))
        option, text = ANSWER[kind]
        record_answer(rt, ids[kind], kommune="Læsø", option=option, text=text, comment="Med <b>forbehold</b> & tak")
    later = JYFE_DEADLINE.replace(day=20)
    for hid in ids.values():
        change_deadline(rt, hid, deadline=later, reason="Generalforsamlingen er flyttet", reopen=False)
    clock.set(later.replace(day=15))  # P3D is Saturday 17 May, 16 May store bededag: so Thursday
    run_due_work(rt)
    clock.set(later.replace(hour=11))
    for hid in ids.values():
        close_hearing(rt, hid)

    seen = defaultdict(set)
    with rt.db.transaction() as s:
        rows = list(s.execute(select(OutboxMessage, OutboxCopy.raw).join(OutboxMessage.copy)))
    for row, stored in rows:
        msg = message_from_string(stored, policy=policy.default)
        text = msg.get_body(preferencelist=("plain",)).get_content()
        html = msg.get_body(preferencelist=("html",)).get_content()
        kind = next(k for k, i in ids.items() if i == row.hearing_id)
        seen[row.kind].add(kind)
        assert "Traceback" not in text and "None" not in text.replace("Nonne", "")
        if row.kind in ("invitation", "reminder"):
            assert "tirsdag den 13. maj 2014 kl. 12.00" in text or "tirsdag den 20. maj 2014 kl. 12.00" in text
        if row.kind == "deadline_changed":
            assert "tirsdag den 13. maj 2014 kl. 12.00" in text and "tirsdag den 20. maj 2014 kl. 12.00" in text
            assert "Generalforsamlingen er flyttet" in text
        if row.kind == "receipt":
            assert "Med <b>forbehold</b> & tak" in text
            assert "Med &lt;b&gt;forbehold&lt;/b&gt; &amp; tak" in html  # autoescaped
        if row.kind == "result":
            assert "Læsø" in text
            if kind == "allocation":
                assert "120.000,00 kr." in text and "Udbetales til Læsø: 10.909,10 kr." not in text
                assert "Samles i fælles pulje: 119." in text  # Læsø's population share goes out
            if kind == "consent":
                assert "tæller som «Kommunen kan tilslutte sig forslaget» (stiltiende accept)" in text
                assert "Forslaget er ikke vedtaget" in text
            if kind == "submission":
                assert "Bo-trænings" in text and "&laquo;" not in text
    for template in ("invitation", "reminder", "deadline_changed", "receipt", "result"):
        assert seen[template] == set(KINDS), template


def test_a_missing_variable_fails_loudly():
    with pytest.raises(UndefinedError):
        render("invitation", {"hearing": {"title": "x"}})
