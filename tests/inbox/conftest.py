"""Fixtures of the inbox tests: a real Dovecot on loopback, and a runtime that reads it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.dovecot import dovecot_missing

from hoering.mail.sink import MailSink
from hoering.runtime import Runtime
from tests.inbox.support import Mailbox, imap_settings, running_mailbox
from tests.support import Clock, make_runtime

_DOVECOT = dovecot_missing()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    if _DOVECOT:
        pytest.skip(_DOVECOT)
    yield from running_mailbox()


@pytest.fixture
def inbox_rt(tmp_path: Path, database_url: str, clock: Clock, smtp: tuple[object, MailSink],
             mailbox: Mailbox) -> Runtime:
    controller, _ = smtp
    return make_runtime(tmp_path, database_url, clock, smtp_host=controller.hostname,  # type: ignore[attr-defined]
                        smtp_port=controller.port, **imap_settings(mailbox.server))  # type: ignore[attr-defined]
