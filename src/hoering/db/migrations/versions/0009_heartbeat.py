"""heartbeat: when each recurring job last succeeded (for /healthz and hoering doctor)

Revision ID: 0009_heartbeat
Revises: 0008_followup_owners
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = '0009_heartbeat'
down_revision = '0008_followup_owners'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('heartbeat',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('last_ok_at', columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error_at', columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeat'))
    )


def downgrade() -> None:
    op.drop_table('heartbeat')
