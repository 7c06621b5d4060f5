"""Migration 0006: a hearing closed before results were stored keeps its old tally (as version 1,
format 0) and still reads as closed; the ``hearing.result`` column is gone."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import inspect, text

from hoering.db.migrate import alembic_config, upgrade
from hoering.runtime import bootstrap
from hoering.services.answers import record_answer
from hoering.services.hearings import open_hearing
from hoering.services.registry import load_registry
from hoering.settings import load_settings
from hoering.views.result import hearing_result
from tests.support import JYFE_DEADLINE, Clock, jyfe


def test_an_old_closed_hearing_keeps_its_result_as_version_one(tmp_path):
    clock = Clock()
    rt = bootstrap(load_settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'old.db'}",
                                 secret_key="test-secret-key"), clock=clock)
    # today's services write the hearing and its answers; then the schema goes back to before
    # 0006, where a closed hearing kept its tally in hearing.result
    upgrade(rt.db)
    load_registry(rt)
    hid = open_hearing(rt, jyfe("jyfe-equal.yaml"))
    for code in ("851", "825"):
        record_answer(rt, hid, kommune=code, option="pulje")
    config = alembic_config(rt.db)
    with rt.db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005_inbox")
    old = {"kind": "allocation", "counts": {"pulje": 2, "udbetaling": 0}, "outcome": "passed",
           "allocation": {"payouts": {}, "pool": "120000.00"}}
    with rt.db.engine.begin() as c:
        c.execute(text("UPDATE hearing SET status = 'closed', closed_at = :at, result = :result WHERE id = :id"),
                  {"at": JYFE_DEADLINE.replace(tzinfo=None), "result": json.dumps(old), "id": hid})

    upgrade(rt.db)

    assert "result" not in {c["name"] for c in inspect(rt.db.engine).get_columns("hearing")}
    with rt.db.engine.connect() as c:
        version, payload = c.execute(text("SELECT version, payload FROM hearing_result WHERE hearing_id = :id"),
                                     {"id": hid}).one()
    assert version == 1 and json.loads(payload) == {"format": 0, "legacy": old}
    result = hearing_result(rt, hid)
    assert result.status == "closed" and result.frozen is False  # rebuilt from the answers
    assert result.counts == old["counts"] and [v.version for v in result.history] == [1]
