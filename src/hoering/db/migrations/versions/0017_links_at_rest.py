"""no working personal link at rest: ``outbox_unsent.links`` (a queued message holds placeholders
and the labels its tokens are derived from, ``mail.links``; the messages queued before get
theirs now), and the incoming mail already stored has its links redacted
(``mail.redact.redact_received``)

Revision ID: 0017_links_at_rest
Revises: 0016_outbox_bodies
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import quopri
import re
import secrets
from email import message_from_bytes
from email.policy import compat32

import sqlalchemy as sa
from alembic import op

# The redaction rule for received mail as it stood when this migration was written
# (hoering.mail.redact.redact_received): a migration imports nothing from the application, whose
# rule may change after it.
_SLASH = r"(?:/|%2[Ff])"
LINK = re.compile(rf"({_SLASH}svar{_SLASH}|{_SLASH}referat{_SLASH}\d+{_SLASH}\d+{_SLASH})"
                  r"[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
REDACTED = r"\1[fjernet]"


def redact_received(raw: bytes) -> bytes:
    try:
        msg = message_from_bytes(raw, policy=compat32)
        changed = False
        for part in msg.walk():
            if part.get_content_maintype() != "text" or part.get_filename():
                continue
            body = part.get_payload(decode=True)
            if not isinstance(body, bytes):
                continue
            try:
                charset = codecs.lookup(part.get_content_charset() or "us-ascii").name
            except LookupError:
                charset = "latin-1"
            text = body.decode(charset, errors="surrogateescape")
            redacted = LINK.sub(REDACTED, text)
            if redacted == text:
                continue
            data = redacted.encode(charset, errors="surrogateescape")
            encoding = str(part.get("Content-Transfer-Encoding", "7bit")).lower()
            if encoding == "base64":
                part.set_payload(base64.encodebytes(data).decode("ascii"))
            elif encoding == "quoted-printable":
                part.set_payload(quopri.encodestring(data).decode("ascii"))
            else:
                part.set_payload(data.decode("ascii", errors="surrogateescape"))
            changed = True
        if not changed:
            return raw
        return msg.as_bytes(policy=compat32.clone(linesep="\r\n" if b"\r\n" in raw else "\n"))
    except Exception:
        return LINK.sub(REDACTED, raw.decode("latin-1")).encode("latin-1")

# A queued message's links as they stood (hoering.mail.links): each token replaced by a random
# placeholder of its length, the label its token is derived from kept beside the message. An answer
# token is found by its hash (answer_token.token_hash), an approval token names its meeting and
# person; a token found neither way is left as it is (the mail still goes out as it would have).
_TOKEN_LINK = re.compile(r"(/svar/|/referat/(\d+)/(\d+)/)([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])")
_SOFT = "=\r\n"


def _queued_links(raw: str, nonces: dict[str, str]) -> tuple[str, dict[str, str]]:
    links: dict[str, str] = {}
    seen: set[str] = set()
    for m in _TOKEN_LINK.finditer(raw.replace(_SOFT, "")):
        token = m.group(4)
        if token in seen:
            continue
        seen.add(token)
        nonce = nonces.get(hashlib.sha256(token.encode()).hexdigest())
        label = f"answer:{nonce}" if m.group(1) == "/svar/" and nonce else (
            f"minutes:{m.group(2)}:{m.group(3)}" if m.group(2) else None)
        if label is None:
            continue
        placeholder = secrets.token_urlsafe(32)
        # every occurrence, one broken by a quoted-printable soft break included: the break goes in
        # front of it (its line may then pass 76 characters; a few rows, once)
        split = re.compile(f"(?:{re.escape(_SOFT)})?".join(map(re.escape, token)))
        raw = split.sub(lambda found: (_SOFT if _SOFT in found.group(0) else "") + placeholder, raw)
        links[placeholder] = label
    return raw, links


revision = "0017_links_at_rest"
down_revision = "0016_outbox_bodies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox_unsent", sa.Column("links", sa.JSON(), nullable=True))
    conn = op.get_bind()
    nonces = dict(conn.execute(sa.text("SELECT token_hash, nonce FROM answer_token")).tuples().all())
    queued = conn.execute(sa.text("SELECT u.outbox_id FROM outbox_unsent u JOIN outbox o ON o.id = u.outbox_id "
                                  "WHERE o.status <> 'draft' ORDER BY u.outbox_id")).scalars().all()
    for outbox_id in queued:
        raw = conn.execute(sa.text("SELECT raw FROM outbox_unsent WHERE outbox_id = :id"), {"id": outbox_id}).scalar_one()
        placed, links = _queued_links(raw, nonces)
        if links:
            conn.execute(sa.text("UPDATE outbox_unsent SET raw = :raw, links = :links WHERE outbox_id = :id")
                         .bindparams(sa.bindparam("links", type_=sa.JSON())),
                         {"raw": placed, "links": links, "id": outbox_id})
    # one message at a time: a mailbox's worth of raw mail need not fit in memory
    for (message_id,) in conn.execute(sa.text("SELECT id FROM inbox_message ORDER BY id")).all():
        raw = conn.execute(sa.text("SELECT raw FROM inbox_message WHERE id = :id"), {"id": message_id}).scalar_one()
        redacted = redact_received(bytes(raw))
        if redacted != bytes(raw):
            conn.execute(sa.text("UPDATE inbox_message SET raw = :raw WHERE id = :id"),
                         {"raw": redacted, "id": message_id})


def downgrade() -> None:
    op.drop_column("outbox_unsent", "links")
