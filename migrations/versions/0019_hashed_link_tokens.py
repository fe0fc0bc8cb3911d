"""Hashed link tokens: the screen, helper and published-results links keep only a hash.

Each stored token is replaced by its SHA-256 (hex, 64 characters: the columns' size).
Existing links keep working: a presented plain token is looked up by its hash
(dialogue/links.py); the console now shows links made from the hash and SECRET_KEY.
Not reversible (a hash cannot be turned back into its token): the downgrade leaves the
hashes, so old links stop working after a downgrade but the schema stays valid.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 12:00:00.000000
"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

#: (table, token column) of every secret link.
LINKS = (("dialogue", "screen_token"), ("helper", "token"), ("publication", "token"))


def upgrade() -> None:
    conn = op.get_bind()
    for table_name, column in LINKS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, sa.String))
        rows = conn.execute(sa.select(table.c.id, table.c[column])).all()
        for row_id, token in rows:
            if token is None:
                continue
            conn.execute(table.update().where(table.c.id == row_id)
                         .values({column: hashlib.sha256(token.encode()).hexdigest()}))


def downgrade() -> None:
    pass  # the tokens cannot be recovered from their hashes (see the module's docstring)
