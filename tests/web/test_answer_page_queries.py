"""Issue 17 item 2: GET /svar/{token} is built from the answer-page view in a bounded, small
number of SQL statements, whatever the number of answer versions (no lazy loads one by one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from hoering.runtime import Runtime
from tests.web.conftest import csrf_of, invitation_links, open_example, path_of

DIRECTOR = "socialdirektoer@hjoerring.kommune.example"
#: BEGIN, the token row joined with its person, recipient, kommune, hearing, body and bilag, and the
#: answers with their files (before issue 17: 7 lazy loads
#: plus one file query per answer version, 7 + n)
MAX_STATEMENTS = 3


@contextmanager
def counted(rt: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(rt.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", count)


def test_the_answer_page_takes_a_few_statements(web_rt, sink, client):
    hid = open_example(web_rt)
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    counts: list[int] = []
    answer = {"csrf": None, "option": "pulje", "hearing": str(hid)}
    for option in ("udbetaling", "pulje", "udbetaling"):
        answer.update(csrf=csrf_of(client.get(path).text), option=option)
        assert client.post(path, data=answer).status_code == 303
        with counted(web_rt) as statements:
            assert client.get(path).status_code == 200
        counts.append(len(statements))
        assert len(statements) <= MAX_STATEMENTS, "\n".join(statements)
    assert counts[0] == counts[-1], f"more answer versions cost more statements: {counts}"
