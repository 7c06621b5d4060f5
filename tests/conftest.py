"""Fixtures: a clock, a migrated database (SQLite and PostgreSQL), a runtime, an SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hoering.mail.sink import MailSink, running_sink
from hoering.runtime import Runtime, forget_databases
from tests.support import Clock, make_runtime, postgres_available, postgres_database

_PG_REASON = postgres_available()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test that asks for a database runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hoering.db'}"
        forget_databases()
        return
    if _PG_REASON:
        pytest.skip(_PG_REASON)
    with postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """Only SQLite (for tests whose subject is not the database)."""
    yield f"sqlite:///{tmp_path / 'hoering.db'}"
    forget_databases()


@pytest.fixture
def smtp() -> Iterator[tuple[object, MailSink]]:
    """A real SMTP server (aiosmtpd) on loopback; yields (controller, sink)."""
    with running_sink() as (controller, sink):
        yield controller, sink


@pytest.fixture
def rt(tmp_path: Path, database_url: str, clock: Clock, smtp: tuple[object, MailSink]) -> Runtime:
    """A migrated database with the registry loaded, mail going to the loopback SMTP server."""
    controller, _ = smtp
    return make_runtime(tmp_path, database_url, clock, smtp_host=controller.hostname,  # type: ignore[attr-defined]
                        smtp_port=controller.port)  # type: ignore[attr-defined]


@pytest.fixture
def sink(smtp: tuple[object, MailSink]) -> MailSink:
    return smtp[1]
