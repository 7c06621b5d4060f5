"""perf: outbox.sent_copy, the stored copy with answer links redacted, prepared at queue time

Revision ID: 0015_perf
Revises: 0014_journey
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_perf"
down_revision = "0014_journey"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_copy", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sent_copy")
