"""Answers racing the close, on PostgreSQL: 11 kommuner answer over and over from many threads
(half as the secretariat, half through the kommune's link on a held connection, whose first
statement takes the hearing's lock) while another thread closes the hearing. Every answer is
either counted in the frozen result or refused as after-close; none is lost and none is counted
twice."""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from hoering.db.held import HeldConnection
from hoering.db.models import Answer, AnswerToken, Hearing, HearingRecipient, Kommune
from hoering.db.session import Database
from hoering.errors import HearingClosedError
from hoering.runtime import Runtime
from hoering.services.answers import record_answer, record_answer_by_token
from hoering.services.hearings import close_hearing, open_hearing, read_hearing_file
from hoering.tokens import derive_token
from hoering.views.result import hearing_result
from tests.support import EXAMPLES, Clock, make_runtime, postgres_available, postgres_database

CODES = [851, 810, 813, 860, 849, 825, 846, 773, 840, 787, 820]
THREADS_PER_KOMMUNE = 2
ROUNDS = 3

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@dataclass(frozen=True)
class Attempt:
    code: int
    comment: str
    option: str
    version: int | None  # None: refused as after-close


def answer_until_refused(rt: Runtime, hid: int, code: int, worker: int, started: threading.Barrier) -> list[Attempt]:
    rng = random.Random()
    attempts: list[Attempt] = []
    token, held = (link_of(rt, hid, code), HeldConnection(rt.db)) if worker % 2 else (None, None)
    started.wait()
    try:
        for i in range(10_000):
            option, comment = rng.choice(["pulje", "udbetaling"]), f"{code}-{worker}-{i}"
            try:
                if token is None:
                    recorded = record_answer(rt, hid, kommune=code, option=option, comment=comment)
                else:
                    recorded = record_answer_by_token(rt, token, option=option, comment=comment, held=held,
                                                      fill_receipts=False)
            except HearingClosedError:
                attempts.append(Attempt(code, comment, option, None))
                return attempts
            attempts.append(Attempt(code, comment, option, recorded.version))
    finally:
        if held is not None:
            held.close()
    raise AssertionError("the hearing was never closed")


def link_of(rt: Runtime, hid: int, code: int) -> str:
    with rt.db.read() as s:
        nonce = s.scalar(select(AnswerToken.nonce).join(HearingRecipient)
                         .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                         .where(HearingRecipient.hearing_id == hid, Kommune.code == code).limit(1))
    assert nonce is not None
    return derive_token(rt.secret, nonce)


def close_after(rt: Runtime, hid: int, delay: float, started: threading.Barrier) -> None:
    started.wait()
    threading.Event().wait(delay)
    close_hearing(rt, hid, force=True)


def test_answers_race_the_close(tmp_path):
    if reason := postgres_available():
        pytest.skip(reason)
    with postgres_database() as url:
        base = make_runtime(tmp_path, url, Clock())
        threads = len(CODES) * THREADS_PER_KOMMUNE
        rt = Runtime(settings=base.settings, db=Database(url, pool_size=threads + 2), clock=base.clock)
        definition = read_hearing_file(EXAMPLES / "jyfe.yaml")
        try:
            for round_ in range(ROUNDS):
                race_once(rt, open_hearing(rt, definition, again=True), delay=(0.5, 1.5, 3.0)[round_], threads=threads)
        finally:
            rt.db.dispose()


def race_once(rt: Runtime, hid: int, *, delay: float, threads: int) -> None:
    started = threading.Barrier(threads + 1)
    with ThreadPoolExecutor(max_workers=threads + 1) as pool:
        closer = pool.submit(close_after, rt, hid, delay, started)
        futures = [pool.submit(answer_until_refused, rt, hid, code, w, started)
                   for code in CODES for w in range(THREADS_PER_KOMMUNE)]
        attempts = [a for f in futures for a in f.result()]
        closer.result()

    accepted = [a for a in attempts if a.version is not None]
    refused = [a for a in attempts if a.version is None]
    with rt.db.transaction() as s:
        hearing = s.get(Hearing, hid)
        rows = s.execute(select(Kommune.code, Answer.version, Answer.option, Answer.comment)
                         .join(HearingRecipient, HearingRecipient.id == Answer.recipient_id)
                         .join(Kommune, Kommune.id == HearingRecipient.kommune_id)
                         .where(Answer.hearing_id == hid)).all()
    result = hearing_result(rt, hid).as_json()  # the stored record, with the answers' content
    assert hearing.status == "closed" and result["frozen"] is True
    stored = {(code, version, option, comment) for code, version, option, comment in rows}
    # none lost, none invented, none stored twice: the rows are exactly the accepted answers
    assert len(rows) == len(stored) == len(accepted)
    assert stored == {(a.code, a.version, a.option, a.comment) for a in accepted}
    assert not {a.comment for a in refused} & {c for *_, c in rows}
    # every kommune's versions run 1..n with no gap, and the result counts the latest, once
    by_code: dict[int, list[Attempt]] = defaultdict(list)
    for a in accepted:
        by_code[a.code].append(a)
    lines = {line["code"]: line for line in result["lines"]}
    for code in CODES:
        versions = sorted(a.version for a in by_code[code])
        assert versions == list(range(1, len(versions) + 1)), code
        line = lines[code]
        assert line["versions"] == len(versions)
        if versions:
            latest = max(by_code[code], key=lambda a: a.version)
            assert line["status"] == "answered" and line["answer"]["option"] == latest.option
            assert line["answer"]["comment"] == latest.comment
        else:
            assert line["status"] == "silent"
    counted = Counter(line["counted_as"] for line in result["lines"] if line["status"] == "answered")
    assert result["answered"] == sum(counted.values()) == sum(1 for c in CODES if by_code[c])
    assert {k: v for k, v in result["counts"].items() if v} == dict(counted)
    print(f"\n[race] hearing {hid}: {len(attempts)} answers from {threads} threads, {len(accepted)} "
          f"counted (latest per kommune in the result), {len(refused)} refused after close, 0 lost, "
          f"0 twice; versions per kommune {[len(by_code[c]) for c in CODES]}")
