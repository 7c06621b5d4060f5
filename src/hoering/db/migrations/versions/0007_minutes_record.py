"""minutes as a record: a postponed item keeps its number at the meeting; corrections after approval

Revision ID: 0007_minutes_record
Revises: 0006_hearing_result
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = "0007_minutes_record"
down_revision = "0006_hearing_result"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item_move") as batch:
        batch.add_column(sa.Column("from_number", sa.Integer(), nullable=True))
    op.create_table(
        "meeting_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("at", columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meeting_correction_meeting_id", "meeting_correction", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_correction_meeting_id", table_name="meeting_correction")
    op.drop_table("meeting_correction")
    with op.batch_alter_table("item_move") as batch:
        batch.drop_column("from_number")
