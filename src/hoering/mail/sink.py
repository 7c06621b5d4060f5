"""A local SMTP server (aiosmtpd) that keeps what it receives: in memory, and as ``.eml``
files when given a folder. ``make demo`` uses it as its mail server; tests use it as the real
SMTP peer on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


class MailSink:
    """An aiosmtpd handler that accepts every message."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.received: list[Received] = []
        self._lock = threading.Lock()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        self.keep(Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(raw)))
        return "250 Message accepted for delivery"

    def keep(self, item: Received) -> None:
        with self._lock:
            self.received.append(item)
            number = len(self.received)
        if self.directory is not None:
            kind = _kind(item)
            rcpt = item.rcpt_tos[0].replace("@", "_at_") if item.rcpt_tos else "unknown"
            (self.directory / f"{number:04d}-{kind}-{rcpt}.eml").write_bytes(item.raw)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]


def _kind(item: Received) -> str:
    subject = str(item.message.get("Subject", "")).lower()
    for word, kind in (("påmindelse", "reminder"), ("resultat", "result"), ("kvittering", "receipt"),
                       ("mailhøring", "invitation"), ("frist", "deadline"), ("levere", "failure")):
        if word in subject:
            return kind
    return "mail"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def running_sink(handler: Any | None = None, *, directory: Path | None = None, host: str = "127.0.0.1",
                 port: int | None = None, **smtp_kwargs: Any) -> Iterator[tuple[Controller, Any]]:
    """Run an SMTP server on loopback while the block runs; yields (controller, handler)."""
    handler = handler if handler is not None else MailSink(directory)
    controller = Controller(handler, hostname=host, port=port or free_port(host), **smtp_kwargs)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()
