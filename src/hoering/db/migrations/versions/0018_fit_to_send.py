"""fit to send: the secretariat's subject and short summary of each answer (the høringsnotat groups
the answers by subject), and an item's links (a reference under the item, not a bilag)

Revision ID: 0018_fit_to_send
Revises: 0017_links_at_rest
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_fit_to_send"
down_revision = "0017_links_at_rest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hearing_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("links", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("links")
    with op.batch_alter_table("hearing_response", schema=None) as batch_op:
        batch_op.drop_column("summary")
        batch_op.drop_column("subject")
