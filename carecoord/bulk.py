"""Writing many rows at once: ``COPY`` on PostgreSQL, executemany elsewhere.

On PostgreSQL an executemany still sends the rows as separate statements (pipelined, but
each one parsed, planned and its indexes updated one by one); ``COPY`` streams them as
one command, several times faster for the hundreds of thousands of rows a demo load or
a rebuild of the dashboard's kept counts writes. ``insert_rows`` converts each value as
its column's type would for an INSERT (JSON, enums, UTC times), so the rows stored are
the same either way; ``copy_rows`` takes values already in the driver's terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import ExecutionContext
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault


def copy_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """PostgreSQL only: stream ``rows`` (values in ``columns`` order) into ``table`` with
    ``COPY ... FROM STDIN`` on this connection (inside its transaction)."""
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(
    conn: Connection, target: Table | type[DeclarativeBase], rows: Sequence[dict[str, Any]]
) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``target`` (a table or a mapped
    class): ``COPY`` on PostgreSQL, SQLAlchemy's executemany elsewhere. As with an INSERT,
    a column left out gets its Python-side default (worked out once for the whole write:
    a creation time is one instant) or else the server's."""
    if not rows:
        return
    table = target if isinstance(target, Table) else cast(Table, target.__table__)
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), list(rows))
        return
    given = list(rows[0])
    defaults = _python_defaults(table, given)
    columns = [*given, *defaults]
    convert = [_bind_processor(conn, table, column) for column in columns]
    fill = list(defaults.values())

    def values(row: dict[str, Any]) -> list[Any]:
        raw = [*(row[c] for c in given), *fill]
        return [v if f is None else f(v) for f, v in zip(convert, raw, strict=True)]

    copy_rows(conn, table.name, columns, (values(row) for row in rows))


def _python_defaults(table: Table, given: Sequence[str]) -> dict[str, Any]:
    """The values SQLAlchemy's INSERT would give the columns left out of ``given``."""
    found: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None:
            continue
        if not isinstance(default, ScalarElementColumnDefault | CallableColumnDefault):
            # A SQL expression or a sequence SQLAlchemy would call in the INSERT itself.
            raise ValueError(f"{table.name}.{column.name}: its default cannot be copied")
        # The models' callables take no argument (SQLAlchemy wraps them to take one).
        no_context = cast(ExecutionContext, None)
        found[column.name] = default.arg(no_context) if default.is_callable else default.arg
    return found


def _bind_processor(conn: Connection, table: Table, column: str) -> Callable[[Any], Any] | None:
    """How SQLAlchemy turns a Python value for ``column`` into the driver's (None: as is)."""
    column_type = table.c[column].type
    return column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
