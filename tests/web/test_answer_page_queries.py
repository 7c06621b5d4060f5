"""Issue 17 item 2: GET /svar/{token} is built from the answer-page view in a bounded, small
number of SQL statements, whatever the number of answer versions (no lazy loads one by one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import event

from hoering.runtime import Runtime
from hoering.services.hearings import close_hearing
from hoering.views.answer_page import answer_page
from hoering.web.app import create_app
from tests.support import JYFE_DEADLINE
from tests.web.conftest import csrf_of, invitation_links, open_example, path_of, web_runtime

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


def test_many_re_answers_still_show_the_latest_and_the_one_that_counts(tmp_path, database_url, clock, smtp,
                                                                        password_hash, sink):
    """Only two versions are read (the newest, the newest on time), whatever the history: with
    three answers on time and three late ones, the page names the late latest and counts the
    third; once closed, the record says the same. On both databases."""
    web_rt = web_runtime(tmp_path, database_url, clock, smtp, password_hash)
    client = TestClient(create_app(web_rt), follow_redirects=False)
    hid = open_example(web_rt)
    path = path_of(invitation_links(web_rt, sink)[DIRECTOR])
    token = path.rsplit("/", 1)[1]
    options = ("udbetaling", "pulje", "pulje", "udbetaling", "udbetaling", "udbetaling")
    for n, option in enumerate(options):
        if n == 3:
            clock.set(JYFE_DEADLINE + timedelta(hours=1))
        page = client.get(path).text
        assert client.post(path, data={"csrf": csrf_of(page), "hearing": str(hid),
                                       "option": option}).status_code == 303
    for closed in (False, True):
        if closed:
            close_hearing(web_rt, hid)
        view = answer_page(web_rt, token)
        assert view is not None and view.state == ("closed" if closed else "late")
        assert view.latest is not None and (view.latest.version, view.latest.late) == (6, True)
        assert view.counted is not None and (view.counted.version, view.counted.option) == (3, "pulje")
