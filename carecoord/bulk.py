"""Writing many rows at once: ``COPY`` on PostgreSQL, executemany elsewhere.

On PostgreSQL an executemany still sends the rows as separate statements (pipelined, but
each one parsed, planned and its indexes updated one by one); ``COPY`` streams them as
one command, several times faster for the hundreds of thousands of rows a demo load or
a rebuild of the dashboard's kept counts writes. Only plain values go through ``COPY``
(text, numbers, dates, times, booleans, bytes): no SQLAlchemy type conversion happens
there, so a table with JSON or enum-typed columns keeps the executemany path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, insert
from sqlalchemy.orm import DeclarativeBase


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
    """Insert ``rows`` (dicts with the same keys, plain values) into ``target`` (a table
    or a mapped class): ``COPY`` on PostgreSQL, SQLAlchemy's executemany elsewhere."""
    if not rows:
        return
    table = target if isinstance(target, Table) else cast(Table, target.__table__)
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    copy_rows(conn, table.name, columns, ([row[c] for c in columns] for row in rows))
