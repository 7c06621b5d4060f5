"""The governance tests: a runtime on SQLite with mail to a loopback SMTP server, and the
DAS meeting of 15 March 2021 replayed through the cycle once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hoering.mail.sink import MailSink, running_sink
from hoering.runtime import Runtime, forget_databases
from tests.governance.das2021 import Replay, local
from tests.support import Clock, make_runtime


@pytest.fixture
def srt(tmp_path: Path, clock: Clock, smtp: tuple[object, MailSink]) -> Iterator[Runtime]:
    """A runtime on SQLite only (for tests whose subject is not the database)."""
    controller, _ = smtp
    yield make_runtime(tmp_path, f"sqlite:///{tmp_path / 'hoering.db'}", clock,
                       smtp_host=controller.hostname, smtp_port=controller.port)  # type: ignore[attr-defined]
    forget_databases()


@pytest.fixture(scope="session")
def das2021(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Replay, MailSink]]:
    """The whole replay (plan, raise, FU, agenda, decisions, minutes, KKR), done once."""
    home = tmp_path_factory.mktemp("das2021")
    with running_sink() as (controller, sink):
        clock = Clock(local(2021, 2, 15, 10))
        rt = make_runtime(home, f"sqlite:///{home / 'hoering.db'}", clock,
                          smtp_host=controller.hostname, smtp_port=controller.port)
        yield Replay(rt, clock).run_all(), sink
    forget_databases()
