"""sign-in: a second factor for local accounts (TOTP secret, recovery codes), how each session
signed in and, for the organisation's identity provider, the role its groups gave the session

Revision ID: 0019_sign_in
Revises: 0018_fit_to_send
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = "0019_sign_in"
down_revision = "0018_fit_to_send"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("console_user", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("console_user", sa.Column("totp_enrolled_at", columns.UTCDateTime(timezone=True),
                                            nullable=True))
    op.add_column("console_user", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.add_column("console_user", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_index("ix_console_user_oidc_subject", "console_user", ["oidc_subject"], unique=True)
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["console_user.id"],
                                name=op.f("fk_recovery_code_user_id_console_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_code_code_hash")),
    )
    op.add_column("web_session", sa.Column("method", sa.String(length=20), nullable=True))
    op.add_column("web_session", sa.Column("role", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("web_session", "role")
    op.drop_column("web_session", "method")
    op.drop_table("recovery_code")
    op.drop_index("ix_console_user_oidc_subject", table_name="console_user")
    op.drop_column("console_user", "oidc_subject")
    op.drop_column("console_user", "totp_last_step")
    op.drop_column("console_user", "totp_enrolled_at")
    op.drop_column("console_user", "totp_secret")
