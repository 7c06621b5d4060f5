"""audit chain: seq, prev_hash, content_digest, entry_hash on audit_log; the audit_head row

Entries written before this revision keep NULL chain columns ("before the chain");
``hoering audit verify`` checks the chain from the first sealed entry on.

Revision ID: 0011_audit_chain
Revises: 0010_web_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_audit_chain"
down_revision = "0010_web_sessions"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy): recreating audit_log would drop its append-only triggers
    for name, type_ in (("seq", sa.Integer()), ("prev_hash", sa.String(64)),
                        ("content_digest", sa.String(64)), ("entry_hash", sa.String(64))):
        op.add_column("audit_log", sa.Column(name, type_, nullable=True))
    op.create_index("ix_audit_log_seq", "audit_log", ["seq"], unique=True)
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "entry_hash": GENESIS, "mac": ""}])


def downgrade() -> None:
    op.drop_table("audit_head")
    op.drop_index("ix_audit_log_seq", table_name="audit_log")
    for name in ("entry_hash", "content_digest", "prev_hash", "seq"):
        op.drop_column("audit_log", name)
