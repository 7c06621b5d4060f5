"""outbox: an index for the outbox page's newest sent mail (status, sent_at, id): at 500 000 sent
mails the page sorted them all to show 50

Revision ID: 0021_outbox_sent
Revises: 0020_audit_seals
"""

from __future__ import annotations

from alembic import op

revision = "0021_outbox_sent"
down_revision = "0020_audit_seals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_sent", "outbox", ["status", "sent_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_sent", table_name="outbox")
