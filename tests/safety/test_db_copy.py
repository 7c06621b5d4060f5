"""Item 3: a copy of the database gives no working answer link. A queued mail holds placeholders
for its links (the sender puts the tokens in), the stored copy has them redacted; the SQLite file
is created 0600 in a 0700 home."""

from __future__ import annotations

import re
import stat
from email import message_from_string, policy

from sqlalchemy import select

from hoering.db.models import AnswerToken, OutboxCopy, OutboxMessage, OutboxUnsent
from hoering.mail.redact import redact_answer_links
from hoering.services.outbox import send_outbox
from hoering.tokens import derive_token
from tests.support import make_runtime
from tests.web.conftest import LINK, open_example

TOKEN = re.compile(r"/svar/([A-Za-z0-9_-]{43})")


def bodies(raw: str) -> str:
    msg = message_from_string(raw, policy=policy.default)
    return "\n".join(p.get_content() for p in msg.walk() if p.get_content_maintype() == "text")


def test_sent_mails_keep_no_live_link(tmp_path, database_url, clock, smtp, sink):
    controller, _ = smtp
    rt = make_runtime(tmp_path, database_url, clock, smtp_host=controller.hostname, smtp_port=controller.port)
    open_example(rt)
    with rt.db.read() as s:
        live = {derive_token(rt.secret, n) for n in s.scalars(select(AnswerToken.nonce))}
        pending = s.scalars(select(OutboxUnsent.raw)).all()
    queued = {t for raw in pending for t in TOKEN.findall(bodies(raw))}
    assert live and len(queued) == len(pending) and not queued & live  # before sending: placeholders
    assert send_outbox(rt).sent == len(pending)
    received = {m.group(2) for msg in sink.messages
                for m in LINK.finditer(msg.get_body(preferencelist=("plain",)).get_content())}
    assert received == live, "the mails themselves must still carry the links"
    with rt.db.read() as s:
        stored = s.execute(select(OutboxMessage.status, OutboxCopy.raw).join(OutboxMessage.copy)).all()
        assert not s.scalars(select(OutboxUnsent.raw)).all(), "an unsent message stays after sending"
    assert {status for status, _ in stored} == {"sent"}
    found = {t for _, raw in stored for t in TOKEN.findall(bodies(raw)) + TOKEN.findall(raw)}
    assert not found & live, f"{len(found & live)} live answer links in the stored mails"
    assert all("/svar/[fjernet]" in bodies(raw) for _, raw in stored)  # all of them were invitations


def test_redaction_keeps_the_rest_of_the_message():
    from hoering.mail.outbox import build_message
    from hoering.mail.render import Rendered
    from hoering.settings import load_settings
    from tests.support import JYFE_OPENED

    link = "https://portal.example/svar/" + "A" * 43
    rendered = Rendered(subject="Mailhøring: JYFE", text=f"Kære direktør\n\nSvar her: {link}\n\nMvh æøå",
                        html=f'<p>Svar <a href="{link}">her</a> æøå</p>')
    raw = build_message(settings=load_settings(secret_key="x"), key="k", to="a@b.example", to_name="Å",
                        rendered=rendered, now=JYFE_OPENED).as_string()
    redacted = redact_answer_links(raw)
    assert "A" * 43 not in bodies(redacted)
    assert "Svar her: https://portal.example/svar/[fjernet]" in bodies(redacted) and "Mvh æøå" in bodies(redacted)
    original, after = message_from_string(raw), message_from_string(redacted)
    assert after["Message-ID"] == original["Message-ID"] and after["Subject"] == original["Subject"]
    assert redact_answer_links(redacted) == redacted


def test_sqlite_file_and_home_are_private(tmp_path, clock):
    home = tmp_path / "home"
    rt = make_runtime(home, f"sqlite:///{home / 'hoering.db'}", clock, secret_key=None)
    assert rt.secret  # creates the key file
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "hoering.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "secret.key").stat().st_mode) == 0o600
    for extra in home.glob("hoering.db-*"):
        assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra


def test_the_chairs_approval_link_is_redacted_too():
    from hoering.mail.outbox import build_message
    from hoering.mail.render import Rendered
    from hoering.settings import load_settings
    from tests.support import JYFE_OPENED

    link = "https://portal.example/referat/12/34/" + "B" * 43
    rendered = Rendered(subject="Udkast til referat", text=f"Godkend referatet her:\n{link}\n",
                        html=f'<p><a href="{link}">Godkend referatet</a></p>')
    raw = build_message(settings=load_settings(secret_key="x"), key="k", to="a@b.example", to_name="Å",
                        rendered=rendered, now=JYFE_OPENED).as_string()
    redacted = redact_answer_links(raw)
    assert "B" * 43 not in bodies(redacted)
    assert "https://portal.example/referat/12/34/[fjernet]" in bodies(redacted)
