"""Migration 0016: the messages leave the ``outbox`` row for ``outbox_unsent`` (to send) and
``outbox_copy`` (the stored copy, answer links redacted), keeping every row's mail: a sent row's
stored copy, a queued row's message and copy, an older queued row without a copy (redacted now),
a draft's note. Downgraded, the columns come back as they were."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import inspect, text

from hoering.db.migrate import alembic_config, upgrade
from hoering.services.hearings import open_hearing, read_hearing_file
from tests.support import EXAMPLES

NOTE = json.dumps({"template": "receipt", "answer": 1, "token": 1})


def _migrate(rt, action, revision: str) -> None:
    config = alembic_config(rt.db)
    with rt.db.engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)


def _bodies(rt, table: str) -> dict[int, str]:
    with rt.db.engine.connect() as c:
        return dict(c.execute(text(f"SELECT outbox_id, raw FROM {table}")).all())


def test_0016_moves_every_body_and_back(rt):
    open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))
    _migrate(rt, command.downgrade, "0015_perf")
    with rt.db.engine.begin() as c:
        rows = dict(c.execute(text("SELECT id, raw FROM outbox ORDER BY id")).all())
        copies = dict(c.execute(text("SELECT id, sent_copy FROM outbox ORDER BY id")).all())
        sent, queued, older, draft, *_ = rows
        assert "/svar/" in rows[sent] and "/svar/[fjernet]" in copies[sent]
        # as 0015 left them: a sent row's raw is its redacted copy; an older row has no copy
        c.execute(text("UPDATE outbox SET status = 'sent', raw = sent_copy, sent_copy = NULL WHERE id = :id"),
                  {"id": sent})
        c.execute(text("UPDATE outbox SET sent_copy = NULL WHERE id = :id"), {"id": older})
        c.execute(text("UPDATE outbox SET status = 'draft', raw = :note, sent_copy = NULL WHERE id = :id"),
                  {"id": draft, "note": NOTE})

    upgrade(rt.db)

    assert not {"raw", "sent_copy"} & {c["name"] for c in inspect(rt.db.engine).get_columns("outbox")}
    unsent, stored = _bodies(rt, "outbox_unsent"), _bodies(rt, "outbox_copy")
    assert sent not in unsent and stored[sent] == copies[sent]
    assert unsent[queued] == rows[queued] and stored[queued] == copies[queued]
    assert unsent[older] == rows[older] and stored[older] == copies[older]  # redacted by the migration
    assert unsent[draft] == NOTE and draft not in stored
    assert set(unsent) == set(rows) - {sent} and set(stored) == set(rows) - {draft}

    _migrate(rt, command.downgrade, "0015_perf")
    with rt.db.engine.connect() as c:
        back = {i: (raw, copy) for i, raw, copy in c.execute(text("SELECT id, raw, sent_copy FROM outbox"))}
    assert back[sent] == (copies[sent], None)
    assert back[queued] == (rows[queued], copies[queued]) and back[older] == (rows[older], copies[older])
    assert back[draft] == (NOTE, None)
    upgrade(rt.db)
