"""``hoering doctor``: every check a ✓/✗ line with what to do, exit 1 on any ✗, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from bench.dovecot import dovecot_missing, running_dovecot
from deployments.plan import PLAN

from hoering.mail.sink import free_port, running_sink
from hoering.services.doctor import SCHEDULED
from tests.mailtools import PASSWORD, USER, authenticator, self_signed, server_tls_context
from tests.support import ROOT, cli_runner

PAUSE = """
import asyncio
from prefect.client.orchestration import get_client

async def main():
    async with get_client() as client:
        d = await client.read_deployment_by_name("send_outbox/send-outbox")
        for s in d.schedules:
            await client.update_deployment_schedule(d.id, s.id, active=False)

asyncio.run(main())
"""
A11Y = "https://www.was.digst.dk/hoering-example"


def lines(out: str) -> dict[str, str]:
    return {line.split(":", 1)[0][2:]: line for line in out.splitlines() if line[:1] in "✓✗"}


def test_all_green_against_a_starttls_server_with_login(tmp_path):
    cert, key = self_signed(tmp_path)
    with running_sink(tls_context=server_tls_context(cert, key), require_starttls=True,
                      authenticator=authenticator, auth_required=True) as (controller, _):
        run = cli_runner(tmp_path, HOERING_SMTP_HOST="127.0.0.1", HOERING_SMTP_PORT=str(controller.port),
                         HOERING_SMTP_SECURITY="starttls", HOERING_SMTP_CA_FILE=str(cert),
                         HOERING_SMTP_USERNAME=USER, HOERING_SMTP_PASSWORD=PASSWORD,
                         HOERING_SMTP_REQUIRE_TLS="true", HOERING_ACCESSIBILITY_URL=A11Y)
        assert run("init").returncode == 0
        result = run("doctor", "--no-prefect")
    found = lines(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(found) == {"settings", "accessibility statement", "database", "migrations", "SMTP connect",
                          "SMTP EHLO", "SMTP STARTTLS", "SMTP TLS", "SMTP login"}, result.stdout
    assert all(line.startswith("✓") for line in found.values()) and "All checks passed." in result.stdout


@pytest.mark.skipif(bool(dovecot_missing()), reason=dovecot_missing() or "")
def test_all_green_against_the_smtp_server_and_dovecot(tmp_path):
    """The inbox configured: the doctor opens Dovecot the way ``inbox_watch`` does (TLS, login,
    folder); a wrong password and a closed IMAP port are each a ✗ line naming what to check."""
    with running_sink() as (controller, _), running_dovecot() as imap:
        mailbox = {"HOERING_SMTP_HOST": "127.0.0.1", "HOERING_SMTP_PORT": str(controller.port),
                   "HOERING_ACCESSIBILITY_URL": A11Y, "HOERING_IMAP_HOST": imap.host,
                   "HOERING_IMAP_PORT": str(imap.imaps_port), "HOERING_IMAP_SECURITY": "tls",
                   "HOERING_IMAP_USERNAME": imap.user, "HOERING_IMAP_CA_FILE": str(imap.ca_file)}
        run = cli_runner(tmp_path, **mailbox, HOERING_IMAP_PASSWORD=imap.password)
        assert run("init").returncode == 0
        result = run("doctor", "--no-prefect")
        found = lines(result.stdout)
        assert result.returncode == 0, result.stdout + result.stderr
        assert {"SMTP connect", "IMAP connect", "IMAP login", "IMAP folder"} <= set(found), result.stdout
        assert all(line.startswith("✓") for line in found.values()), result.stdout
        wrong = cli_runner(tmp_path, **mailbox, HOERING_IMAP_PASSWORD="forkert")("doctor", "--no-prefect")
        assert wrong.returncode == 1 and lines(wrong.stdout)["IMAP login"].startswith("✗")
        assert "HOERING_IMAP_USERNAME/_PASSWORD" in lines(wrong.stdout)["IMAP login"]
        closed = free_port()
        gone = cli_runner(tmp_path, **{**mailbox, "HOERING_IMAP_PORT": str(closed)},
                          HOERING_IMAP_PASSWORD=imap.password)("doctor", "--no-prefect")
        line = lines(gone.stdout)["IMAP connect"]
        assert gone.returncode == 1 and line.startswith("✗") and f"{imap.host}:{closed}" in line
        assert "Traceback" not in gone.stdout + gone.stderr


def test_closed_smtp_port_is_named(tmp_path):
    port = free_port()
    run = cli_runner(tmp_path, HOERING_SMTP_HOST="127.0.0.1", HOERING_SMTP_PORT=str(port))
    assert run("init").returncode == 0
    result = run("doctor", "--no-prefect")
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    line = lines(result.stdout)["SMTP connect"]
    assert line.startswith("✗") and f"127.0.0.1:{port}" in line and "HOERING_SMTP_HOST" in line
    assert lines(result.stdout)["database"].startswith("✓")
    assert "HOERING_ACCESSIBILITY_URL" in lines(result.stdout)["accessibility statement"]


def test_wrong_password_no_starttls_and_bad_settings(tmp_path):
    cert, key = self_signed(tmp_path)
    with running_sink(tls_context=server_tls_context(cert, key), authenticator=authenticator,
                      auth_required=True) as (controller, _):
        common = {"HOERING_SMTP_HOST": "127.0.0.1", "HOERING_SMTP_PORT": str(controller.port),
                  "HOERING_SMTP_CA_FILE": str(cert), "HOERING_SMTP_SECURITY": "starttls"}
        bad_login = cli_runner(tmp_path, **common, HOERING_SMTP_USERNAME=USER, HOERING_SMTP_PASSWORD="forkert")
        assert bad_login("init").returncode == 0
        result = bad_login("doctor", "--no-prefect")
        assert result.returncode == 1 and lines(result.stdout)["SMTP login"].startswith("✗")
    with running_sink() as (controller, _):
        plain = cli_runner(tmp_path, HOERING_SMTP_HOST="127.0.0.1", HOERING_SMTP_PORT=str(controller.port),
                           HOERING_SMTP_REQUIRE_TLS="true")
        result = plain("doctor", "--no-prefect")
        assert result.returncode == 1 and "does not offer STARTTLS" in lines(result.stdout)["SMTP STARTTLS"]
    broken = cli_runner(tmp_path, HOERING_SMTP_PORT="not-a-port")
    result = broken("doctor", "--no-prefect")
    assert result.returncode == 1 and "HOERING_SMTP_PORT" in lines(result.stdout)["settings"]
    assert "Traceback" not in result.stdout + result.stderr


def test_database_not_reachable(tmp_path):
    run = cli_runner(tmp_path, HOERING_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    result = run("doctor", "--no-prefect")
    assert result.returncode == 1 and lines(result.stdout)["database"].startswith("✗")
    assert "HOERING_DATABASE_URL" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_prefect_not_configured(tmp_path):
    run = cli_runner(tmp_path, PREFECT_API_URL="", PREFECT_HOME=str(tmp_path / "prefect"))
    run("init")
    line = lines(run("doctor").stdout)["Prefect API"]
    assert line.startswith("✗") and "PREFECT_API_URL" in line


def test_the_scheduled_deployments_doctor_expects_are_the_plans():
    assert set(SCHEDULED) == {f"{p.flow}/{p.name}" for p in PLAN if p.cron}


@pytest.mark.slow
def test_prefect_server_and_schedules(tmp_path):
    """A real `prefect server start`, the deployments applied with their schedules: ✓; a paused
    schedule: ✗ with the command that resumes it."""
    from deployments.server import running_server

    port = free_port()
    with running_server(port=port, home=tmp_path / "prefect", log=tmp_path / "server.log") as api_url, \
            running_sink() as (controller, _):
        env = {"PREFECT_API_URL": api_url, "PREFECT_HOME": str(tmp_path / "prefect")}
        apply = subprocess.run([sys.executable, "-c", "from deployments.plan import runner_deployments\n"
                                "for d in runner_deployments(): d.apply()"], cwd=ROOT, capture_output=True,
                               text=True, timeout=180, env={**os.environ, **env})
        assert apply.returncode == 0, apply.stderr
        run = cli_runner(tmp_path, HOERING_SMTP_HOST="127.0.0.1", HOERING_SMTP_PORT=str(controller.port),
                         HOERING_ACCESSIBILITY_URL=A11Y, **env)
        assert run("init").returncode == 0
        result = run("doctor")
        assert result.returncode == 0, result.stdout
        found = lines(result.stdout)
        assert found["Prefect API"].startswith("✓")
        assert found["deployment hearing_watch/hearing-watch"].startswith("✓")
        paused = subprocess.run([sys.executable, "-c", PAUSE], capture_output=True, text=True, timeout=120,
                                env={**os.environ, **env})
        assert paused.returncode == 0, paused.stdout + paused.stderr
        result = run("doctor")
        line = lines(result.stdout)["deployment send_outbox/send-outbox"]
        assert result.returncode == 1 and line.startswith("✗") and "prefect deployment schedule resume" in line
