"""Reading the secretariat's mailbox over IMAP: TLS or STARTTLS, a password or an XOAUTH2 token.

imap-tools rather than aioimaplib: the inbox runs as a short scheduled step (every two minutes)
and as a CLI command, both synchronous like the rest of the services; imap-tools wraps the
standard library's imaplib (TLS, STARTTLS, ``AUTHENTICATE XOAUTH2``, ``UID MOVE`` with a
COPY/EXPUNGE fallback) behind a small API, where aioimaplib would give an asyncio protocol to
drive by hand and an event loop inside every service call. The raw bytes are fetched with
``UID FETCH … BODY.PEEK[]`` through imap-tools' client, unchanged, since their SHA-256 is what
the store deduplicates on.

The protocol with the store (``hoering.services.inbox``): fetch a batch, store each message
(committed), *then* move the batch to the processed folder (or flag it when no folder is set).
A reader killed in between finds the messages again next time; the store already has them.

``watch_mailbox`` is the same reading on one held connection, woken by IMAP IDLE (``hoering inbox
watch``): a reply counts seconds after it arrives instead of at the next scheduled fetch.
"""

from __future__ import annotations

import imaplib
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls

from hoering.errors import MailboxError

PROCESSED_FLAG = "$HoeringRead"
Mailbox = BaseMailBox  # a logged-in connection, for callers that do not import imap-tools


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    username: str
    security: Literal["tls", "starttls"] = "tls"
    password: str | None = None
    token_provider: Callable[[], str] | None = None  # XOAUTH2: returns a fresh access token
    folder: str = "INBOX"
    processed_folder: str | None = "Behandlet"
    ca_file: Path | None = None
    validate_certs: bool = True
    timeout: float = 30.0


def ssl_context(config: ImapConfig) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)
    if not config.validate_certs:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def open_mailbox(config: ImapConfig) -> BaseMailBox:
    """The connection, TLS from the start or upgraded by STARTTLS, not yet logged in."""
    ctx = ssl_context(config)
    if config.security == "tls":
        return MailBox(config.host, config.port, timeout=config.timeout, ssl_context=ctx)
    return MailBoxStartTls(config.host, config.port, timeout=config.timeout, ssl_context=ctx)


def login(box: BaseMailBox, config: ImapConfig) -> None:
    """Password or XOAUTH2 login, then the capabilities the server names after login."""
    try:
        if config.token_provider is not None:
            box.xoauth2(config.username, config.token_provider(), initial_folder=config.folder)
        else:
            box.login(config.username, config.password or "", initial_folder=config.folder)
    except Exception as exc:  # imaplib and imap-tools raise several unrelated types here
        raise MailboxError(f"IMAP login to {config.host}:{config.port} failed: {exc}") from exc
    refresh_capabilities(box)


@contextmanager
def connect(config: ImapConfig) -> Iterator[BaseMailBox]:
    try:
        box = open_mailbox(config)
    except Exception as exc:  # OSError, ssl.SSLError, imaplib.IMAP4.error
        raise MailboxError(f"IMAP connection to {config.host}:{config.port} failed: {exc}") from exc
    try:
        login(box, config)
        if config.processed_folder and not box.folder.exists(config.processed_folder):
            box.folder.create(config.processed_folder)
        yield box
    finally:
        with suppress(Exception):  # the connection may already be gone; nothing to clean up then
            box.logout()


def refresh_capabilities(box: BaseMailBox) -> None:
    """Ask for the capabilities again after login. imaplib keeps the list the server announced
    before login, and Dovecot (like most servers) names MOVE only afterwards; without it imap-tools
    falls back to COPY + EXPUNGE, and a reader killed between the two leaves a second copy in the
    processed folder. ``UID MOVE`` (RFC 6851) moves each message atomically."""
    with suppress(Exception):  # a server that refuses CAPABILITY keeps the pre-login list
        status, data = box.client.capability()
        if status == "OK" and data and data[-1]:
            box.client.capabilities = tuple(data[-1].decode().upper().split())


def waiting_uids(box: BaseMailBox, config: ImapConfig) -> list[str]:
    criteria = "ALL" if config.processed_folder else f"UNKEYWORD {PROCESSED_FLAG}"
    return list(box.uids(criteria))


def fetch_raw(box: BaseMailBox, uids: list[str]) -> Iterator[tuple[str, bytes]]:
    """(uid, raw bytes) of each message, unchanged, without setting \\Seen."""
    if not uids:
        return
    status, data = box.client.uid("FETCH", ",".join(uids), "(UID BODY.PEEK[])")
    if status != "OK":
        raise MailboxError(f"IMAP FETCH failed: {data!r}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            head, raw = item
            uid = head.decode().split("UID ")[1].split()[0].rstrip(")") if b"UID " in head else ""
            yield uid, raw


def mark_processed(box: BaseMailBox, uids: list[str], config: ImapConfig) -> None:
    if not uids:
        return
    if config.processed_folder:
        box.move(uids, config.processed_folder)
    else:
        box.flag(uids, PROCESSED_FLAG, True)


def read_mailbox(config: ImapConfig, store: Callable[[bytes, str], None], *, batch: int = 50) -> int:
    """Fetch every waiting message in batches, ``store`` each (it must commit), then mark the
    batch processed on the server. Returns how many messages were fetched."""
    with connect(config) as box:
        return read_waiting(box, config, store, batch=batch)


def read_waiting(box: BaseMailBox, config: ImapConfig, store: Callable[[bytes, str], None], *,
                 batch: int = 50) -> int:
    fetched = 0
    uids = waiting_uids(box, config)
    for i in range(0, len(uids), batch):
        chunk = uids[i:i + batch]
        done = []
        for uid, raw in fetch_raw(box, chunk):
            store(raw, uid)
            done.append(uid)
            fetched += 1
        mark_processed(box, done, config)
    return fetched


# What a dropped or refused connection raises: imaplib's errors (abort on a lost connection),
# socket and TLS errors, and ours (a failed login).
DROPPED = (imaplib.IMAP4.error, OSError, MailboxError)


def watch_mailbox(config: ImapConfig, on_mail: Callable[[BaseMailBox], None], *,
                  keep_going: Callable[[], bool], idle_seconds: float = 29 * 60, poll_seconds: float = 60.0,
                  retry_seconds: float = 5.0, on_error: Callable[[Exception], None] | None = None,
                  sleep: Callable[[float], None] = time.sleep) -> None:
    """Hold a connection and call ``on_mail(box)`` at once when mail arrives: IMAP IDLE (RFC
    2177, re-issued every ``idle_seconds``, at most 29 minutes), or a poll every
    ``poll_seconds`` where the server lacks IDLE. ``on_mail`` also runs after each (re)connect,
    for what arrived meanwhile. A dropped connection (a restarted server) is opened again after
    ``retry_seconds``; ``keep_going`` is asked between waits."""
    while keep_going():
        try:
            with connect(config) as box:
                on_mail(box)
                idle = "IDLE" in box.client.capabilities
                while keep_going():
                    if idle:
                        responses = box.idle.wait(timeout=min(idle_seconds, 29 * 60))
                        if any(r.startswith(b"* BYE") for r in responses):
                            raise MailboxError("the server closed the connection")
                        if not responses:
                            box.client.noop()  # a silent timeout, or a connection gone quietly
                            continue
                    else:
                        sleep(poll_seconds)
                    on_mail(box)
        except DROPPED as exc:
            if on_error is not None:
                on_error(exc)
            if keep_going():
                sleep(retry_seconds)
