"""Several short SELECTs read in one statement, so a screen's first look costs one round
trip to the database server instead of one per list (issue 17: the dashboard).

Each SELECT keeps its own ORDER BY and LIMIT inside a subquery (so its index walk and
early stop are unchanged) and becomes one branch of a UNION ALL: a part number, the row's
position within its part, then a slot of columns per part (NULL, cast to the column's
type, in the other parts' rows). SQLAlchemy still converts every value by its column's
type, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

_PART = "rt_part"
_POSITION = "rt_position"


def read_together(
    session: Session, statements: Sequence[Select[Any] | CompoundSelect]
) -> list[list[Any]]:
    """Each statement's rows, in its own order, from one statement sent to the database.

    Rows are named tuples with the statement's column names (attribute or index access).
    """
    subqueries = [statement.subquery(f"rt_{i}") for i, statement in enumerate(statements)]
    columns = [list(sub.c) for sub in subqueries]
    # Within a part the rows come in the subquery's order: row_number() with an empty
    # window numbers them as the limited, ordered subquery delivers them.
    branches = []
    for i, sub in enumerate(subqueries):
        slots: list[ColumnElement[Any]] = []
        for j, part_columns in enumerate(columns):
            for k, column in enumerate(part_columns):
                value: ColumnElement[Any] = column if i == j else cast(null(), column.type)
                slots.append(value.label(f"c{j}_{k}"))
        branches.append(
            select(
                literal_column(str(i)).label(_PART),
                func.row_number().over().label(_POSITION),
                *slots,
            ).select_from(sub)
        )
    combined = union_all(*branches).order_by(literal_column(_PART), literal_column(_POSITION))
    shapes = [
        namedtuple(f"Row{i}", list(statement.selected_columns.keys()), rename=True)
        for i, statement in enumerate(statements)
    ]
    starts = [2]
    for part_columns in columns:
        starts.append(starts[-1] + len(part_columns))
    results: list[list[Any]] = [[] for _ in statements]
    for row in session.execute(combined):
        part = int(row[0])
        results[part].append(shapes[part](*row[starts[part] : starts[part + 1]]))
    return results


__all__ = ["read_together"]
