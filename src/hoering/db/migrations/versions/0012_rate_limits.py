"""rate limits: counters shared by every web process (limits' fixed windows)

Revision ID: 0012_rate_limits
Revises: 0011_audit_chain
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_rate_limits"
down_revision = "0011_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_counter",
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_counter")),
    )
    op.create_index("ix_rate_counter_expires_at", "rate_counter", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_rate_counter_expires_at", table_name="rate_counter")
    op.drop_table("rate_counter")
