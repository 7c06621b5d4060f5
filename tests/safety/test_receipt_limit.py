"""Item 7: receipts only when the answer changed, at most a few per contact per hour; every POST
is still stored as a version. Over real HTTP against ``hoering web`` in its own process."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from hoering.db.models import Answer, AnswerToken, AuditEntry, OutboxMessage
from hoering.services.answers import RECEIPTS_PER_CONTACT_PER_HOUR, record_answer
from hoering.tokens import derive_token
from tests.safety.conftest import csrf_of, hoering_web
from tests.support import make_runtime
from tests.web.conftest import open_example


def receipts(rt) -> int:
    with rt.db.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "receipt"))


def test_many_posts_to_one_link_send_few_receipts(tmp_path, sqlite_url, clock):
    rt = make_runtime(tmp_path, sqlite_url, clock)
    hid = open_example(rt)  # director and deputy: two contacts per kommune
    with rt.db.read() as s:
        nonce = s.scalars(select(AnswerToken.nonce)).first()
    token = derive_token(rt.secret, nonce)
    with hoering_web(rt, tmp_path, at="2014-05-01T10:00") as base, \
            httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        field = csrf_of(client.get(f"/svar/{token}").text)

        def post(option: str, comment: str) -> None:
            r = client.post(f"/svar/{token}", data={"csrf": field, "hearing": str(hid), "option": option,
                                                     "comment": comment})
            assert r.status_code == 303

        for _ in range(100):
            post("pulje", "samme svar")
        assert receipts(rt) == 2, "the same answer again must not send another receipt"
        for i in range(100):
            post(("pulje", "udbetaling")[i % 2], f"ændret {i}")
    assert receipts(rt) == 2 * RECEIPTS_PER_CONTACT_PER_HOUR
    with rt.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 200
        reasons = dict(s.execute(select(AuditEntry.details["receipt"].as_string(), func.count())
                                 .where(AuditEntry.action == "answer.recorded")
                                 .group_by(AuditEntry.details["receipt"].as_string())).tuples().all())
    assert reasons == {"sent": 3, "unchanged": 99, "limited": 98}


def test_the_hour_passes_and_receipts_come_again(tmp_path, sqlite_url, clock):
    rt = make_runtime(tmp_path, sqlite_url, clock)
    hid = open_example(rt)
    for i in range(5):
        record_answer(rt, hid, kommune="Læsø", option="pulje", comment=f"v{i}")
    assert receipts(rt) == 2 * RECEIPTS_PER_CONTACT_PER_HOUR
    clock.advance(minutes=61)
    record_answer(rt, hid, kommune="Læsø", option="udbetaling")
    record_answer(rt, hid, kommune="Hjørring", option="pulje")
    assert receipts(rt) == 2 * RECEIPTS_PER_CONTACT_PER_HOUR + 4
