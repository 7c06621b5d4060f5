"""follow-ups with owners from the registry (a person or a body) and a reminder sent once

Revision ID: 0008_followup_owners
Revises: 0007_minutes_record
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = "0008_followup_owners"
down_revision = "0007_minutes_record"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup") as batch:
        batch.add_column(sa.Column("owner_person_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("owner_body_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reminded_at", columns.UTCDateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_followup_owner_person", "person", ["owner_person_id"], ["id"])
        batch.create_foreign_key("fk_followup_owner_body", "body", ["owner_body_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("followup") as batch:
        batch.drop_constraint("fk_followup_owner_body", type_="foreignkey")
        batch.drop_constraint("fk_followup_owner_person", type_="foreignkey")
        batch.drop_column("reminded_at")
        batch.drop_column("owner_body_id")
        batch.drop_column("owner_person_id")
