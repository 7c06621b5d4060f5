"""outbox: an index for one hearing's newest sent mail (hearing_id, status, sent_at, id): with
only (status, sent_at, id), SQLite walked every sent mail of every hearing to find one hearing's

Revision ID: 0022_outbox_hearing_sent
Revises: 0021_outbox_sent
"""

from __future__ import annotations

from alembic import op

revision = "0022_outbox_hearing_sent"
down_revision = "0021_outbox_sent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_hearing_sent", "outbox", ["hearing_id", "status", "sent_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_hearing_sent", table_name="outbox")
