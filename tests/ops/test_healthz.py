"""GET /healthz: 200 when healthy; 503 when the database is down, its migrations are behind, the
oldest pending mail waited too long, or hearing_watch stopped running."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from fastapi.testclient import TestClient

from hoering.danish import utcnow
from hoering.db.heartbeat import Heartbeat
from hoering.mail.outbox import queue_message
from hoering.mail.render import Rendered
from hoering.runtime import bootstrap, forget_databases
from hoering.services.health import WATCH, record_heartbeat
from hoering.settings import load_settings
from hoering.web.app import create_app
from tests.support import Clock, make_runtime, postgres_available, postgres_database


def healthz(rt):
    with TestClient(create_app(rt)) as client:
        response = client.get("/healthz")
    return response.status_code, response.json()


def test_healthy_fresh_install(tmp_path, sqlite_url):
    rt = make_runtime(tmp_path, sqlite_url, Clock(utcnow()))
    status, body = healthz(rt)
    assert status == 200 and body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"]["state"] == "ok" and checks["migrations"]["state"] == "ok"
    assert checks["outbox"]["state"] == "ok" and checks["outbox"]["value"] is None
    assert checks["hearing_watch"]["state"] == "warn"  # never ran: worth a look, not an outage
    record_heartbeat(rt, WATCH)
    status, body = healthz(rt)
    assert status == 200 and body["checks"]["hearing_watch"]["state"] == "ok"


def test_oldest_pending_mail_older_than_the_threshold_is_503(tmp_path, sqlite_url):
    clock = Clock(utcnow() - timedelta(minutes=10))
    rt = make_runtime(tmp_path, sqlite_url, clock, health_outbox_max_age_minutes=30)
    with rt.db.transaction() as s:  # a mail queued 10 minutes ago, not sent
        queue_message(s, settings=rt.settings, key="test:1", kind="test", to="a@kommune.example",
                      rendered=Rendered(subject="Test", text="Test", html="<p>Test</p>"), now=clock.now)
    status, body = healthz(rt)
    assert status == 200 and 590 <= body["checks"]["outbox"]["value"] <= 700
    strict = bootstrap(load_settings(home=tmp_path, database_url=sqlite_url, secret_key="k",
                                     health_outbox_max_age_minutes=5))
    status, body = healthz(strict)
    assert status == 503 and body["status"] == "fail" and body["checks"]["outbox"]["state"] == "fail"
    assert "oldest pending mail waited 10 min (limit 5 min)" in body["checks"]["outbox"]["detail"]


def test_stale_hearing_watch_is_503(tmp_path, sqlite_url):
    rt = make_runtime(tmp_path, sqlite_url, Clock(utcnow()), health_watch_max_age_minutes=60)
    with rt.db.transaction() as s:
        s.add(Heartbeat(name=WATCH, last_ok_at=utcnow() - timedelta(minutes=61)))
    status, body = healthz(rt)
    assert status == 503 and body["checks"]["hearing_watch"]["state"] == "fail"


def test_migrations_behind_is_503(tmp_path, sqlite_url):
    rt = bootstrap(load_settings(home=tmp_path, database_url=sqlite_url, secret_key="k"))
    status, body = healthz(rt)  # never migrated
    assert status == 503 and body["checks"]["migrations"]["state"] == "fail"
    assert "hoering init" in body["checks"]["migrations"]["detail"]


@pytest.mark.postgres
def test_database_down_is_503(tmp_path):
    if reason := postgres_available():
        pytest.skip(reason)
    with postgres_database() as url:
        rt = make_runtime(tmp_path, url, Clock(utcnow()))
        app = create_app(rt)
        with TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
            name = url.rsplit("/", 1)[1]
            with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            response = client.get("/healthz")
        assert response.status_code == 503
        body = response.json()
        assert body["checks"]["database"]["state"] == "fail" and "not reachable" in body["checks"]["database"]["detail"]
        assert set(body["checks"]) == {"database"}
        forget_databases()
