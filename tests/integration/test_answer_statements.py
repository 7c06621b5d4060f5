"""Issue 17 (POST /svar/{token}): every answer to a hearing waits for the one before it to
commit, so the statements an answer runs under the hearing's lock are counted here: the link's
statement takes the lock, then the previous version with its files, the answer, and the audit
chain's head and entry (one statement on PostgreSQL). A receipt adds its rate check, its
contacts (one statement), which of their keys are queued already (one) and the drafts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select

from hoering.db.held import HeldConnection
from hoering.db.models import AnswerToken
from hoering.runtime import Runtime
from hoering.services.answers import record_answer_by_token
from hoering.tokens import derive_token
from tests.web.conftest import open_example


@contextmanager
def counted(rt: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split())[:80])

    event.listen(rt.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", count)


def test_an_answer_takes_a_few_statements(rt):
    open_example(rt)
    with rt.db.read() as s:
        nonces = list(s.scalars(select(AnswerToken.nonce).order_by(AnswerToken.id).limit(1)))
    token, held = derive_token(rt.secret, nonces[0]), HeldConnection(rt.db)
    begin = 0 if rt.db.is_postgres else 1  # SQLite's BEGIN IMMEDIATE is a statement of ours
    audit = 2 if rt.db.is_postgres else 3  # the head, then the entry with the head's move
    try:
        with counted(rt) as first:
            record_answer_by_token(rt, token, option="pulje", held=held, fill_receipts=False)
        with counted(rt) as same:
            record_answer_by_token(rt, token, option="pulje", held=held, fill_receipts=False)
    finally:
        held.close()
    assert len(same) == begin + 3 + audit, "\n".join(same)  # link + lock, previous, the answer
    drafts = 1 if rt.db.is_postgres else 2  # the ORM inserts both in one statement on PostgreSQL only
    drafts += 1  # their notes (outbox_unsent, the messages out of the outbox row), both in one statement
    receipts = 1 + 1 + 1 + drafts  # the rate check, the two contacts, their keys queued already, the drafts
    assert len(first) == len(same) + receipts, "\n".join(first)
