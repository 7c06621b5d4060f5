"""Migration 0017: incoming mail stored before it has its personal links redacted; the outbox's
unsent messages get their ``links`` column (and lose it again when downgraded), and a message
queued before has its links' tokens replaced by placeholders the sender fills in."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP

from alembic import command
from sqlalchemy import inspect, select, text

from hoering.db.migrate import upgrade
from hoering.db.models import OutboxUnsent
from hoering.mail.links import with_tokens
from hoering.services.hearings import open_hearing
from hoering.services.outbox import send_outbox
from hoering.tokens import derive_token
from tests.integration.test_outbox_migration import _migrate
from tests.live_links import find_live, live_tokens, table_blobs
from tests.support import jyfe
from tests.web.conftest import LINK


def _reply(token: str) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"], msg["To"], msg["Subject"] = "a@b.example", "c@d.example", "SV: Mailhøring"
    msg.set_content(f"Vi tilslutter os.\n\n> Svar her: http://127.0.0.1:8000/svar/{token}\n> æøå\n")
    return msg.as_bytes()


def test_0017_redacts_the_stored_incoming_mail(rt):
    _migrate(rt, command.downgrade, "0016_outbox_bodies")
    assert "links" not in {c["name"] for c in inspect(rt.db.engine).get_columns("outbox_unsent")}
    token = derive_token(rt.secret, "0123456789abcdef0123456789abcdef")
    quoting, plain = _reply(token), _reply("kort")
    with rt.db.engine.begin() as c:
        for n, raw in enumerate((quoting, plain)):
            c.execute(text("INSERT INTO inbox_message (sha256, received_at, source, from_addr, subject, raw, status, "
                           "detail) VALUES (:sha, :at, 'imap', 'a@b.example', 'SV', :raw, 'recorded', '{}')"),
                      {"sha": f"{n:064d}", "at": datetime(2014, 5, 1, tzinfo=UTC), "raw": raw})
    upgrade(rt.db)
    with rt.db.engine.connect() as c:
        kept = [bytes(r) for (r,) in c.execute(text("SELECT raw FROM inbox_message ORDER BY id"))]
    assert token.encode() not in kept[0] and b"/svar/[fjernet]" in kept[0] and b"Vi tilslutter os." in kept[0]
    assert kept[1] == plain
    assert "links" in {c["name"] for c in inspect(rt.db.engine).get_columns("outbox_unsent")}


def test_0017_gives_the_mail_queued_before_placeholders(rt, sink):
    open_hearing(rt, jyfe())
    with rt.db.read() as s:
        queued = s.execute(select(OutboxUnsent.outbox_id, OutboxUnsent.raw, OutboxUnsent.links)).all()
    assert len(queued) == 11 and all(links for _, _, links in queued)
    _migrate(rt, command.downgrade, "0016_outbox_bodies")
    with rt.db.engine.begin() as c:  # as 0016 queued them: the message with its links
        for outbox_id, raw, links in queued:
            c.execute(text("UPDATE outbox_unsent SET raw = :raw WHERE outbox_id = :id"),
                      {"raw": with_tokens(raw, links, rt.secret), "id": outbox_id})
    assert len(find_live(rt, table_blobs(rt))) == 11
    upgrade(rt.db)
    assert find_live(rt, table_blobs(rt)) == []
    assert send_outbox(rt).sent == 11
    received = {m.group(2) for msg in sink.messages for part in ("plain", "html")
                for m in LINK.finditer(msg.get_body(preferencelist=(part,)).get_content())}
    assert received == set(live_tokens(rt))  # the mails still carry the working links, in both parts
