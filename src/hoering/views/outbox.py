"""The outbox as the secretariat's page shows it (``/sekretariat/udbakke``): what waits to be
sent, what failed and the mail server's reply, and what was sent lately — read in one
transaction. A hearing's page shows its own counts from :func:`mail_counts`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hoering.db.outbox import OutboxMessage, not_sent
from hoering.domain.result import Moment
from hoering.runtime import Runtime
from hoering.views.base import View

#: the states of a message not sent yet, as the page groups them
WAITING = ("draft", "pending", "sending")
#: how many sent messages the page lists (the newest)
SENT_SHOWN = 50
#: the sent messages are counted up to this many (ten years' mail is half a million: counting them
#: all took longer than the rest of the page)
SENT_COUNTED = 10_000


class OutboxLine(View):
    id: int
    to: str
    subject: str
    hearing_id: int | None
    status: str
    attempts: int
    created_at: Moment
    next_attempt_at: Moment
    sent_at: Moment | None
    reply: str | None  # the server's reply: its acceptance, or why it failed (the last error while retrying)


class OutboxPage(View):
    hearing_id: int | None
    waiting: list[OutboxLine]
    failed: list[OutboxLine]
    sent: list[OutboxLine]
    sent_total: int  # at most SENT_COUNTED
    sent_more: bool  # more were sent than SENT_COUNTED


class MailCounts(View):
    waiting: int
    sent: int
    failed: int


def _line(m: OutboxMessage) -> OutboxLine:
    reply = m.smtp_reply or m.last_error if m.status in ("sent", "failed") else m.last_error
    return OutboxLine(id=m.id, to=m.to_addr, subject=m.subject, hearing_id=m.hearing_id, status=m.status,
                      attempts=m.attempts, created_at=m.created_at, next_attempt_at=m.next_attempt_at,
                      sent_at=m.sent_at, reply=reply)


def outbox_page(rt: Runtime, *, hearing_id: int | None = None) -> OutboxPage:
    """Every message not sent (oldest first), and the newest sent; of one hearing if given."""
    with rt.db.read() as s:
        scope = [OutboxMessage.hearing_id == hearing_id] if hearing_id is not None else []
        unsent = list(s.scalars(select(OutboxMessage).where(not_sent(), *scope).order_by(OutboxMessage.id)))
        sent = list(s.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent", *scope)
                              .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()).limit(SENT_SHOWN)))
        counted = select(OutboxMessage.id).where(OutboxMessage.status == "sent", *scope).limit(SENT_COUNTED + 1)
        total = s.scalar(select(func.count()).select_from(counted.subquery())) or 0
        return OutboxPage(hearing_id=hearing_id,
                          waiting=[_line(m) for m in unsent if m.status in WAITING],
                          failed=[_line(m) for m in unsent if m.status == "failed"],
                          sent=[_line(m) for m in sent], sent_total=min(total, SENT_COUNTED),
                          sent_more=total > SENT_COUNTED)


def mail_counts(s: Session, hearing_id: int) -> MailCounts:
    """A hearing's mail: how many wait in the outbox, were sent, failed."""
    counts: dict[str, int] = {status: n for status, n in s.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.hearing_id == hearing_id)
        .group_by(OutboxMessage.status)).tuples()}
    return MailCounts(waiting=sum(counts.get(k, 0) for k in WAITING), sent=counts.get("sent", 0),
                      failed=counts.get("failed", 0))
