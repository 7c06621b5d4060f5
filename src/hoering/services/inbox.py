"""The inbox's use cases: store what arrives, then decide what each message is and act on it.

``store_message`` keeps the raw message (SHA-256 deduplicated) in its own committed transaction
before anything is acted on. ``process_waiting`` then takes each ``new`` message in a
transaction of its own: classify, match, and act (record the answer through
``services.answers``, ask the deputy, mark a bounce), setting the message's reason and status in
the same commit. A reader killed at any point leaves every message either untouched (``new``,
processed again) or finished; an answer is never recorded twice.

``watch_inbox`` (``hoering inbox watch``) does the same on a held IMAP IDLE connection, at once
when mail arrives. ``read_inbox`` is what ``hoering inbox fetch`` and the ``inbox_watch`` deployment call: fetch
from IMAP (store, then move on the server), process, and send one mail to the secretariat about
this run's permanent bounces (and, once a day, about mail-system messages left for review).
"""

from __future__ import annotations

import hashlib
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hoering import audit
from hoering.db.models import InboxMessage
from hoering.errors import ConfigurationError, MailboxError
from hoering.inbox.fetch import ImapConfig, Mailbox, read_mailbox, read_waiting, watch_mailbox
from hoering.inbox.parse import envelope, parse
from hoering.mail.redact import redact_received
from hoering.runtime import Runtime
from hoering.services.inbox_actions import act_on
from hoering.services.inbox_bounces import report_bounces
from hoering.settings import Settings

ACTOR = "indbakke"


@dataclass
class InboxReport:
    fetched: int = 0
    stored: int = 0
    processed: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)
    secretariat_mails: int = 0

    def line(self) -> str:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_reason.items())) or "ingen"
        return (f"Hentet {self.fetched}, gemt {self.stored} nye, behandlet {self.processed} "
                f"({reasons}); til gennemsyn: {self.by_status.get('review', 0)}; "
                f"registreret: {self.by_status.get('recorded', 0)}.")


def store_message(rt: Runtime, raw: bytes, *, source: str, mailbox_uid: str | None = None) -> tuple[int, bool]:
    """Keep ``raw`` unless the very same bytes are kept already; (id, newly stored)."""
    digest = hashlib.sha256(raw).hexdigest()
    with rt.db.read() as s:
        known = s.scalar(select(InboxMessage.id).where(InboxMessage.sha256 == digest))
    if known is not None:
        return known, False
    msg = envelope(raw)
    try:
        with rt.db.transaction() as s:
            row = InboxMessage(sha256=digest, message_id=(msg.message_id or "")[:250] or None,
                               received_at=rt.now(), source=source, mailbox_uid=mailbox_uid,
                               from_addr=msg.from_addr[:254], subject=msg.subject[:400],
                               raw=redact_received(raw),  # a quoted invitation's link goes (sha256: as received)
                               status="new", detail={})
            s.add(row)
            s.flush()
            audit.record(s, at=rt.now(), actor=ACTOR, action="inbox.stored", entity="inbox_message",
                         entity_id=row.id, source=source, sha256=digest, message_id=row.message_id,
                         sender=row.from_addr)
            return row.id, True
    except IntegrityError:  # another reader stored the same bytes a moment ago
        with rt.db.read() as s:
            again = s.scalar(select(InboxMessage.id).where(InboxMessage.sha256 == digest))
        assert again is not None
        return again, False


def process_waiting(rt: Runtime, *, limit: int | None = None,
                    on_done: Callable[[int, str, str], None] | None = None) -> InboxReport:
    """Process every ``new`` message, oldest first, each in its own transaction."""
    report = InboxReport()
    while limit is None or report.processed < limit:
        with rt.db.read() as s:
            next_id = s.scalar(select(InboxMessage.id).where(InboxMessage.status == "new")
                               .order_by(InboxMessage.id).limit(1))
        if next_id is None:
            break
        try:
            outcome = process_one(rt, next_id)
        except Exception as exc:  # a message we cannot read must not block the ones after it
            outcome = _set_aside(rt, next_id, exc)
        if outcome is None:
            continue
        status, reason = outcome
        report.processed += 1
        report.by_status[status] = report.by_status.get(status, 0) + 1
        report.by_reason[reason] = report.by_reason.get(reason, 0) + 1
        if on_done:
            on_done(next_id, status, reason)
    return report


def process_one(rt: Runtime, message_id: int) -> tuple[str, str] | None:
    """(status, reason) of the message after acting on it; None when another reader took it."""
    with rt.db.transaction() as s:
        query = select(InboxMessage).where(InboxMessage.id == message_id, InboxMessage.status == "new")
        if rt.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        row = s.scalar(query)
        if row is None:
            return None
        act_on(rt, s, row, parse(row.raw))
        row.processed_at = rt.now()
        audit.record(s, at=rt.now(), actor=ACTOR, action="inbox.processed", entity="inbox_message",
                     entity_id=row.id, hearing_id=row.hearing_id, reason=row.reason, status=row.status,
                     answer_id=row.answer_id, note=row.note)
        return row.status, row.reason or ""


def _set_aside(rt: Runtime, message_id: int, exc: Exception) -> tuple[str, str]:
    """Put a message that made processing fail into review, with the error, and go on."""
    with rt.db.transaction() as s:
        row = s.get(InboxMessage, message_id)
        assert row is not None
        row.status, row.reason = "review", row.reason or "unrelated"
        row.note = f"kunne ikke behandles: {type(exc).__name__}: {exc}"[:2000]
        row.processed_at = rt.now()
        audit.record(s, at=rt.now(), actor=ACTOR, action="inbox.failed", entity="inbox_message",
                     entity_id=row.id, error=f"{type(exc).__name__}: {exc}"[:500])
        return row.status, row.reason


def import_files(rt: Runtime, raws: list[tuple[str, bytes]]) -> InboxReport:
    """``hoering inbox import``: saved messages through exactly the path IMAP messages take."""
    report = InboxReport(fetched=len(raws))
    for name, raw in raws:
        _, new = store_message(rt, raw, source="import", mailbox_uid=name[-40:])
        report.stored += new
    processed = process_waiting(rt)
    processed.fetched, processed.stored = report.fetched, report.stored
    processed.secretariat_mails = report_bounces(rt)
    return processed


def inbox_configured(st: Settings) -> bool:
    """Is there a mailbox to read? Without one ``inbox_watch`` skips its runs (one log line, no
    traceback every two minutes), ``hoering doctor`` says so, and an erasure has no server copies."""
    return bool(st.imap_host and st.imap_username)


def imap_config(st: Settings, token_provider: Callable[[], str] | None = None) -> ImapConfig:
    """The mailbox the settings name (``read_inbox`` reads it, ``hoering doctor`` checks it)."""
    if not st.imap_host or not st.imap_username:
        raise ConfigurationError("set HOERING_IMAP_HOST and HOERING_IMAP_USERNAME to read the mailbox")
    if token_provider is None and st.imap_oauth2_token_command:
        command = st.imap_oauth2_token_command
        token_provider = lambda: _run_token_command(command)  # noqa: E731
    if token_provider is None and st.imap_password is None:
        raise ConfigurationError("set HOERING_IMAP_PASSWORD or HOERING_IMAP_OAUTH2_TOKEN_COMMAND")
    return ImapConfig(
        host=st.imap_host, port=st.imap_port, username=st.imap_username, security=st.imap_security,
        password=st.imap_password.get_secret_value() if st.imap_password else None,
        token_provider=token_provider, folder=st.imap_folder,
        processed_folder=st.imap_processed_folder or None, ca_file=st.imap_ca_file,
        validate_certs=st.imap_validate_certs)


def _run_token_command(command: str) -> str:
    done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or not done.stdout.strip():
        raise MailboxError(f"HOERING_IMAP_OAUTH2_TOKEN_COMMAND failed: {done.stderr.strip()[:200]}")
    return done.stdout.strip()


def read_inbox(rt: Runtime, *, token_provider: Callable[[], str] | None = None) -> InboxReport:
    """Fetch from IMAP, store, process, report bounces: one run of ``inbox_watch``."""
    config = imap_config(rt.settings, token_provider)
    stored = 0

    def store(raw: bytes, uid: str) -> None:
        nonlocal stored
        stored += store_message(rt, raw, source="imap", mailbox_uid=uid)[1]

    fetched = read_mailbox(config, store)
    report = process_waiting(rt)
    report.fetched, report.stored = fetched, stored
    report.secretariat_mails = report_bounces(rt)
    return report


def watch_inbox(rt: Runtime, *, keep_going: Callable[[], bool], on_report: Callable[[InboxReport], None],
                on_error: Callable[[Exception], None] | None = None, idle_seconds: float = 29 * 60,
                poll_seconds: float = 60.0, retry_seconds: float = 5.0,
                token_provider: Callable[[], str] | None = None) -> None:
    """Read the mailbox whenever mail arrives (IMAP IDLE; polling where the server lacks it),
    each time exactly as ``read_inbox`` does, until ``keep_going`` says stop; reconnects after a
    dropped connection."""
    config = imap_config(rt.settings, token_provider)

    def on_mail(box: Mailbox) -> None:
        stored = 0

        def store(raw: bytes, uid: str) -> None:
            nonlocal stored
            stored += store_message(rt, raw, source="imap", mailbox_uid=uid)[1]

        fetched = read_waiting(box, config, store)
        report = process_waiting(rt)
        report.fetched, report.stored = fetched, stored
        report.secretariat_mails = report_bounces(rt)
        if fetched or report.processed:
            on_report(report)

    watch_mailbox(config, on_mail, keep_going=keep_going, idle_seconds=idle_seconds, poll_seconds=poll_seconds,
                  retry_seconds=retry_seconds, on_error=on_error)
