"""The web process sends the mail it queues: receipts, reminders, deadline notices, results,
agendas and minutes reach the SMTP server seconds after the click, with ``hoering web`` alone.

A pump runs in the app's lifespan. It is woken by every commit of the process that made mail
ready to send (``db.outbox.watch_ready``: no route has to remember to ask), and looks by itself
every ``idle`` seconds for what others left: retries falling due, drafts a killed process left
unrendered, rows queued by the CLI or another web worker. Each pass is one ordinary sender run
(``services.outbox.send_outbox``, the CLI's and the scheduler's), on a thread of its own so that
rendering and SMTP never hold up the event loop that serves the pages. The sender claims each
row before sending it (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one writer at a time on SQLite)
and a lease takes back what a dead sender held, so this pump, the other workers' pumps
(``hoering web --workers N``) and ``hoering outbox send`` may all run at once: no row goes out
twice. Wakes that come while a pass runs are folded into one more pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from hoering.db.outbox import watch_ready
from hoering.runtime import Runtime
from hoering.services.outbox import anything_to_send, send_outbox

log = logging.getLogger(__name__)


class OutboxPump:
    #: seconds between looks for what others left (a wake comes at once)
    IDLE = 30.0

    def __init__(self, rt: Runtime, *, idle: float = IDLE) -> None:
        self.rt = rt
        self.idle = idle
        self._woken = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._unwatch: Callable[[], None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._unwatch = watch_ready(self.rt.db, self.wake)
        self._task = asyncio.create_task(self._run(), name="outbox-pump")
        self.wake()  # what was left waiting before the start

    def wake(self) -> None:
        """Ask for a pass soon; safe from any thread (the routes' worker threads commit)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._woken.set)

    async def stop(self) -> None:
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self.idle)
            self._woken.clear()
            try:
                await asyncio.to_thread(self._send)
            except Exception:  # a database or template fault: logged, and tried again at the next wake
                log.exception("the outbox could not be sent; trying again")

    def _send(self) -> None:
        if not anything_to_send(self.rt):
            return
        report = send_outbox(self.rt)
        if report.failed or report.held:
            log.warning("outbox: %s sent, %s failed, %s held: %s", report.sent, report.failed, report.held,
                        "; ".join(report.errors))
