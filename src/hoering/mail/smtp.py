"""SMTP connections from settings, and how an SMTP failure is classified."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

import aiosmtplib

from hoering.settings import Settings


class Connection(Protocol):
    async def sendmail(self, sender: str, recipients: list[str], message: str) -> tuple[dict, str]: ...
    async def quit(self) -> object: ...
    @property
    def is_connected(self) -> bool: ...


async def connect(settings: Settings) -> aiosmtplib.SMTP:
    """A connected (and, when configured, encrypted and logged-in) SMTP client."""
    client = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        use_tls=settings.smtp_security == "tls",
        start_tls=True if settings.smtp_security == "starttls" else False if settings.smtp_security == "none" else None,
        validate_certs=settings.smtp_validate_certs,
        cert_bundle=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        timeout=settings.smtp_timeout,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
    )
    await client.connect()
    return client


@dataclass(frozen=True)
class Failure:
    permanent: bool
    reply: str


def classify(exc: BaseException) -> Failure:
    """5xx replies are permanent; 4xx, dropped or refused connections and timeouts are not."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        reply = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        return Failure(permanent=bool(codes) and all(c >= 500 for c in codes), reply=reply)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return Failure(permanent=exc.code >= 500, reply=f"{exc.code} {exc.message}")
    if isinstance(exc, (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError, TimeoutError)):
        return Failure(permanent=False, reply=f"{type(exc).__name__}: {exc}")
    raise exc
