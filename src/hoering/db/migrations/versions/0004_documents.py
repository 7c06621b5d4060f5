"""documents: one content-addressed store; hearing bilag, answer files, secretariat responses;
meeting bilag moved into the store

Revision ID: 0004_documents
Revises: 0003_meeting_changes
Create Date: 2026-11-23 09:20:00
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from hoering.db.migrations import columns

revision = '0004_documents'
down_revision = '0003_meeting_changes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('mime_type', sa.String(length=120), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_at', columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('sha256', name=op.f('uq_document_sha256'))
    )
    op.create_table('hearing_bilag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_hearing_bilag_document_id_document')),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearing.id'], name=op.f('fk_hearing_bilag_hearing_id_hearing')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_bilag')),
    sa.UniqueConstraint('hearing_id', 'number', name=op.f('uq_hearing_bilag_hearing_id'))
    )
    with op.batch_alter_table('hearing_bilag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_bilag_hearing_id'), ['hearing_id'], unique=False)
    op.create_table('answer_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_answer_file_answer_id_answer')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_answer_file_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_file')),
    sa.UniqueConstraint('answer_id', 'position', name=op.f('uq_answer_file_answer_id'))
    )
    with op.batch_alter_table('answer_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_file_answer_id'), ['answer_id'], unique=False)
    op.create_table('hearing_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stance', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('responded_at', columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('responded_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearing.id'], name=op.f('fk_hearing_response_hearing_id_hearing')),
    sa.ForeignKeyConstraint(['recipient_id'], ['hearing_recipient.id'], name=op.f('fk_hearing_response_recipient_id_hearing_recipient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_response')),
    sa.UniqueConstraint('recipient_id', 'version', name=op.f('uq_hearing_response_recipient_id'))
    )
    with op.batch_alter_table('hearing_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearing_response_hearing_id'), ['hearing_id'], unique=False)

    # meeting bilag: their bytes move into the store, the row keeps its title and name
    with op.batch_alter_table('bilag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_bilag_document_id_document'), 'document', ['document_id'], ['id'])
    conn = op.get_bind()
    bilag = sa.table('bilag', sa.column('id', sa.Integer), sa.column('filename', sa.String),
                     sa.column('mime_type', sa.String), sa.column('content', sa.LargeBinary),
                     sa.column('document_id', sa.Integer))
    document = sa.table('document', sa.column('id', sa.Integer), sa.column('sha256', sa.String),
                        sa.column('size', sa.Integer), sa.column('kind', sa.String),
                        sa.column('mime_type', sa.String), sa.column('filename', sa.String),
                        sa.column('stored_at', columns.UTCDateTime()),
                        sa.column('content', sa.LargeBinary))
    now = datetime.now(UTC)
    rows = conn.execute(sa.select(bilag.c.id, bilag.c.filename, bilag.c.mime_type, bilag.c.content)
                        .where(bilag.c.content.is_not(None))).all()
    for row in rows:
        data = bytes(row.content)
        digest = hashlib.sha256(data).hexdigest()
        doc_id = conn.scalar(sa.select(document.c.id).where(document.c.sha256 == digest))
        if doc_id is None:
            kind = 'pdf' if b'%PDF-' in data[:1024] else 'file'
            conn.execute(document.insert().values(
                sha256=digest, size=len(data), kind=kind,
                mime_type=row.mime_type or 'application/octet-stream',
                filename=row.filename or 'bilag', stored_at=now, content=data))
            doc_id = conn.scalar(sa.select(document.c.id).where(document.c.sha256 == digest))
        conn.execute(bilag.update().where(bilag.c.id == row.id).values(document_id=doc_id))
    with op.batch_alter_table('bilag', schema=None) as batch_op:
        batch_op.drop_column('content')
        batch_op.drop_column('sha256')
        batch_op.drop_column('size')
        batch_op.drop_column('mime_type')


def downgrade() -> None:
    with op.batch_alter_table('bilag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mime_type', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text(
        'UPDATE bilag SET mime_type = (SELECT mime_type FROM document WHERE document.id = bilag.document_id), '
        'size = (SELECT size FROM document WHERE document.id = bilag.document_id), '
        'sha256 = (SELECT sha256 FROM document WHERE document.id = bilag.document_id), '
        'content = (SELECT content FROM document WHERE document.id = bilag.document_id) '
        'WHERE document_id IS NOT NULL'))
    with op.batch_alter_table('bilag', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bilag_document_id_document'), type_='foreignkey')
        batch_op.drop_column('document_id')
    with op.batch_alter_table('hearing_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_response_hearing_id'))
    op.drop_table('hearing_response')
    with op.batch_alter_table('answer_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_file_answer_id'))
    op.drop_table('answer_file')
    with op.batch_alter_table('hearing_bilag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearing_bilag_hearing_id'))
    op.drop_table('hearing_bilag')
    op.drop_table('document')
