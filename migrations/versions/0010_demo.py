"""Demo dialogues: Dialogue.is_demo (made by `flask demo`, left out of project reporting).

Revision ID: 0010
Revises: 0001
Create Date: 2026-12-03 17:29:20.119911
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dialogue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_demo', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('dialogue', schema=None) as batch_op:
        batch_op.drop_column('is_demo')

