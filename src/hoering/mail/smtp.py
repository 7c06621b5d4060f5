"""SMTP connections from settings, and how an SMTP failure is classified.

With ``HOERING_SMTP_REQUIRE_TLS=true`` (the public sector's forced TLS for sensitive mail) a
connection is used only once it runs TLS 1.2 or newer: STARTTLS is attempted when the server
offers it, and a connection left in plain text is closed before any login or message, with
:class:`TlsRequired`. The sender keeps such rows pending (they are not the message's fault).
"""

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


TLS_VERSIONS = ("TLSv1.2", "TLSv1.3")


class TlsRequired(aiosmtplib.SMTPException):
    """HOERING_SMTP_REQUIRE_TLS is set and the connection has no TLS 1.2 or newer: nothing was sent."""


def client_for(settings: Settings) -> aiosmtplib.SMTP:
    """An unconnected client configured from settings (with forced TLS, no login on connect:
    :func:`connect` logs in only after checking the connection is encrypted)."""
    require = settings.smtp_require_tls
    if settings.smtp_security == "starttls":
        start_tls: bool | None = True
    elif settings.smtp_security == "none":
        start_tls = None if require else False  # forced TLS: upgrade whenever the server offers it
    else:
        start_tls = None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        use_tls=settings.smtp_security == "tls",
        start_tls=start_tls,
        validate_certs=settings.smtp_validate_certs,
        cert_bundle=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        timeout=settings.smtp_timeout,
        username=None if require else settings.smtp_username,
        password=None if require else password,
    )


def tls_version(client: aiosmtplib.SMTP) -> str | None:
    """The TLS version of a connected client ("TLSv1.3"), or None in plain text."""
    ssl_object = client.get_transport_info("ssl_object") if client.is_connected else None
    return ssl_object.version() if ssl_object is not None else None


async def connect(settings: Settings) -> aiosmtplib.SMTP:
    """A connected (and, when configured, encrypted and logged-in) SMTP client."""
    client = client_for(settings)
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        await client.connect()
    except aiosmtplib.SMTPException as exc:
        if settings.smtp_require_tls and "STARTTLS" in str(exc):
            client.close()
            raise TlsRequired(f"{where} offers no STARTTLS and HOERING_SMTP_REQUIRE_TLS is set: "
                              "nothing sent") from exc
        raise
    if not settings.smtp_require_tls:
        return client
    version = tls_version(client)
    if version not in TLS_VERSIONS:
        client.close()
        raise TlsRequired(f"the connection to {where} is {'not encrypted' if version is None else version}, "
                          "and HOERING_SMTP_REQUIRE_TLS asks for TLS 1.2 or newer: nothing sent")
    if settings.smtp_username is not None and settings.smtp_password is not None:
        await client.login(settings.smtp_username, settings.smtp_password.get_secret_value())
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
