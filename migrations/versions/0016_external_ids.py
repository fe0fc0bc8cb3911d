"""External ids: the Pol.is participant and comment ids of an imported conversation.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'external_id',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dialogue_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('local_id', sa.Integer(), nullable=False),
        sa.Column('external_id', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dialogue_id', 'kind', 'local_id', name='one_external_id_each'),
    )
    with op.batch_alter_table('external_id', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_id_dialogue_id'), ['dialogue_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('external_id', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_id_dialogue_id'))
    op.drop_table('external_id')
