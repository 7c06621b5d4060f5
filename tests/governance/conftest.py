"""The governance tests: the DAS meeting of 15 March 2021 replayed through the cycle once per
session (with mail to a real SMTP server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hoering.mail.sink import MailSink, running_sink
from hoering.runtime import forget_databases
from tests.governance.das2021 import Replay, local
from tests.support import Clock, make_runtime


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
