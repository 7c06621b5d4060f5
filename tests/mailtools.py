"""SMTP test peers: a self-signed certificate for STARTTLS, an authenticator, and a sink that
misbehaves on purpose (4xx for a while, 5xx for some recipients, dropped connections, stalls)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import ssl
from collections import Counter
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import AuthResult, LoginPassword

from hoering.mail.sink import MailSink

USER, PASSWORD = "hoering", "hemmeligt-kodeord"


def self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        (auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD))
    return AuthResult(success=ok, handled=False)


class FaultySink(MailSink):
    """Accepts mail like MailSink, except:

    - ``transient``: the first N DATA commands get this 4xx reply (e.g. "421 ..." or "451 ...");
    - ``reject``: recipients matching this regex get a 550 at RCPT;
    - ``drop``: the first N DATA commands lose the connection before any reply;
    - ``stall``: the first N DATA commands hang for ``stall_seconds`` and are then discarded.
    """

    def __init__(self, *, transient: tuple[int, str] = (0, ""), reject: str | None = None, drop: int = 0,
                 stall: int = 0, stall_seconds: float = 3.0) -> None:
        super().__init__()
        self.transient_left, self.transient_reply = transient
        self.reject = re.compile(reject) if reject else None
        self.drop_left, self.stall_left, self.stall_seconds = drop, stall, stall_seconds
        self.attempts: Counter[str] = Counter()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.reject and self.reject.search(address):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for rcpt in envelope.rcpt_tos:
            self.attempts[rcpt] += 1
        if self.transient_left > 0:
            self.transient_left -= 1
            return self.transient_reply
        if self.drop_left > 0:
            self.drop_left -= 1
            server.transport.abort()
            return "451 never seen"
        if self.stall_left > 0:
            self.stall_left -= 1
            await asyncio.sleep(self.stall_seconds)
            return "451 too slow, discarded"
        return await super().handle_DATA(server, session, envelope)
