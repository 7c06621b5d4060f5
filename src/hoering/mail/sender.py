"""The outbox sender: claim due rows, send them over a few reused SMTP connections, mark each.

Safe with two senders at once: a row is claimed (``pending`` → ``sending``) in a short
transaction before it is sent (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer
at a time), so no row is sent by both. A row is marked ``sent`` in a transaction right after the
server accepted it (a group commit of the rows accepted since the previous one, see
:class:`_Marker`). A sender killed between the two leaves its rows ``sending``; when the lease
expires they return to ``pending`` and go out again with the same Message-ID: only the messages
in flight at the crash can arrive twice.

The claims and marks run on a thread of the sender's own, on one connection it holds for the
run (:class:`_DatabaseThread`): the event loop that drives the SMTP connections never waits for
a commit, the next batch is claimed while the current one is sent, and a mark is one Core
statement for its batch instead of a session, a pool checkout, a pre-ping and a statement per
row.

The sender knows nothing of hearings or people: a message that fails for good is handed to the
``on_undeliverable`` callback it was given (``services.outbox`` gives it the notice to the
secretariat), inside the transaction that marks it failed; and it renders reserved ``draft``
rows (receipts) through the ``fill_drafts`` callback before it claims.

A claimed message gets its personal links' tokens as it is claimed (``mail.links.with_tokens``:
the queued message holds placeholders), so the working links exist only in the sender's memory
and in the mail that leaves.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any, TypeVar

from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hoering.db.outbox import OutboxMessage, claim_due, mark_sent, not_sent
from hoering.db.session import Database
from hoering.mail import smtp
from hoering.mail.links import with_tokens
from hoering.runtime import Runtime
from hoering.tokens import address_for

Connect = Callable[[], Awaitable[smtp.Connection]]
Progress = Callable[[int], None]
OnUndeliverable = Callable[[Session, int], object]  # (session, outbox id), in the failing transaction
FillDrafts = Callable[[], object]  # renders the reserved (draft) rows, so that they can be claimed
A = TypeVar("A")
R = TypeVar("R")


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    reclaimed: int = 0
    held: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Claimed:
    id: int
    to_addr: str
    attempts: int
    raw: str  # as it goes out: with its personal links' tokens


class OutboxSender:
    def __init__(self, rt: Runtime, *, connect: Connect | None = None, lease: timedelta | None = None,
                 batch: int | None = None, on_undeliverable: OnUndeliverable | None = None,
                 fill_drafts: FillDrafts | None = None) -> None:
        self.rt = rt
        self.on_undeliverable = on_undeliverable
        self.fill_drafts = fill_drafts
        self.settings = rt.settings
        self.connect = connect or (lambda: smtp.connect(self.settings))
        self.lease = lease or timedelta(seconds=self.settings.outbox_lease_seconds)
        self.connections = self.settings.smtp_connections
        self.batch = batch or self.connections * 16
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.envelope_from = parseaddr(self.settings.mail_from)[1]
        self.bounce_template = self.settings.bounce_address
        self._secret: bytes | None = None

    @property
    def secret(self) -> bytes:
        """Read once, when a bounce address or a personal link first needs it."""
        if self._secret is None:
            self._secret = self.rt.secret
        return self._secret

    def envelope_for(self, row_id: int) -> str:
        """The envelope sender: the per-row bounce address (VERP) when HOERING_BOUNCE_ADDRESS is
        set, so a bounce names the row it belongs to; otherwise the From address."""
        if self.bounce_template:
            return address_for(self.bounce_template, self.secret, "o", row_id)
        return self.envelope_from

    # -- the database side -------------------------------------------------------------------

    def reclaim_expired(self) -> int:
        """Rows a dead sender left ``sending`` go back to ``pending`` once the lease is over."""
        cutoff = self.rt.now() - self.lease
        with self.rt.db.transaction() as s:
            result = s.execute(update(OutboxMessage)
                               .where(not_sent(), OutboxMessage.status == "sending",
                                      OutboxMessage.claimed_at < cutoff)
                               .values(status="pending", claimed_by=None))
            return int(getattr(result, "rowcount", 0) or 0)

    def claim(self, conn: Connection, limit: int) -> list[Claimed]:
        """Claim up to ``limit`` due rows in one statement (``UPDATE … RETURNING``), each message
        with its tokens put in."""
        return [Claimed(i, to, attempts, with_tokens(raw, links, self.secret) if links else raw)
                for i, to, attempts, raw, links in claim_due(conn, worker=self.worker, now=self.rt.now(),
                                                             limit=limit)]

    def mark_sent_many(self, conn: Connection, accepted: list[tuple[Claimed, str]]) -> None:
        """Mark rows the server has accepted (their unsent message goes; the stored copy, made
        with its answer links redacted at queue time, stays)."""
        mark_sent(conn, worker=self.worker, now=self.rt.now(), rows=[(row.id, reply) for row, reply in accepted])

    def mark_failed(self, row: Claimed, failure: smtp.Failure) -> str:
        attempts = row.attempts + 1
        now = self.rt.now()
        permanent = failure.permanent or attempts >= self.settings.smtp_max_attempts
        with self.rt.db.transaction() as s:
            values: dict[str, object] = {"attempts": attempts, "last_error": failure.reply, "claimed_by": None}
            if permanent:
                values.update(status="failed", smtp_reply=failure.reply)
            else:
                values.update(status="pending", next_attempt_at=now + self.backoff(attempts))
            s.execute(update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.claimed_by == self.worker)
                      .values(**values))
            if permanent and self.on_undeliverable is not None:
                self.on_undeliverable(s, row.id)
        return "failed" if permanent else "retrying"

    def hold(self, row: Claimed, reason: str) -> None:
        """Forced TLS refused the connection: the row goes back to pending (not the message's
        fault, so no attempt is counted and it never turns ``failed``), retried after a pause,
        with the reason shown by ``hoering outbox status``."""
        with self.rt.db.transaction() as s:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.claimed_by == self.worker)
                      .values(status="pending", claimed_by=None, last_error=reason,
                              next_attempt_at=self.rt.now() + self.backoff(row.attempts + 1)))

    def backoff(self, attempts: int) -> timedelta:
        base = self.settings.smtp_backoff_seconds * (2 ** (attempts - 1))
        return timedelta(seconds=min(base, 3600) * random.uniform(0.5, 1.5))

    def next_retry_at(self) -> datetime | None:
        with self.rt.db.transaction() as s:
            return s.scalar(select(OutboxMessage.next_attempt_at)
                            .where(not_sent(), OutboxMessage.status == "pending")
                            .order_by(OutboxMessage.next_attempt_at)
                            .limit(1))

    # -- the SMTP side -----------------------------------------------------------------------

    async def send_due(self, *, progress: Progress | None = None, wait_for_retries: float = 0.0) -> SendReport:
        """Send every due row; with ``wait_for_retries`` > 0, also wait (that many seconds at
        most) for retries that fall due meanwhile."""
        report = SendReport(reclaimed=self.reclaim_expired())
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + wait_for_retries
        while True:
            if self.fill_drafts is not None:  # drafts a killed process left unrendered
                self.fill_drafts()
            await self._drain(report, progress)
            upcoming = self.next_retry_at()
            if upcoming is None or wait_for_retries <= 0:
                break
            delay = max(0.0, (upcoming - self.rt.now()).total_seconds())
            if loop.time() + delay > give_up_at:
                break
            await asyncio.sleep(delay)
        report.retrying = self.count("pending")
        return report

    def count(self, status: str) -> int:
        """How many rows are in ``status``, a state before ``sent`` (``pending``, ``sending``, ``failed``)."""
        with self.rt.db.transaction() as s:
            return s.scalar(select(func.count()).select_from(OutboxMessage)
                            .where(not_sent(), OutboxMessage.status == status)) or 0

    async def _drain(self, report: SendReport, progress: Progress | None) -> None:
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue(maxsize=self.batch)
        db = _DatabaseThread(self.rt.db)
        marker = _Marker(self, db, report, progress)
        marking = asyncio.create_task(marker.run())
        feeding = asyncio.create_task(self._feed(db, queue))
        workers = [asyncio.create_task(self._worker(queue, report, progress, marker))
                   for _ in range(self.connections)]
        sending = asyncio.gather(feeding, *workers)
        watched: list[asyncio.Future[Any]] = [sending, marking]
        try:
            # marking ends only when closed: done before that, it failed (and workers may be
            # waiting for room it will never make)
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            if marking.done():
                marking.result()
            sending.result()
            marker.close()
            await marking
        finally:
            for task in (feeding, *workers, marking):
                task.cancel()
            db.close()

    async def _feed(self, db: _DatabaseThread, queue: asyncio.Queue[Claimed | None]) -> None:
        # the queue holds one batch: the next is claimed while the workers send this one
        while rows := await db.write(self.claim, self.batch):
            for row in rows:
                await queue.put(row)
        for _ in range(self.connections):
            await queue.put(None)

    async def _worker(self, queue: asyncio.Queue[Claimed | None], report: SendReport,
                      progress: Progress | None, marker: _Marker) -> None:
        conn: smtp.Connection | None = None
        try:
            while (row := await queue.get()) is not None:
                if marker.full:
                    await marker.wait_for_room()
                try:
                    if conn is None or not conn.is_connected:
                        conn = await self.connect()
                    _, reply = await conn.sendmail(self.envelope_for(row.id), [row.to_addr], row.raw)
                except smtp.TlsRequired as exc:
                    self.hold(row, str(exc))
                    report.held += 1
                    if len(report.errors) < 5:
                        report.errors.append(f"{row.to_addr}: held, {exc}")
                    conn = None
                except Exception as exc:
                    failure = smtp.classify(exc)
                    state = self.mark_failed(row, failure)
                    if state == "failed":
                        report.failed += 1
                        report.errors.append(f"{row.to_addr}: {failure.reply}")
                    await _discard(conn)
                    conn = None
                    if progress:
                        progress(1)
                else:
                    marker.add(row, f"250 {reply}".strip())
        finally:
            await _discard(conn, polite=True)


class _Marker:
    """Marks accepted rows ``sent`` on the database thread, so that SMTP sending goes on while a
    commit waits for the disk; each commit marks every row accepted since the previous one.

    The rows accepted but not yet committed are capped (``UNMARKED`` per SMTP connection): a
    worker waits before its next message while the cap is reached. Without it a faster sender
    let more rows pile up behind a slow commit, and a kill re-sent them all; with it a
    kill re-sends at most the capped rows plus one message per connection.

    Within the cap, a commit waits for a row per connection (``batch``), or the cap, or ``GATHER``
    seconds: a commit costs about as much CPU as the rows it marks together, and committing each
    row or two alone (as soon as the previous commit ended) made the marks most of what the
    sender spends beyond sending. The wait is short and the cap unchanged, so a kill re-sends
    about as many rows as before (tests/crash/test_sender_kill.py). The old 10 ms gather without
    a cap re-sent 15-25 rows per kill."""

    GATHER = 0.005
    UNMARKED = 2

    def __init__(self, sender: OutboxSender, db: _DatabaseThread, report: SendReport,
                 progress: Progress | None) -> None:
        self.sender, self.db, self.report, self.progress = sender, db, report, progress
        self.accepted: list[tuple[Claimed, str]] = []
        self.wake = asyncio.Event()
        self.closed = False
        self.limit = self.UNMARKED * sender.connections
        self.batch = sender.connections
        self.unmarked = 0  # accepted by the server, not yet committed as sent
        self.room = asyncio.Event()
        self.room.set()

    def add(self, row: Claimed, reply: str) -> None:
        self.accepted.append((row, reply))
        self.unmarked += 1
        if self.unmarked >= self.limit:
            self.room.clear()
        if len(self.accepted) == 1 or len(self.accepted) >= self.batch or self.full:  # what _gather waits for
            self.wake.set()

    @property
    def full(self) -> bool:
        return self.unmarked >= self.limit

    async def wait_for_room(self) -> None:
        while self.unmarked >= self.limit:
            await self.room.wait()

    def close(self) -> None:
        self.closed = True
        self.wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self.wake.wait()
            await self._gather(loop)
            self.wake.clear()
            batch, self.accepted = self.accepted, []
            if batch:
                await self.db.write(self.sender.mark_sent_many, batch)
                self.unmarked -= len(batch)
                if self.unmarked < self.limit:
                    self.room.set()
                self.report.sent += len(batch)
                if self.progress:
                    self.progress(len(batch))
            if self.closed and not self.accepted:
                return

    async def _gather(self, loop: asyncio.AbstractEventLoop) -> None:
        """Until a batch is worth a commit: ``batch`` rows, the cap reached, the run over, or
        ``GATHER`` seconds since the first row."""
        deadline = loop.time() + self.GATHER
        timer = loop.call_at(deadline, self.wake.set)
        try:
            while not (self.closed or self.full or len(self.accepted) >= self.batch or loop.time() >= deadline):
                self.wake.clear()
                await self.wake.wait()
        finally:
            timer.cancel()


class _DatabaseThread:
    """The sender's claims and marks, each a short write transaction, on one thread and one
    connection held for the whole run. One thread keeps them in order and off the event loop;
    the held connection spares each a pool checkout (and on PostgreSQL a pre-ping round trip).
    On PostgreSQL it autocommits: a claim is one statement and a mark one per batch (its rows
    are independent of each other), each atomic by itself, so each costs one round trip instead
    of three (BEGIN, the statement, COMMIT). A transaction that fails closes the connection; one
    that lost it (a database restart: no pre-ping here) is tried once more on a fresh one. A mark
    tried twice marks nothing twice: it changes only rows still ``sending``.

    Its commits do not wait for the disk (SQLite ``synchronous=NORMAL`` in WAL mode, PostgreSQL
    ``synchronous_commit = off``; both for this connection only, reset before it goes back to
    the pool). Each is still atomic and survives the sender being killed; a power cut or an OS
    crash may undo the last few, and undoing a claim or a mark only sends those rows again
    after their lease, with the same Message-ID: the duplicates a kill already allows, never a
    lost message. Waiting for the disk at every mark was a tenth of the sender's time on SQLite
    (0.72× → 0.84× raw aiosmtplib)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-db")
        self.conn: Connection | None = None

    async def write(self, work: Callable[[Connection, A], R], arg: A) -> R:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self._write, work, arg)

    def _write(self, work: Callable[[Connection, A], R], arg: A) -> R:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = self._open()
            try:
                with self.db.write(self.conn):
                    return work(self.conn, arg)
            except DBAPIError as exc:
                self._close()
                if attempt == 2 or not exc.connection_invalidated:
                    raise
            except BaseException:
                self._close()
                raise
        raise AssertionError("unreachable")

    def _open(self) -> Connection:
        conn = self.db.engine.connect()
        if self.db.is_postgres:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        _driver(conn).execute(_NO_DISK_WAIT[self.db.is_postgres])
        return conn

    def _close(self) -> None:
        if self.conn is not None:
            conn, self.conn = self.conn, None
            try:
                if not conn.invalidated:
                    _driver(conn).execute(_DISK_WAIT[self.db.is_postgres])
            except Exception:  # e.g. SQLite still in a failed transaction: "may not be changed"
                conn.invalidate()  # then it is discarded, never pooled with the sender's setting
            finally:
                conn.close()

    def close(self) -> None:
        """Close the connection on the thread after any work still queued, and let it end."""
        self.pool.submit(self._close)
        self.pool.shutdown(wait=False)


# (SQLite, PostgreSQL): the sender's connection commits without waiting for the disk, and waits
# again (the database's default) before it goes back to the pool
_NO_DISK_WAIT = ("PRAGMA synchronous=NORMAL", "SET synchronous_commit = off")
_DISK_WAIT = ("PRAGMA synchronous=FULL", "RESET synchronous_commit")


def _driver(conn: Connection) -> Any:
    """The driver's own connection (a setting, outside SQLAlchemy's transaction bookkeeping)."""
    return conn.connection.dbapi_connection


async def _discard(conn: smtp.Connection | None, *, polite: bool = False) -> None:
    """Close a connection we are done with (politely with QUIT at the end of a run)."""
    if conn is not None and conn.is_connected:
        try:
            if polite:
                await asyncio.wait_for(conn.quit(), timeout=5)
            else:
                conn.close()  # type: ignore[attr-defined]
        except Exception:
            pass

