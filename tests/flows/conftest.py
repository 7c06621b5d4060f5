"""One Prefect test harness for every flow test in the session (it costs ~20 s to start)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hoering.runtime import Runtime
from tests.support import Clock, make_runtime


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def flow_env(prefect_harness: None, tmp_path: Path, sqlite_url: str, smtp: Any,
             monkeypatch: pytest.MonkeyPatch) -> Callable[[Clock], Runtime]:
    """The flows build their runtime from the environment: point it at this test's database and
    SMTP server. Returns a factory of runtimes (with the test's clock) for the test's own calls."""
    controller, _ = smtp
    env = {"HOME": tmp_path, "DATABASE_URL": sqlite_url, "SECRET_KEY": "test-secret-key",
           "PORTAL_URL": "http://127.0.0.1:8000", "SMTP_HOST": controller.hostname,
           "SMTP_PORT": controller.port, "SMTP_BACKOFF_SECONDS": 0.05, "SMTP_TIMEOUT": 5.0}
    for name, value in env.items():
        monkeypatch.setenv(f"HOERING_{name}", str(value))

    def runtime(clock: Clock) -> Runtime:
        return make_runtime(tmp_path, sqlite_url, clock, smtp_host=controller.hostname, smtp_port=controller.port)

    return runtime


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/flows/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.flow)
