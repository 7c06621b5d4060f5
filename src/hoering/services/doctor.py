"""``hoering doctor``: is this installation ready to run? One line per check, ✓ or ✗, and for a
✗ what to do about it.

Checked in order: the settings, the database and its migrations, the SMTP server (connect,
EHLO, STARTTLS, login, as configured), the IMAP server when the inbox is configured, the Prefect
API and the deployments' schedules. A check that cannot run because an earlier one failed is
skipped, not reported as a second failure. Nothing here raises: every problem becomes a line.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiosmtplib

from hoering.db.schema_version import revisions
from hoering.errors import ConfigurationError, MailboxError
from hoering.inbox.fetch import login, open_mailbox
from hoering.mail import smtp
from hoering.passwords import needs_rehash
from hoering.runtime import bootstrap
from hoering.services.inbox import imap_config, inbox_configured
from hoering.settings import Settings, load_settings

# The scheduled deployments that must exist and be active (deployments/plan.py; a test keeps
# this list equal to the plan's scheduled entries).
SCHEDULED = ("hearing_watch/hearing-watch", "send_outbox/send-outbox", "inbox_watch/inbox-watch",
             "privacy_watch/privacy-watch", "cycle_watch/cycle-watch", "director_status/director-status")


@dataclass(frozen=True)
class Line:
    ok: bool
    name: str
    detail: str
    fix: str = ""

    def render(self) -> str:
        mark = "✓" if self.ok else "✗"
        text = f"{mark} {self.name}: {self.detail}"
        return text if self.ok or not self.fix else f"{text} — {self.fix}"


def diagnose(*, prefect: bool = True) -> Iterator[Line]:
    """Every check, as lines; stops early only where later checks cannot mean anything."""
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        yield Line(False, "settings", str(exc).replace("\n", " "), "fix the HOERING_* value(s) named")
        return
    yield Line(True, "settings", f"valid (home {settings.home}, portal {settings.portal_url})")
    if needs_rehash(settings.admin_password_hash):
        yield Line(False, "shared password", "HOERING_ADMIN_PASSWORD_HASH is an old scrypt hash (still accepted)",
                   "make a new one with `hoering web hash-password` and set it")
    if settings.accessibility_url:
        yield Line(True, "accessibility statement", settings.accessibility_url)
    else:
        yield Line(False, "accessibility statement", "HOERING_ACCESSIBILITY_URL is not set",
                   "publish the statement (was.digst.dk) and set its URL: the law requires the link")
    yield from _database(settings)
    yield from _smtp(settings)
    if inbox_configured(settings):
        yield from _imap(settings)
    if prefect:
        yield from _prefect(inbox=inbox_configured(settings))


def _database(settings: Settings) -> Iterator[Line]:
    rt = bootstrap(settings)
    where = rt.db.engine.url.render_as_string(hide_password=True)
    try:
        current, heads = revisions(rt.db)
    except Exception as exc:
        yield Line(False, "database", f"{where} not reachable: {_short(exc)}",
                   "check HOERING_DATABASE_URL and that the server runs")
        return
    yield Line(True, "database", f"{where} reachable")
    if current == heads:
        yield Line(True, "migrations", f"current ({', '.join(sorted(heads))})")
    else:
        yield Line(False, "migrations", f"database at {sorted(current) or 'nothing'}, code at {sorted(heads)}",
                   "run `hoering init`")


def _smtp(settings: Settings) -> Iterator[Line]:
    try:
        lines = asyncio.run(_smtp_steps(settings))
    except Exception as exc:  # a bug in a check must still not become a traceback
        lines = [Line(False, "SMTP", _short(exc), "see the SMTP server's log")]
    yield from lines


async def _smtp_steps(settings: Settings) -> list[Line]:
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    client = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port,
                             use_tls=settings.smtp_security == "tls", start_tls=False,
                             validate_certs=settings.smtp_validate_certs,
                             cert_bundle=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
                             timeout=min(settings.smtp_timeout, 10.0))
    lines: list[Line] = []
    try:
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            lines.append(Line(False, "SMTP connect", f"{where}: {_short(exc)}",
                              "check HOERING_SMTP_HOST/_PORT/_SECURITY and that the server accepts us"))
            return lines
        lines.append(Line(True, "SMTP connect", f"{where}"
                          + (f" ({smtp.tls_version(client)})" if settings.smtp_security == "tls" else "")))
        try:
            await client.ehlo()
        except aiosmtplib.SMTPException as exc:
            lines.append(Line(False, "SMTP EHLO", _short(exc), "the server refuses EHLO; check its log"))
            return lines
        lines.append(Line(True, "SMTP EHLO", ", ".join(sorted(client.esmtp_extensions)) or "no extensions"))
        wants_starttls = settings.smtp_security == "starttls" or (
            settings.smtp_security == "none" and settings.smtp_require_tls)
        if wants_starttls:
            if not client.supports_extension("starttls"):
                lines.append(Line(False, "SMTP STARTTLS", f"{where} does not offer STARTTLS",
                                  "use a server with STARTTLS, or HOERING_SMTP_SECURITY=tls on port 465"))
                return lines
            try:
                await client.starttls()
            except (aiosmtplib.SMTPException, ssl.SSLError, OSError) as exc:
                lines.append(Line(False, "SMTP STARTTLS", _short(exc),
                                  "check the certificate: HOERING_SMTP_CA_FILE / HOERING_SMTP_VALIDATE_CERTS"))
                return lines
            lines.append(Line(True, "SMTP STARTTLS", smtp.tls_version(client) or "?"))
        if settings.smtp_require_tls:
            version = smtp.tls_version(client)
            if version not in smtp.TLS_VERSIONS:
                lines.append(Line(False, "SMTP TLS", f"{version or 'no TLS'}, but HOERING_SMTP_REQUIRE_TLS is set",
                                  "mail will stay pending until the server offers TLS 1.2+"))
                return lines
            lines.append(Line(True, "SMTP TLS", f"{version} (required)"))
        if settings.smtp_username and settings.smtp_password:
            try:
                await client.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            except aiosmtplib.SMTPException as exc:
                lines.append(Line(False, "SMTP login", f"as {settings.smtp_username}: {_short(exc)}",
                                  "check HOERING_SMTP_USERNAME/_PASSWORD"))
                return lines
            lines.append(Line(True, "SMTP login", f"as {settings.smtp_username}"))
        return lines
    finally:
        if client.is_connected:
            try:
                await asyncio.wait_for(client.quit(), timeout=5)
            except Exception:
                client.close()


def _imap(settings: Settings) -> Iterator[Line]:
    """The mailbox exactly as ``inbox_watch`` opens it (same settings, TLS and login code)."""
    try:
        config = imap_config(settings)
    except ConfigurationError as exc:
        yield Line(False, "IMAP settings", str(exc), "complete the HOERING_IMAP_* settings")
        return
    where = f"{config.host}:{config.port} ({config.security})"
    try:
        box = open_mailbox(config)
    except Exception as exc:  # OSError, ssl.SSLError, imaplib.IMAP4.error
        yield Line(False, "IMAP connect", f"{where}: {_short(exc)}", "check HOERING_IMAP_HOST/_PORT/_SECURITY")
        return
    yield Line(True, "IMAP connect", where)
    try:
        try:
            login(box, config)
        except MailboxError as exc:
            how = "HOERING_IMAP_OAUTH2_TOKEN_COMMAND" if config.token_provider else "HOERING_IMAP_USERNAME/_PASSWORD"
            yield Line(False, "IMAP login", f"as {config.username}: {_short(exc)}", f"check {how}")
            return
        yield Line(True, "IMAP login", f"as {config.username}")
        if box.folder.exists(config.folder):
            yield Line(True, "IMAP folder", config.folder)
        else:
            yield Line(False, "IMAP folder", f"{config.folder} does not exist", "check HOERING_IMAP_FOLDER")
    finally:
        with contextlib.suppress(Exception):
            box.logout()


def _prefect(*, inbox: bool) -> Iterator[Line]:
    try:
        lines = asyncio.run(_prefect_steps(inbox=inbox))
    except Exception as exc:
        lines = [Line(False, "Prefect API", _short(exc), "check PREFECT_API_URL and the Prefect server")]
    yield from lines


async def _prefect_steps(*, inbox: bool) -> list[Line]:
    # Imported here: Prefect takes seconds to import, and only this check needs it.
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        return [Line(False, "Prefect API", "PREFECT_API_URL is not set (no server: schedules never run)",
                     "start the Prefect server and set PREFECT_API_URL=http://HOST:4200/api")]
    async with get_client() as client:
        failure = await client.api_healthcheck()
        if failure is not None:
            return [Line(False, "Prefect API", f"{url}: {_short(failure)}",
                         "start the Prefect server (prefect-server.service)")]
        lines = [Line(True, "Prefect API", f"{url} healthy")]
        found: dict[str, Any] = {}
        for existing in await client.read_deployments():
            flow = await client.read_flow(existing.flow_id)
            found[f"{flow.name}/{existing.name}"] = existing
    for name in SCHEDULED:
        deployment = found.get(name)
        if deployment is None:
            lines.append(Line(False, f"deployment {name}", "not deployed",
                              "start the flows' runner (hoering-flows.service / make serve)"))
            continue
        active = [s for s in deployment.schedules if s.active]
        if deployment.paused or not active:
            paused = [s for s in deployment.schedules if not s.active]
            fix = (f"prefect deployment schedule resume {name} {paused[0].id}" if paused
                   else "restart hoering-flows.service (it re-creates the schedules)")
            lines.append(Line(False, f"deployment {name}", "paused" if deployment.paused else "no active schedule",
                              fix))
        else:
            crons = ", ".join(str(getattr(s.schedule, "cron", s.schedule)) for s in active)
            skips = "" if inbox or not name.startswith("inbox_watch/") else \
                "; each run skips: no mailbox is configured (HOERING_IMAP_HOST, HOERING_IMAP_USERNAME)"
            lines.append(Line(True, f"deployment {name}", f"scheduled ({crons}){skips}"))
    return lines


def _short(exc: object) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return f"{type(exc).__name__}: {first}"[:240] if isinstance(exc, BaseException) else first[:240]
