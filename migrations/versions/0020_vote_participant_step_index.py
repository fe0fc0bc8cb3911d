"""A voter's votes in a step by one index: (participant_id, step_id).

Every vote reads the voter's votes in its step. With only single-column indexes SQLite
took the step's, walking all the step's votes for each vote (each slower than the last);
the pair finds the voter's few at once. It replaces the index on participant_id alone,
which the pair (and the unique rule, which also starts with participant_id) cover.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 00:00:00.000000
"""
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index('ix_vote_participant_id')
        batch_op.create_index('ix_vote_participant_step', ['participant_id', 'step_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index('ix_vote_participant_step')
        batch_op.create_index('ix_vote_participant_id', ['participant_id'], unique=False)
