"""Every page the scale benchmark measures runs as many SQL statements with ten times the
history as with a little: more hearings, answer versions, meetings, cases and mails in the
database do not add statements to a page (no query per row of a list). Counted in-process on the
benchmark's own data set (``bench.scale_data``), built small."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.scale import API_TOKEN, NOW, pages, statements
from bench.scale_data import OPENED, build

from hoering.runtime import forget_databases
from tests.support import Clock, make_runtime


def _counts(tmp_path: Path, url: str, size: float) -> dict[str, int]:
    rt = make_runtime(tmp_path, url, Clock(OPENED), api_token=API_TOKEN)
    built = build(rt, size)
    rt.clock = lambda: NOW  # type: ignore[misc]
    counted = statements(rt, built)
    return {name: counted[path] for name, path in pages(built)}


@pytest.fixture
def second_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'larger.db'}"
    forget_databases()


def test_no_page_runs_more_statements_with_more_history(tmp_path: Path, sqlite_url: str, second_url: str) -> None:
    small = _counts(tmp_path / "small", sqlite_url, 0.002)  # 10 hearings, 4 meetings, 1 000 mails
    large = _counts(tmp_path / "large", second_url, 0.02)  # 100 hearings, 40 meetings, 10 000 mails
    grown = {name: (small[name], large[name]) for name in small if large[name] != small[name]}
    assert not grown, f"statements per page grew with the data (small, large): {grown}"


def test_the_outbox_page_counts_sent_mail_only_up_to_a_limit(tmp_path: Path, sqlite_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from hoering.views import outbox

    rt = make_runtime(tmp_path, sqlite_url, Clock(OPENED))
    build(rt, 0.002)  # 1 000 mails, nearly all sent
    monkeypatch.setattr(outbox, "SENT_COUNTED", 100)
    page = outbox.outbox_page(rt)
    assert (page.sent_total, page.sent_more, len(page.sent)) == (100, True, outbox.SENT_SHOWN)
    monkeypatch.setattr(outbox, "SENT_COUNTED", 10_000)
    page = outbox.outbox_page(rt)
    assert page.sent_total > 900 and not page.sent_more


def test_the_meetings_list_shows_each_bodys_latest_meetings(tmp_path: Path, sqlite_url: str) -> None:
    import re

    from bench.scale import login
    from fastapi.testclient import TestClient

    from hoering.web.app import create_app
    from hoering.web.console_meetings import MEETINGS_SHOWN

    rt = make_runtime(tmp_path, sqlite_url, Clock(OPENED))
    built = build(rt, 0.03)  # 60 meetings of DAS, every other day back from the planned one
    with TestClient(create_app(rt), follow_redirects=False) as client:
        login(client)
        text = client.get("/sekretariat/moeder").text
    shown = [int(m) for m in re.findall(r'href="/sekretariat/moede/(\d+)"', text)]
    assert len(shown) == MEETINGS_SHOWN and "De 40 seneste møder" in text
    assert shown[-1] == min(shown) != built.meeting_id  # the planned (latest) meeting is the first id, listed last


def test_a_meetings_page_runs_as_many_statements_with_fifteen_items_as_with_four(tmp_path: Path,
                                                                                sqlite_url: str) -> None:
    from bench.scale import counting, login
    from fastapi.testclient import TestClient

    from hoering.web.app import create_app

    rt = make_runtime(tmp_path, sqlite_url, Clock(OPENED))
    built = build(rt, 0.002)  # the planned meeting (id 1) has its standard items, each copy 15 cases
    counts = []
    with TestClient(create_app(rt), follow_redirects=False) as client:
        login(client)
        for meeting_id in (1, built.meeting_id):
            client.get(f"/sekretariat/moede/{meeting_id}")
            with counting(rt.db.engine) as seen:
                assert client.get(f"/sekretariat/moede/{meeting_id}").status_code == 200
            counts.append(len(seen))
    assert counts[0] == counts[1], f"statements with few items, with 15: {counts}"
