"""web sessions: the secretariat's logins held server-side

Revision ID: 0010_web_sessions
Revises: 0009_heartbeat
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = "0010_web_sessions"
down_revision = "0009_heartbeat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_session_token_hash")),
    )
    op.create_index("ix_web_session_user_open", "web_session", ["user_id", "revoked_at"])


def downgrade() -> None:
    op.drop_index("ix_web_session_user_open", table_name="web_session")
    op.drop_table("web_session")
