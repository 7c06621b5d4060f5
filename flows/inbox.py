"""``inbox_watch``: read the secretariat's mailbox every two minutes and act on what came back.

One task, one service call (``hoering.services.inbox.read_inbox``): fetch over IMAP, store each
message before acting, move it to the processed folder, record replies that can be read with
certainty, ask the deputy after an out-of-office or a bounce, report bounces to the
secretariat. Then the outbox is sent, so a deputy's invitation goes out in the same run.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from flows.hearings import runtime, send_pending
from flows.shared import note_success


class InboxRun(BaseModel):
    configured: bool = True  # False: no mailbox is configured, the run read nothing
    fetched: int = 0
    stored: int = 0
    processed: int = 0
    recorded: int = 0
    review: int = 0
    by_reason: dict[str, int] = Field(default_factory=dict)
    secretariat_mails: int = 0
    sent: int = 0


@task(cache_policy=NO_CACHE)
def read_mailbox(now: datetime | None) -> InboxRun:
    from hoering.services.inbox import inbox_configured, read_inbox

    rt = runtime(now)
    if not inbox_configured(rt.settings):
        return InboxRun(configured=False)
    report = read_inbox(rt)
    return InboxRun(fetched=report.fetched, stored=report.stored, processed=report.processed,
                    recorded=report.by_status.get("recorded", 0), review=report.by_status.get("review", 0),
                    by_reason=report.by_reason, secretariat_mails=report.secretariat_mails)


@flow(name="inbox_watch", log_prints=True)
async def inbox_watch(now: datetime | None = None) -> InboxRun:
    """Read the mailbox, act on each new message, send what that queued."""
    run = read_mailbox(now)
    if not run.configured:
        print("Inbox: no mailbox is configured (HOERING_IMAP_HOST, HOERING_IMAP_USERNAME); nothing to read.")
        return run
    await note_success("inbox_fetch")  # /healthz: the last successful fetch
    sent = await send_pending(now)
    run.sent = sent.sent
    print(f"Inbox: fetched {run.fetched}, processed {run.processed}, recorded {run.recorded}, "
          f"to review {run.review}; sent {run.sent}.")
    return run
