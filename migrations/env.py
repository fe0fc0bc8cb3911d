"""Alembic environment: the models' metadata, the URL from the app's settings."""
from alembic import context
from alembic.operations import ops
from sqlalchemy import ForeignKeyConstraint, create_engine, pool

from dialogue.models import Base

config = context.config
target_metadata = Base.metadata


def alter_foreign_keys_after_tables(_context, _revision, directives) -> None:
    """Autogenerate: create each `use_alter` foreign key after all tables, as its own step.

    A foreign key in a cycle (dialogue.current_step_id -> step, step.dialogue_id ->
    dialogue) is marked use_alter. Inside op.create_table it is silently left out on
    databases that have ALTER (PostgreSQL), and nothing would add it later; as a batch
    operation it is made everywhere (on SQLite by rebuilding the still empty table).
    """
    script = directives[0]
    if script.upgrade_ops is None:
        return
    added, dropped = [], []
    for op_ in script.upgrade_ops.ops:
        if not isinstance(op_, ops.CreateTableOp):
            continue
        later = [c for c in op_.columns if isinstance(c, ForeignKeyConstraint) and c.use_alter]
        op_.columns = [c for c in op_.columns if not any(c is fk for fk in later)]
        for fk in later:
            local = list(fk.column_keys)
            name = fk.name or f"fk_{op_.table_name}_{'_'.join(local)}"
            target = fk.elements[0].target_fullname.split(".")[0]
            remote = [e.target_fullname.split(".")[1] for e in fk.elements]
            added.append(ops.ModifyTableOps(op_.table_name, [ops.CreateForeignKeyOp(
                name, op_.table_name, target, local, remote, ondelete=fk.ondelete, onupdate=fk.onupdate)]))
            dropped.append(ops.ModifyTableOps(op_.table_name, [ops.DropConstraintOp(
                name, op_.table_name, type_="foreignkey")]))
    script.upgrade_ops.ops.extend(added)
    script.downgrade_ops.ops[:0] = dropped


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds tables.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          process_revision_directives=alter_foreign_keys_after_tables)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
