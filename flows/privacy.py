"""``privacy_watch``: apply the retention of personal data once a day (03.30 Copenhagen).

One task, one service call (``hoering.services.retention.apply_retention``); the rules and their
defaults are in docs/operations.md ("Personal data") and in the ``HOERING_RETENTION_*`` settings.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from flows.shared import note_success, runtime
from hoering.services.retention import apply_retention


class PrivacyRun(BaseModel):
    contacts_erased: list[str] = Field(default_factory=list)
    answers_pseudonymised: int = 0
    mails_trimmed: int = 0
    files_expired: int = 0


@task(cache_policy=NO_CACHE)
def retain(now: datetime | None) -> PrivacyRun:
    report = apply_retention(runtime(now))
    return PrivacyRun(contacts_erased=report.contacts_erased, answers_pseudonymised=report.answers_pseudonymised,
                      mails_trimmed=report.mails_trimmed, files_expired=report.files_expired)


@flow(name="privacy_watch", log_prints=True)
async def privacy_watch(now: datetime | None = None) -> PrivacyRun:
    """Erase, pseudonymise and trim what the retention rules say is due. Async, because the
    heartbeat task is."""
    run = retain(now)
    await note_success("privacy_watch")
    print(f"Privacy: {len(run.contacts_erased)} contact(s) erased, {run.answers_pseudonymised} answer(s) "
          f"pseudonymised, {run.mails_trimmed} mail(s) trimmed, {run.files_expired} file(s) expired.")
    return run
