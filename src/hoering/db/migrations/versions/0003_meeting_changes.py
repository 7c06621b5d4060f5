"""meeting changes: a meeting can be moved (ICS SEQUENCE raised) or cancelled

Revision ID: 0003_meeting_changes
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = "0003_meeting_changes"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("ics_sequence", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("cancelled_at", columns.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("change_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("change_reason")
        batch.drop_column("cancelled_at")
        batch.drop_column("ics_sequence")
