"""console: secretariat users (argon2 password, API token hash) and hearing drafts

Revision ID: 0013_console
Revises: 0012_rate_limits
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = "0013_console"
down_revision = "0012_rate_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("api_token_hash", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", columns.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_user")),
        sa.UniqueConstraint("email", name=op.f("uq_console_user_email")),
        sa.UniqueConstraint("api_token_hash", name=op.f("uq_console_user_api_token_hash")),
    )
    op.create_table(
        "hearing_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearing.id"],
                                name=op.f("fk_hearing_draft_hearing_id_hearing")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_draft")),
    )


def downgrade() -> None:
    op.drop_table("hearing_draft")
    op.drop_table("console_user")
