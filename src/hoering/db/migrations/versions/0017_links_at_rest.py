"""no working personal link at rest: ``outbox_unsent.links`` (a queued message holds placeholders
and the labels its tokens are derived from, ``mail.links``), and the incoming mail already
stored has its links redacted (``mail.redact.redact_received``)

Revision ID: 0017_links_at_rest
Revises: 0016_outbox_bodies
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The project's one redaction rule, applied as it stands when the migration runs (as in 0016).
from hoering.mail.redact import redact_received

revision = "0017_links_at_rest"
down_revision = "0016_outbox_bodies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox_unsent", sa.Column("links", sa.JSON(), nullable=True))
    conn = op.get_bind()
    # one message at a time: a mailbox's worth of raw mail need not fit in memory
    for (message_id,) in conn.execute(sa.text("SELECT id FROM inbox_message ORDER BY id")).all():
        raw = conn.execute(sa.text("SELECT raw FROM inbox_message WHERE id = :id"), {"id": message_id}).scalar_one()
        redacted = redact_received(bytes(raw))
        if redacted != bytes(raw):
            conn.execute(sa.text("UPDATE inbox_message SET raw = :raw WHERE id = :id"),
                         {"raw": redacted, "id": message_id})


def downgrade() -> None:
    op.drop_column("outbox_unsent", "links")
