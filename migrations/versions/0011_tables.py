"""Tables: small groups of a dialogue (tables.py); a helper link's free-text table becomes a real one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:55:18.239180
"""
from alembic import op
import sqlalchemy as sa
import secrets


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dialogue_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dialogue_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dialogue_id', 'code', name='one_table_code_per_dialogue')
    )
    with op.batch_alter_table('dialogue_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_table_dialogue_id'), ['dialogue_id'], unique=False)

    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('round', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_index(batch_op.f('ix_contribution_table_id'), ['table_id'], unique=False)
        batch_op.create_foreign_key('fk_contribution_table_id', 'dialogue_table', ['table_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('dialogue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('table_round', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('seating', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('screen_table_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_dialogue_screen_table_id', 'dialogue_table', ['screen_table_id'], ['id'], ondelete='SET NULL', use_alter=True)

    with op.batch_alter_table('helper', schema=None) as batch_op:
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_helper_table_id', 'dialogue_table', ['table_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_item_table_id', 'dialogue_table', ['table_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_participant_table_id'), ['table_id'], unique=False)
        batch_op.create_foreign_key('fk_participant_table_id', 'dialogue_table', ['table_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('table_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_vote_table_id', 'dialogue_table', ['table_id'], ['id'], ondelete='SET NULL')

    _tables_from_helper_labels()
    with op.batch_alter_table('helper', schema=None) as batch_op:
        batch_op.drop_column('table')




def _tables_from_helper_labels() -> None:
    """A helper link's free-text table becomes a real table of its dialogue."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, dialogue_id, \"table\" FROM helper WHERE \"table\" != ''")).all()
    made: dict[tuple[int, str], int] = {}
    for helper_id, dialogue_id, name in rows:
        key = (dialogue_id, name)
        if key not in made:
            position = len([k for k in made if k[0] == dialogue_id]) + 1
            conn.execute(sa.text("INSERT INTO dialogue_table (dialogue_id, name, description, position, code, summary) "
                                 "VALUES (:d, :n, '', :p, :c, '')"),
                         {"d": dialogue_id, "n": name[:80], "p": position, "c": secrets.token_hex(3).upper()})
            made[key] = conn.execute(sa.text("SELECT max(id) FROM dialogue_table")).scalar()
        conn.execute(sa.text("UPDATE helper SET table_id = :t WHERE id = :h"), {"t": made[key], "h": helper_id})


def downgrade() -> None:
    with op.batch_alter_table('helper', schema=None) as batch_op:
        batch_op.add_column(sa.Column('table', sa.String(length=80), nullable=False, server_default=''))
    op.execute("UPDATE helper SET \"table\" = COALESCE((SELECT name FROM dialogue_table WHERE dialogue_table.id = helper.table_id), '')")
    for table, columns in (('vote', ['table_id']), ('participant', ['table_id']), ('item', ['table_id']),
                           ('helper', ['table_id']), ('dialogue', ['screen_table_id', 'table_round', 'seating']),
                           ('contribution', ['round', 'table_id'])):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for fk in ('fk_dialogue_screen_table_id',) if table == 'dialogue' else (f'fk_{table}_table_id',):
                batch_op.drop_constraint(fk, type_='foreignkey')
            if table in ('participant', 'contribution'):
                batch_op.drop_index(f'ix_{table}_table_id')
            for column in columns:
                batch_op.drop_column(column)
    op.drop_table('dialogue_table')
