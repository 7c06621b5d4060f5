"""The answer lane's held connection (issue 17: no pool checkout and no pre-ping per answer): a
connection lost while held (a database restart) is found by the answer's first statement and
the answer is recorded on a fresh one, once; an answer refused for its own reasons keeps the
connection. The event loop's reading connection (the answer page) is replaced the same way."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text

from hoering.db.held import HeldConnection
from hoering.db.models import Answer, AnswerToken
from hoering.errors import UnknownLink
from hoering.runtime import Runtime
from hoering.services.answers import record_answer_by_token
from hoering.services.audit_verify import verify_audit
from hoering.tokens import derive_token
from hoering.views.answer_page import answer_page
from tests.web.conftest import open_example


def a_token(rt: Runtime) -> str:
    with rt.db.read() as s:
        nonce = s.scalar(select(AnswerToken.nonce).order_by(AnswerToken.id).limit(1))
    return derive_token(rt.secret, nonce)


def lose(rt: Runtime, held: HeldConnection) -> None:
    """The held connection dies under the lane, as in a database restart."""
    raw = held._connection().connection.dbapi_connection
    if rt.db.is_postgres:
        with rt.db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": raw.info.backend_pid})
            other.commit()
    else:
        raw.close()


def versions(rt: Runtime) -> list[tuple[int, str]]:
    with rt.db.read() as s:
        return [(v, o) for v, o in s.execute(select(Answer.version, Answer.option).order_by(Answer.id))]


def test_an_answer_on_a_lost_connection_is_recorded_once_on_a_fresh_one(rt):
    open_example(rt)
    token, held = a_token(rt), HeldConnection(rt.db)
    record_answer_by_token(rt, token, option="pulje", held=held, fill_receipts=False)
    first, disconnects = held._connection(), []
    lose(rt, held)
    event.listen(rt.db.engine, "handle_error", lambda ctx: disconnects.append(ctx.is_disconnect))
    recorded = record_answer_by_token(rt, token, option="udbetaling", held=held, fill_receipts=False)
    assert disconnects == [True], "the lost connection was not used (the test tests nothing)"
    assert recorded.version == 2 and held._connection() is not first
    assert versions(rt) == [(1, "pulje"), (2, "udbetaling")]
    assert verify_audit(rt) == []
    held.close()


def test_a_refused_answer_keeps_the_connection(rt):
    open_example(rt)
    held = HeldConnection(rt.db)
    record_answer_by_token(rt, a_token(rt), option="pulje", held=held, fill_receipts=False)
    kept = held._connection()
    with pytest.raises(UnknownLink):
        record_answer_by_token(rt, "x" * 43, option="pulje", held=held)
    assert held._connection() is kept
    held.close()


def test_the_answer_page_on_a_lost_reading_connection_is_read_on_a_fresh_one(rt):
    open_example(rt)
    token, held = a_token(rt), HeldConnection(rt.db, reading=True)
    page = answer_page(rt, token, held=held)
    assert page is not None and page.latest is None
    record_answer_by_token(rt, token, option="pulje", fill_receipts=False)
    first, disconnects = held._connection(), []
    lose(rt, held)
    event.listen(rt.db.engine, "handle_error", lambda ctx: disconnects.append(ctx.is_disconnect))
    again = answer_page(rt, token, held=held)
    assert disconnects == [True], "the lost connection was not used (the test tests nothing)"
    assert again is not None and again.latest is not None and again.latest.option == "pulje"
    assert held._connection() is not first
    assert answer_page(rt, "x" * 43, held=held) is None and held._connection() is not first
    held.close()
