"""Ten years of five regions on one database, built in bulk through the real schema: one hearing
(the JYFE example) and one meeting (planned with its standard items) made by the services, then
copied in SQL (INSERT ... SELECT) and with SQLAlchemy Core inserts of many rows: hearings with
their recipients and answer versions, meetings with their items, and the outbox's mail. ``size``
scales every count (1.0 = 5 000 hearings, 250 000 answer versions, 2 000 meetings, 30 000 cases,
500 000 mails); the statement-count tests build the same data set much smaller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select, text

HEARINGS = 5_000
ANSWERS = 250_000
MEETINGS = 2_000
ITEMS = 30_000
MAILS = 500_000
OPEN_EVERY = 100  # 1 % of the hearings are open
#: the clock the data is built at: the JYFE hearing opens then
OPENED = dt.datetime(2014, 4, 29, 8, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "jyfe.yaml"
CONSOLE_USER = ("bench@sekretariat.example", "bench-adgangskode-1")


@dataclass(frozen=True)
class Built:
    hearing_id: int  # the hearing made by the service (it has links and invitations)
    open_hearing_id: int  # a copy that is still open
    meeting_id: int  # a meeting in the middle of the history
    item_id: int  # one of its cases
    counts: dict[str, int]


def _series(dialect: str, first: int, last: int) -> str:
    if dialect == "postgresql":
        return f"SELECT i FROM generate_series({first}, {last}) AS i"
    return (f"WITH RECURSIVE seq(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM seq WHERE i < {last}) "
            "SELECT i FROM seq")


def build(rt: Any, size: float = 1.0) -> Built:
    """The data set in ``rt``'s (migrated, registry-loaded) database; ``rt``'s clock at OPENED."""
    from hoering.db.hearings import Answer, Hearing, HearingRecipient
    from hoering.db.meetings import Item, Meeting
    from hoering.db.outbox import OutboxMessage
    from hoering.services.agenda_builder import plan_meeting
    from hoering.services.hearings import open_hearing, read_hearing_file
    from hoering.services.users import add_user

    hearings, meetings = max(2, round(HEARINGS * size)), max(2, round(MEETINGS * size))
    items_each = max(1, ITEMS // MEETINGS)
    mails = max(10, round(MAILS * size))
    add_user(rt, CONSOLE_USER[0], name="Bench Sekretariat", role="sekretariat", password=CONSOLE_USER[1])
    first = open_hearing(rt, read_hearing_file(EXAMPLE))
    template = plan_meeting(rt, body="das", day=dt.date(2014, 6, 16), start=dt.time(13), end=dt.time(16),
                            place="Aalborg Rådhus")
    engine = rt.db.engine
    dialect = engine.dialect.name
    with engine.begin() as c:
        recipients = c.scalar(select(text("count(*)")).select_from(HearingRecipient.__table__)
                              .where(HearingRecipient.hearing_id == first)) or 1
        versions = max(1, round(ANSWERS / HEARINGS / recipients))
        c.execute(text(
            "INSERT INTO hearing (id, title, body_id, kind, status, definition, deadline, deadline_version, "
            "opened_at, closed_at, opened_by) "
            f"SELECT n.i, h.title || ' ' || n.i, h.body_id, h.kind, "
            f"CASE WHEN n.i % {OPEN_EVERY} = 0 THEN 'open' ELSE 'closed' END, h.definition, h.deadline, 1, "
            f"h.opened_at, CASE WHEN n.i % {OPEN_EVERY} = 0 THEN NULL ELSE h.deadline END, h.opened_by "
            f"FROM ({_series(dialect, first + 1, first + hearings - 1)}) AS n CROSS JOIN hearing h "
            "WHERE h.id = :first"), {"first": first})
        c.execute(text(
            "INSERT INTO hearing_recipient (hearing_id, kommune_id) "
            "SELECT h.id, r.kommune_id FROM hearing h CROSS JOIN hearing_recipient r "
            "WHERE h.id > :first AND r.hearing_id = :first"), {"first": first})
        # every recipient answers, each answer in ``versions`` versions (every 7th for payout)
        c.execute(text(
            "INSERT INTO answer (hearing_id, recipient_id, version, option, channel, answered_by, received_at, late) "
            "SELECT r.hearing_id, r.id, v.i, CASE WHEN r.id % 7 = 0 THEN 'udbetaling' ELSE 'pulje' END, 'web', "
            "'bench', h.opened_at, false FROM hearing_recipient r JOIN hearing h ON h.id = r.hearing_id "
            f"CROSS JOIN ({_series(dialect, 1, versions)}) AS v WHERE r.hearing_id > :first"), {"first": first})
        if dialect == "postgresql":
            c.execute(text("SELECT setval(pg_get_serial_sequence('hearing', 'id'), (SELECT max(id) FROM hearing))"))
        # meetings: copies of the planned one, every other day back in time, each with its cases
        meeting_row = dict(c.execute(select(Meeting.__table__).where(Meeting.id == template)).mappings().one())
        item_rows = [dict(r) for r in c.execute(select(Item.__table__).where(Item.meeting_id == template)
                                                .order_by(Item.number)).mappings()]
        meeting_row.pop("id")
        c.execute(insert(cast(Table, Meeting.__table__)), [
            {**meeting_row, "starts_at": meeting_row["starts_at"] - dt.timedelta(days=2 * i),
             "ends_at": meeting_row["ends_at"] - dt.timedelta(days=2 * i)} for i in range(1, meetings)])
        meeting_ids = list(c.scalars(select(Meeting.id).where(Meeting.id != template).order_by(Meeting.id)))
        batch: list[dict[str, Any]] = []
        for n, mid in enumerate(meeting_ids):
            for k in range(items_each):
                row = {**item_rows[k % len(item_rows)], "meeting_id": mid, "number": k + 1}
                row.pop("id")
                if k >= len(item_rows):
                    row["title"] = f"Sag {k + 1} på møde {mid}"
                    row["hearing_id"] = first + 1 + (n * items_each + k) % (hearings - 1)
                batch.append(row)
            if len(batch) >= 5_000:
                c.execute(insert(cast(Table, Item.__table__)), batch)
                batch = []
        if batch:
            c.execute(insert(cast(Table, Item.__table__)), batch)
        # the outbox: sent mail of every hearing; a few waiting and failed
        c.execute(text(
            "INSERT INTO outbox (key, message_id, kind, hearing_id, kommune_id, person_id, to_addr, subject, status, "
            "attempts, created_at, next_attempt_at, sent_at, smtp_reply) "
            "SELECT 'bench-' || n.i, '<bench-' || n.i || '@hoering.example>', o.kind, "
            f"{first + 1} + n.i % {hearings - 1}, o.kommune_id, o.person_id, o.to_addr, o.subject, "
            "CASE WHEN n.i % 50000 = 1 THEN 'failed' WHEN n.i % 50000 = 2 THEN 'pending' ELSE 'sent' END, 1, "
            "o.created_at, o.next_attempt_at, o.created_at, '250 2.0.0 Ok' "
            f"FROM ({_series(dialect, 1, mails)}) AS n CROSS JOIN outbox o WHERE o.id = "
            "(SELECT min(id) FROM outbox)"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))
        counts = {t: c.scalar(text(f"SELECT count(*) FROM {t}")) or 0
                  for t in (Hearing.__tablename__, Answer.__tablename__, Meeting.__tablename__,
                            Item.__tablename__, OutboxMessage.__tablename__)}
    middle = meeting_ids[len(meeting_ids) // 2]
    with engine.connect() as c:
        item_id = c.scalar(select(Item.id).where(Item.meeting_id == middle).order_by(Item.number.desc()).limit(1))
    return Built(hearing_id=first, open_hearing_id=first + OPEN_EVERY - 1 if hearings > OPEN_EVERY else first,
                 meeting_id=middle, item_id=item_id or 1, counts=counts)
