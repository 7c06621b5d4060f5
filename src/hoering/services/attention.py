"""«Det skal du tage dig af»: what the secretariat must act on, at the top of the console's
front page, each with a link to where it is done — hearings closing within a few working days
(or past their deadline and still open) with the kommuner that have not answered, mails waiting
for review, minutes sent to the chair and not yet approved, follow-ups past their date, and mail
the server refused."""

from __future__ import annotations

from sqlalchemy import func, select

from hoering.danish import format_date
from hoering.db.meetings import CycleStep, Followup, Meeting
from hoering.db.outbox import OutboxMessage, not_sent
from hoering.domain.calendar import add_working_days, local_date
from hoering.domain.result import Moment
from hoering.runtime import Runtime
from hoering.services.followups import due_date
from hoering.services.inbox_review import review_queue
from hoering.views.base import View
from hoering.views.hearings import overview

#: a hearing whose deadline falls within this many working days is "closing soon"
CLOSING_WORKING_DAYS = 3


class ClosingHearing(View):
    id: int
    title: str
    deadline: Moment
    remaining: str | None
    silent_names: list[str]


class ToReview(View):
    id: int
    subject: str
    sender: str
    hearing_id: int | None
    hearing_title: str | None


class MinutesWaiting(View):
    meeting_id: int
    body: str
    starts_at: Moment


class FollowupDue(View):
    id: int
    item_id: int
    what: str
    who: str
    due_da: str


class Attention(View):
    closing: list[ClosingHearing]
    review: list[ToReview]
    minutes: list[MinutesWaiting]
    followups: list[FollowupDue]
    failed_mail: int

    @property
    def empty(self) -> bool:
        return not (self.closing or self.review or self.minutes or self.followups or self.failed_mail)


def attention(rt: Runtime) -> Attention:
    now = rt.now()
    today = local_date(now)
    horizon = add_working_days(today, CLOSING_WORKING_DAYS)
    closing = [ClosingHearing(id=r.id, title=r.title, deadline=r.deadline, remaining=r.remaining,
                              silent_names=r.silent_names)
               for r in overview(rt)
               if r.status == "open" and r.silent_names and local_date(r.deadline) <= horizon]
    review = [ToReview(id=e.id, subject=e.subject, sender=e.sender, hearing_id=e.hearing_id,
                       hearing_title=e.hearing_title) for e in review_queue(rt)]
    with rt.db.read() as s:
        drafted = select(CycleStep.meeting_id).where(CycleStep.step == "minutes_draft")
        minutes = [MinutesWaiting(meeting_id=m.id, body=m.body.name, starts_at=m.starts_at)
                   for m in s.scalars(select(Meeting).where(Meeting.id.in_(drafted), Meeting.cancelled_at.is_(None),
                                                            Meeting.minutes_approved_at.is_(None))
                                      .order_by(Meeting.starts_at))]
        followups = []
        for f in s.scalars(select(Followup).where(Followup.status == "open").order_by(Followup.id)):
            due = due_date(f)
            if due is not None and due < today:
                followups.append(FollowupDue(id=f.id, item_id=f.item_id, what=f.what, who=f.who,
                                             due_da=format_date(due)))
        failed = s.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(not_sent(), OutboxMessage.status == "failed")) or 0
    return Attention(closing=closing, review=review, minutes=minutes, followups=followups, failed_mail=failed)
