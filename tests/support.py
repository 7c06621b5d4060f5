"""Test helpers shared by every tier: a settable clock, databases, runtimes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hoering.db.migrate import upgrade
from hoering.definitions import load_yaml_text, validate
from hoering.domain.hearing import HearingDefinition
from hoering.runtime import Runtime, bootstrap
from hoering.services.hearing_documents import BilagFile, HearingInput
from hoering.services.registry import load_registry
from hoering.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

# 29 April 2014, 10.00 Copenhagen: the day the JYFE hearing mail went out.
JYFE_OPENED = datetime(2014, 4, 29, 8, 0, tzinfo=UTC)
JYFE_DEADLINE = datetime(2014, 5, 13, 10, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand; a ``ticking`` one also moves with real time (for retry
    back-off, which waits real seconds)."""

    def __init__(self, start: datetime = JYFE_OPENED, *, ticking: bool = False) -> None:
        self._start = start
        self._since = time.monotonic()
        self.ticking = ticking

    @property
    def now(self) -> datetime:
        if not self.ticking:
            return self._start
        return self._start + timedelta(seconds=time.monotonic() - self._since)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self._start, self._since = moment, time.monotonic()

    def advance(self, **delta: float) -> datetime:
        self.set(self.now + timedelta(**delta))
        return self.now


def postgres_available() -> str | None:
    """None when the server answers; otherwise why not."""
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3):
            return None
    except Exception as exc:
        return f"no PostgreSQL on 127.0.0.1:5432 ({type(exc).__name__}: {exc})"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database for one test (or session), dropped afterwards."""
    import psycopg

    name = f"hoering_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        from hoering.runtime import forget_databases

        forget_databases()
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def jyfe(name: str = "jyfe.yaml", **changes: Any) -> HearingDefinition:
    """The JYFE hearing from examples/, with fields changed (e.g. ``contacts=BOTH_CONTACTS``)."""
    data = load_yaml_text((EXAMPLES / name).read_text(), source=name)
    data.update(changes)
    return validate(HearingDefinition, data, source=name)


def with_bilag(definition: HearingDefinition) -> HearingInput:
    """``definition`` with the bytes of the files its bilag name (absolute paths in a test), as a
    hearing file beside them gives them: a path in a definition alone is never read."""
    files = tuple(BilagFile(b.title, Path(b.file).name, Path(b.file).read_bytes()) for b in definition.bilag)
    return HearingInput(definition, files)


BOTH_CONTACTS = ["direktoer", "stedfortraeder"]


def cli_runner(tmp_path: Path, **env: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs the real ``hoering`` command (a new process) on a SQLite database under ``tmp_path``;
    ``run(*args, at=WHEN)`` fixes the clock like ``hoering --at WHEN``."""
    full_env = {**os.environ, "HOERING_HOME": str(tmp_path / "var"), "HOERING_SECRET_KEY": "cli-test",
                "HOERING_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", **env}

    def run(*args: str, at: str | None = None) -> subprocess.CompletedProcess[str]:
        prefix = ["--at", at] if at else []
        return subprocess.run([sys.executable, "-m", "hoering.cli.main", *prefix, *args], capture_output=True,
                              text=True, env=full_env, cwd=tmp_path, timeout=120)

    return run


def make_runtime(home: Path, database_url: str, clock: Clock, **settings: Any) -> Runtime:
    values: dict[str, Any] = {
        "home": home, "database_url": database_url, "secret_key": "test-secret-key",
        "portal_url": "http://127.0.0.1:8000", "smtp_backoff_seconds": 0.05,
        "smtp_timeout": 5.0, "outbox_lease_seconds": 600.0,
    }
    values.update(settings)
    rt = bootstrap(load_settings(**values), clock=clock)
    upgrade(rt.db)
    load_registry(rt)
    return rt
