"""audit chain: ``audit_log.seals``, the digests of the rows an entry's transaction wrote in the
tables the notat, the results and access rights are built from (see ``db.seals``)

Rows written before this revision have no seal; ``hoering init`` seals them once, right after it
applied this revision (``db.migrate``), since sealing needs the installation's key.

Revision ID: 0020_audit_seals
Revises: 0019_sign_in
"""

from __future__ import annotations

from alembic import op

revision = "0020_audit_seals"
down_revision = "0019_sign_in"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy): recreating audit_log would drop its append-only triggers
    op.execute("ALTER TABLE audit_log ADD COLUMN seals JSON")


def downgrade() -> None:
    op.execute("ALTER TABLE audit_log DROP COLUMN seals")
