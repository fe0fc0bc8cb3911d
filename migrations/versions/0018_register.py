"""The findings register (kehittämiskohteet) across dialogues: registers, responding
organisations (a hashed secret link each), entries, their evidence and dated responses.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-07 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        'finding_register',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('areas', sa.JSON(), nullable=False),
        sa.Column('viewer_hash', sa.String(length=64), nullable=True),
        sa.Column('is_demo', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
        sa.UniqueConstraint('viewer_hash'),
    )
    op.create_table(
        'register_responder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('register_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('client_id', sa.String(length=64), nullable=True),
        sa.Column('link_made_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['register_id'], ['finding_register.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
        sa.UniqueConstraint('client_id'),
    )
    _index('register_responder', 'register_id')
    op.create_table(
        'register_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('register_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('area', sa.String(length=40), nullable=False),
        sa.Column('responder_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['register_id'], ['finding_register.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['responder_id'], ['register_responder.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    _index('register_entry', 'register_id')
    _index('register_entry', 'responder_id')
    op.create_table(
        'register_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('dialogue_id', sa.Integer(), nullable=True),
        sa.Column('finding_id', sa.Integer(), nullable=True),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['register_entry.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('finding_id'),
    )
    _index('register_evidence', 'entry_id')
    _index('register_evidence', 'dialogue_id')
    op.create_table(
        'register_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('responder_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status in ('received', 'considering', 'decided', 'done', 'declined')",
                           name='register_response_status'),
        sa.ForeignKeyConstraint(['entry_id'], ['register_entry.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['responder_id'], ['register_responder.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_id'),
    )
    _index('register_response', 'entry_id')


def downgrade() -> None:
    for table in ('register_response', 'register_evidence', 'register_entry', 'register_responder',
                  'finding_register'):
        op.drop_table(table)
