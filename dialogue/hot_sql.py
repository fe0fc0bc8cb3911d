"""Statements of the per-vote path, run on the database driver's own cursor.

Every dot vote runs four small statements (the dialogue's state, the voter's votes, the
vote's insert or change, the acknowledgement's insert). Through SQLAlchemy's
`Connection.execute` each cost about 45 µs of execution context and result objects around
6 µs of the driver's own work: 45 % of the write (docs/performance.md). A `HotStatement` is
still written with SQLAlchemy and compiled by it, once per dialect and set of parameters;
it is run on the session's connection's DB-API cursor, in the session's transaction, with
the types' own bind processors (JSON, say), the columns' Python-side defaults filled in,
and the driver's errors raised as SQLAlchemy's (an `IntegrityError` for a broken unique
rule, as before).

For statements whose result columns need no conversion (integers, strings): checked when
the statement is compiled. Anything else keeps `Connection.execute`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement, Insert


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: The parameters' names in the SQL's order (a positional paramstyle such as SQLite's
    #: `?`), or None when the driver takes them by name (psycopg2's `%(name)s`).
    order: tuple[str, ...] | None
    processors: dict[str, Callable[[Any], Any]]
    #: Columns given no value by the caller: their Python-side defaults (an insert's `created_at`).
    defaults: dict[str, Any]


class HotStatement:
    """A SQLAlchemy statement run on the DB-API cursor."""

    def __init__(self, statement: ClauseElement):
        # An insert's new id is not read: no RETURNING for it (PostgreSQL would add one).
        self.statement = statement.inline() if isinstance(statement, Insert) else statement
        #: Compiled once per dialect and set of parameters (an insert's columns are its parameters).
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def _compile(self, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
        c = self.statement.compile(dialect=dialect, column_keys=list(keys))
        for column in getattr(self.statement, "selected_columns", ()):
            if column.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
                raise TypeError(f"{column} needs a result conversion: use Connection.execute")
        processors = {name: p for name, bind in c.binds.items()
                      if (p := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None}
        table = getattr(self.statement, "table", None)
        defaults = {column.key: column.default for column in (table.columns if table is not None else ())
                    if column.key in c.binds and column.key not in keys and column.default is not None}
        if any(not (d.is_scalar or d.is_callable) for d in defaults.values()):
            raise TypeError("a SQL-side default needs Connection.execute")
        order = tuple(c.positiontup) if dialect.positional else None
        return _Compiled(str(c), order, processors, defaults)

    def run(self, conn: Connection, params: dict[str, Any]):
        """Execute with `params` on `conn`'s driver cursor; return the cursor (for its rows)."""
        dialect = conn.dialect
        keys = tuple(params)
        compiled = self._compiled.get((dialect.name, keys))
        if compiled is None:
            compiled = self._compiled[dialect.name, keys] = self._compile(dialect, keys)
        values = dict(params)
        for key, default in compiled.defaults.items():
            values[key] = default.arg(None) if default.is_callable else default.arg
        for key, process in compiled.processors.items():
            values[key] = process(values[key])
        bound = tuple(values[name] for name in compiled.order) if compiled.order is not None else values
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(compiled.sql, bound)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(compiled.sql, bound, exc, dialect.loaded_dbapi.Error,
                                      dialect=dialect) from exc
        return cursor
