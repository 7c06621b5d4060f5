"""HOERING_SMTP_REQUIRE_TLS: nothing goes out over a connection without TLS 1.2+; the rows stay
pending with the reason, and the secretariat is told (send report, `outbox status`, the CLI)."""

from __future__ import annotations

from sqlalchemy import select

from hoering.db.models import OutboxMessage
from hoering.mail.sink import running_sink
from hoering.services.hearings import open_hearing, read_hearing_file
from hoering.services.outbox import outbox_status, send_outbox
from tests.mailtools import PASSWORD, USER, authenticator, self_signed, server_tls_context
from tests.support import EXAMPLES, cli_runner, make_runtime


def open_jyfe(rt) -> int:
    return open_hearing(rt, read_hearing_file(EXAMPLES / "jyfe.yaml"))


def test_no_starttls_means_nothing_sent_and_rows_stay_pending(tmp_path, sqlite_url, clock):
    with running_sink() as (controller, sink):  # aiosmtpd without a TLS context: no STARTTLS offered
        rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port,
                          smtp_require_tls=True, smtp_max_attempts=1)
        open_jyfe(rt)
        report = send_outbox(rt)
        assert report.sent == 0 and report.failed == 0 and report.held == 11
        assert "HOERING_SMTP_REQUIRE_TLS" in report.errors[0] and "nothing sent" in report.errors[0]
        assert sink.received == []
        with rt.db.read() as s:
            rows = list(s.execute(select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error)))
        assert {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {0}
        assert all("TLS" in (r.last_error or "") for r in rows)
        waiting = outbox_status(rt)["retrying"]
        assert len(waiting) == 11 and "not encrypted" in waiting[0]["last_error"]
        # max_attempts=1 would have failed them for good if they were counted as attempts:
        clock.advance(hours=2)
        assert send_outbox(rt).held == 11 and sink.received == []
        # without the rule the same server gets the mail
        plain = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port)
        clock.advance(hours=2)
        assert send_outbox(plain).sent == 11 and len(sink.received) == 11


def test_starttls_with_self_signed_certificate_sends(tmp_path, sqlite_url, clock):
    cert, key = self_signed(tmp_path)
    with running_sink(tls_context=server_tls_context(cert, key), authenticator=authenticator,
                      auth_required=True) as (controller, sink):
        rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port,
                          smtp_security="starttls", smtp_ca_file=cert, smtp_require_tls=True,
                          smtp_username=USER, smtp_password=PASSWORD)
        open_jyfe(rt)
        report = send_outbox(rt)
        assert report.sent == 11 and report.held == 0 and len(sink.received) == 11


def test_security_none_upgrades_when_the_server_offers_starttls(tmp_path, sqlite_url, clock):
    cert, key = self_signed(tmp_path)
    with running_sink(tls_context=server_tls_context(cert, key), require_starttls=True) as (controller, sink):
        rt = make_runtime(tmp_path, sqlite_url, clock, smtp_host="127.0.0.1", smtp_port=controller.port,
                          smtp_security="none", smtp_ca_file=cert, smtp_require_tls=True)
        open_jyfe(rt)
        assert send_outbox(rt).sent == 11 and len(sink.received) == 11


def test_cli_tells_the_secretariat(tmp_path):
    with running_sink() as (controller, sink):
        run = cli_runner(tmp_path, HOERING_SMTP_HOST="127.0.0.1", HOERING_SMTP_PORT=str(controller.port),
                         HOERING_SMTP_REQUIRE_TLS="true")
        assert run("init").returncode == 0
        opened = run("hearing", "open", str(EXAMPLES / "jyfe.yaml"), at="2014-04-29T10:00")
        assert opened.returncode == 0, opened.stderr
        sent = run("outbox", "send", at="2014-04-29T10:01")
        assert "holdt tilbage for TLS: 11" in sent.stdout and "Sendt: 0" in sent.stdout, sent.stdout
        assert sink.received == []
