"""the case's journey: a follow-up answered by a hearing (its result and the item that brought
it to the deciding body attached); a body's own secretariat contact, and whether hoering sends
the body's meeting mails

Revision ID: 0014_journey
Revises: 0013_console
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_journey"
down_revision = "0013_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup") as batch:
        batch.add_column(sa.Column("hearing_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("result_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("result_item_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_followup_hearing_id_hearing", "hearing", ["hearing_id"], ["id"])
        batch.create_foreign_key("fk_followup_result_id_hearing_result", "hearing_result", ["result_id"], ["id"])
        batch.create_foreign_key("fk_followup_result_item_id_item", "item", ["result_item_id"], ["id"])
    # Plain ALTERs, no batch: SQLite's batch mode would copy ``body``, which meetings, hearings
    # and members refer to. The contact is a person of the registry, by address (no foreign key).
    op.add_column("body", sa.Column("contact_email", sa.String(length=254), nullable=True))
    op.add_column("body", sa.Column("meeting_mails", sa.Boolean(), nullable=False, server_default=sa.true()))
    # KKR's meetings are KKR's own: hoering sends their mails only when the registry says so.
    op.execute(sa.text("UPDATE body SET meeting_mails = false WHERE key = 'kkr'"))


def downgrade() -> None:
    op.drop_column("body", "meeting_mails")
    op.drop_column("body", "contact_email")
    with op.batch_alter_table("followup") as batch:
        batch.drop_constraint("fk_followup_result_item_id_item", type_="foreignkey")
        batch.drop_constraint("fk_followup_result_id_hearing_result", type_="foreignkey")
        batch.drop_constraint("fk_followup_hearing_id_hearing", type_="foreignkey")
        batch.drop_column("result_item_id")
        batch.drop_column("result_id")
        batch.drop_column("hearing_id")
