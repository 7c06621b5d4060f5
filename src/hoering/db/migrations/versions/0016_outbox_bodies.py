"""outbox: the messages out of the row the sender changes (issue 17): ``outbox_unsent`` (the
message to send, until it is sent) and ``outbox_copy`` (the stored copy, answer links redacted);
no index on ``outbox.status`` (the rows not sent are those in ``outbox_unsent``)

Revision ID: 0016_outbox_bodies
Revises: 0015_perf
"""

from __future__ import annotations

import base64
import quopri
import re
from email import message_from_string
from email.policy import compat32

import sqlalchemy as sa
from alembic import op

# The redaction rule as it stood when this migration was written (hoering.mail.redact), for the
# few rows that have no redacted copy yet (queued before 0015 and not sent): a migration imports
# nothing from the application, whose rule may change after it.
LINK = re.compile(r"(/svar/|/referat/\d+/\d+/)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
REDACTED = r"\1[fjernet]"

revision = "0016_outbox_bodies"
down_revision = "0015_perf"
branch_labels = None
depends_on = None


def _body_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=f"fk_{name}_outbox_id_outbox", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("outbox_id", name=f"pk_{name}"),
    )


def upgrade() -> None:
    _body_table("outbox_unsent")
    _body_table("outbox_copy")
    # A sent row's raw is its stored copy (redacted when it was marked); a row not sent yet keeps
    # raw to send (a draft: its note) and its sent_copy becomes the stored copy.
    op.execute(sa.text("INSERT INTO outbox_copy (outbox_id, raw) SELECT id, raw FROM outbox WHERE status = 'sent'"))
    op.execute(sa.text("INSERT INTO outbox_copy (outbox_id, raw) SELECT id, sent_copy FROM outbox "
                       "WHERE status <> 'sent' AND sent_copy IS NOT NULL"))
    op.execute(sa.text("INSERT INTO outbox_unsent (outbox_id, raw) SELECT id, raw FROM outbox WHERE status <> 'sent'"))
    conn = op.get_bind()
    older = conn.execute(sa.text("SELECT id, raw FROM outbox WHERE status NOT IN ('sent', 'draft') "
                                 "AND sent_copy IS NULL ORDER BY id")).all()
    if older:
        conn.execute(sa.text("INSERT INTO outbox_copy (outbox_id, raw) VALUES (:id, :raw)"),
                     [{"id": i, "raw": redact_answer_links(raw)} for i, raw in older])
    # Plain ALTERs, no batch: SQLite's batch mode would copy ``outbox`` and, dropping the old
    # table, delete the rows just written (ON DELETE CASCADE).
    op.drop_column("outbox", "sent_copy")
    op.drop_column("outbox", "raw")
    # The rows not sent are found through outbox_unsent now (db.outbox.not_sent): no index on
    # status, which every status change had to update.
    op.drop_index("ix_outbox_due", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"], unique=False)
    op.add_column("outbox", sa.Column("raw", sa.Text(), nullable=False, server_default=""))
    op.add_column("outbox", sa.Column("sent_copy", sa.Text(), nullable=True))
    op.execute(sa.text("UPDATE outbox SET raw = COALESCE("
                       "(SELECT raw FROM outbox_unsent WHERE outbox_id = outbox.id), "
                       "(SELECT raw FROM outbox_copy WHERE outbox_id = outbox.id), '')"))
    op.execute(sa.text("UPDATE outbox SET sent_copy = (SELECT raw FROM outbox_copy WHERE outbox_id = outbox.id) "
                       "WHERE status <> 'sent'"))
    op.drop_table("outbox_copy")
    op.drop_table("outbox_unsent")


def redact_answer_links(raw: str) -> str:
    """``raw`` (an RFC 5322 message) with every answer link's token replaced, part by part."""
    msg = message_from_string(raw, policy=compat32)
    changed = False
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        charset = part.get_content_charset() or "us-ascii"
        body = part.get_payload(decode=True)
        if not isinstance(body, bytes):
            continue
        text = body.decode(charset, errors="replace")
        redacted = LINK.sub(REDACTED, text)
        if redacted == text:
            continue
        data = redacted.encode(charset, errors="replace")
        encoding = str(part.get("Content-Transfer-Encoding", "7bit")).lower()
        if encoding == "base64":
            part.set_payload(base64.encodebytes(data).decode("ascii"))
        elif encoding == "quoted-printable":
            part.set_payload(quopri.encodestring(data).decode("ascii"))
        else:
            part.set_payload(data.decode(charset, errors="replace"))
        changed = True
    if not changed:
        return raw
    linesep = "\r\n" if "\r\n" in raw else "\n"
    return msg.as_string(policy=compat32.clone(linesep=linesep))
