"""hearing_result: the versioned result record of each close; drop hearing.result

The old ``hearing.result`` (a tally as JSON) is kept as version 1 of a closed hearing with
``payload = {"format": 0, "legacy": <old JSON>}``; readers rebuild such a result from the answers.

Revision ID: 0006_hearing_result
Revises: 0005_inbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = '0006_hearing_result'
down_revision = '0005_inbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'hearing_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hearing_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('forced', sa.Boolean(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['hearing_id'], ['hearing.id'],
                                name=op.f('fk_hearing_result_hearing_id_hearing')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_result')),
        sa.UniqueConstraint('hearing_id', 'version', name=op.f('uq_hearing_result_hearing_id')),
    )
    op.create_index(op.f('ix_hearing_result_hearing_id'), 'hearing_result', ['hearing_id'], unique=False)
    hearing = sa.table('hearing', sa.column('id', sa.Integer()), sa.column('status', sa.String()),
                       sa.column('closed_at', columns.UTCDateTime(timezone=True)),
                       sa.column('result', sa.JSON()))
    result = sa.table('hearing_result', sa.column('hearing_id', sa.Integer()),
                      sa.column('version', sa.Integer()),
                      sa.column('created_at', columns.UTCDateTime(timezone=True)),
                      sa.column('created_by', sa.String()), sa.column('forced', sa.Boolean()),
                      sa.column('payload', sa.JSON()))
    conn = op.get_bind()
    rows = conn.execute(sa.select(hearing.c.id, hearing.c.closed_at, hearing.c.result)
                        .where(hearing.c.status == 'closed', hearing.c.result.is_not(None))).all()
    for hearing_id, closed_at, old in rows:
        conn.execute(result.insert().values(hearing_id=hearing_id, version=1, created_at=closed_at,
                                            created_by='migration 0003', forced=False,
                                            payload={'format': 0, 'legacy': old}))
    with op.batch_alter_table('hearing', recreate='never') as batch_op:
        batch_op.drop_column('result')


def downgrade() -> None:
    with op.batch_alter_table('hearing', recreate='never') as batch_op:
        batch_op.add_column(sa.Column('result', sa.JSON(), nullable=True))
    op.drop_index(op.f('ix_hearing_result_hearing_id'), table_name='hearing_result')
    op.drop_table('hearing_result')
