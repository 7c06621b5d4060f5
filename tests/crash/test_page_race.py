"""Answers through the answer page racing the close, on PostgreSQL: ``hoering web`` in its own
process takes POST /svar/{token} from one thread per contact's link while the test closes
the hearing. Every POST is either stored (303) and in the frozen result, or refused (409); none
lost, none counted twice."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from bench.web_process import running_web
from sqlalchemy import select

from hoering.db.models import Answer, AnswerToken, Hearing, HearingRecipient, Kommune
from hoering.mail.sink import free_port
from hoering.services.hearings import close_hearing, open_hearing, read_hearing_file
from hoering.tokens import derive_token
from hoering.views.result import hearing_result
from tests.crash.conftest import hoering_env
from tests.support import EXAMPLES, Clock, make_runtime, postgres_available, postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
AT = "2014-05-01T10:00"  # the JYFE hearing is open


def post_until_refused(base: str, token: str, hid: int, started: threading.Barrier) -> list[tuple[str, int]]:
    """(comment, status) of each POST; the last one is the refusal."""
    out = []
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get(f"/svar/{token}")
        field = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert page.status_code == 200 and field
        started.wait()
        for i in range(10_000):
            comment = f"{token[:10]}-{i}"
            r = client.post(f"/svar/{token}", data={"csrf": field.group(1), "hearing": str(hid),
                                                     "option": ("pulje", "udbetaling")[i % 2], "comment": comment})
            assert r.status_code in (303, 409), (r.status_code, r.text[:300])
            out.append((comment, r.status_code))
            if r.status_code == 409:
                return out
    raise AssertionError("the hearing was never closed")


def test_page_answers_race_the_close(tmp_path):
    if reason := postgres_available():
        pytest.skip(reason)
    with postgres_database() as url:
        rt = make_runtime(tmp_path, url, Clock())
        hid = open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
        with rt.db.transaction() as s:
            tokens = {derive_token(rt.secret, t.nonce): t.recipient.kommune.code
                      for t in s.scalars(select(AnswerToken))}
        port = free_port()
        env = hoering_env(tmp_path, url, 1)
        with running_web(env, port, at=AT) as base:
            started = threading.Barrier(len(tokens) + 1)
            with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
                futures = {code: pool.submit(post_until_refused, base, token, hid, started)
                           for token, code in tokens.items()}
                started.wait()
                time.sleep(1.5)
                close_hearing(rt, hid, force=True)
                posts = [(code, comment, status) for code, f in futures.items() for comment, status in f.result()]

        with rt.db.transaction() as s:
            hearing = s.get(Hearing, hid)
            rows = s.execute(select(Kommune.code, Answer.version, Answer.comment)
                             .join(HearingRecipient, HearingRecipient.id == Answer.recipient_id)
                             .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                             .where(Answer.hearing_id == hid)).all()
        stored = [(code, comment) for code, _, comment in rows]
        accepted = [(code, comment) for code, comment, status in posts if status == 303]
        refused = [(code, comment) for code, comment, status in posts if status == 409]
        result = hearing_result(rt, hid).as_json()  # the stored record, with the answers' content
        assert hearing.status == "closed" and result["frozen"] is True
        assert sorted(stored) == sorted(accepted), "the stored answers are not exactly the accepted POSTs"
        assert len(refused) == len(tokens)
        versions: dict[int, list[int]] = defaultdict(list)
        latest: dict[int, tuple[int, str]] = {}
        for code, version, comment in rows:
            versions[code].append(version)
            latest[code] = max(latest.get(code, (0, "")), (version, comment))
        lines = {line["code"]: line for line in result["lines"]}
        for code, line in lines.items():
            assert sorted(versions[code]) == list(range(1, len(versions[code]) + 1))
            assert line["versions"] == len(versions[code])
            if versions[code]:
                assert line["status"] == "answered" and line["answer"]["comment"] == latest[code][1]
        per_kommune = Counter(code for code, _ in accepted)
        print(f"\n[page race] {len(posts)} POSTs from {len(tokens)} threads to hoering web: {len(accepted)} "
              f"stored (303) and in the result, {len(refused)} refused (409) after close, 0 lost, 0 twice; "
              f"per kommune {sorted(per_kommune.values())}")
