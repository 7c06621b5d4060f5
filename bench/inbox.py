"""inbox: replies read from a real Dovecot, classified and recorded (``read_inbox``: fetch, store
with SHA-256, move to the processed folder, classify, match, read, record with its receipt), in
messages per second, against the limit: a raw ``UID FETCH BODY.PEEK[]`` of the same messages
from the same server."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import KINDS, Result, fresh_database, postgres_missing
from bench.dovecot import dovecot_missing, running_dovecot

MESSAGES = 300


def raw_fetch_rate(server) -> float:  # type: ignore[no-untyped-def]
    from hoering.inbox.fetch import ImapConfig, connect, fetch_raw

    config = ImapConfig(host=server.host, port=server.imaps_port, username=server.user, password=server.password,
                        ca_file=server.ca_file, processed_folder=None)
    start = time.perf_counter()
    with connect(config) as box:
        uids = list(box.uids("ALL"))
        count = sum(1 for _ in fetch_raw(box, uids))
    elapsed = time.perf_counter() - start
    assert count == MESSAGES, count
    return count / elapsed


def run() -> Result:
    result = Result("inbox", f"inbox: {MESSAGES} replies from Dovecot, classified and recorded")
    missing = dovecot_missing()
    if missing:
        result.notes.append(f"skipped: {missing}")
        return result
    from tests.inbox.support import FAR_DEADLINE, JYFE_OPTIONS, Mailbox, imap_settings, plain_replies
    from tests.support import Clock, jyfe, make_runtime

    from hoering.services.hearings import open_hearing
    from hoering.services.inbox import read_inbox

    for kind in KINDS:
        if kind == "postgres" and (why := postgres_missing()):
            result.notes.append(f"postgres skipped: {why}")
            continue
        with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, Path(tmp)) as url, \
                running_dovecot() as server:
            mailbox = Mailbox(server)
            rt = make_runtime(Path(tmp), url, Clock(datetime.now(UTC)), **imap_settings(server))
            hid = open_hearing(rt, jyfe(options=JYFE_OPTIONS, deadline=FAR_DEADLINE))
            raws, _ = plain_replies(rt, hid, MESSAGES)
            mailbox.append(list(raws.values()))
            limit = max(raw_fetch_rate(server) for _ in range(3))
            start = time.perf_counter()
            report = read_inbox(rt)
            elapsed = time.perf_counter() - start
            assert report.by_status.get("recorded") == MESSAGES, report
            result.add(f"read_inbox, {kind}", MESSAGES / elapsed, "msg/s", "raw IMAP fetch", limit,
                       higher_is_better=True, note="fetch+store+move+classify+record, receipt reserved")
    result.notes.append("The limit only fetches; read_inbox also stores each message in its own commit, "
                        "moves it on the server, and records each answer (reserving its receipt) in a transaction.")
    return result
