"""Bulk writes: the rows that go in come back the same on both databases, and PostgreSQL
takes them as one COPY rather than one INSERT a row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from carecoord import bulk
from carecoord.db import Database
from carecoord.models import Base, DashboardContribution, DashboardLoop

LOOPS = [
    {
        "referral_id": 7,
        "patient_id": 3,
        "sent_on": date(2026, 11, 2),
        "previous_sent_on": None,
        "arrived_on": None,
    },
    {
        "referral_id": 9,
        "patient_id": 3,
        "sent_on": date(2026, 11, 20),
        "previous_sent_on": date(2026, 11, 2),
        "arrived_on": date(2026, 12, 1),
    },
]


def test_rows_written_in_bulk_read_back_the_same(db: Database) -> None:
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    contributions = [
        {"patient_id": p, "figure": figure, "day": date(1, 1, 1), "n": p}
        for p in range(1, 401)
        for figure in ("team_gap", "booked_late")
    ]
    with db.engine.begin() as conn:
        bulk.insert_rows(conn, DashboardContribution, contributions)
        bulk.insert_rows(conn, Base.metadata.tables["dashboard_loops"], LOOPS)  # or a Table
        bulk.insert_rows(conn, DashboardLoop, [])  # nothing to write, no statement
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    if db.dialect == "postgresql":
        assert inserts == []  # streamed with COPY, which runs below SQLAlchemy's events
    else:
        assert len(inserts) == 2  # one executemany a table
    with db.engine.connect() as conn:
        got = conn.execute(
            select(
                DashboardContribution.patient_id,
                DashboardContribution.figure,
                DashboardContribution.day,
                DashboardContribution.n,
            ).order_by(DashboardContribution.patient_id, DashboardContribution.figure)
        ).all()
        loops = conn.execute(select(DashboardLoop).order_by(DashboardLoop.referral_id)).all()
    assert [tuple(row) for row in got] == sorted(tuple(row.values()) for row in contributions)
    assert [
        (r.referral_id, r.patient_id, r.sent_on, r.previous_sent_on, r.arrived_on) for r in loops
    ] == [tuple(row.values()) for row in LOOPS]


def test_a_bulk_write_rolls_back_with_its_transaction(db: Database) -> None:
    rows = [{"patient_id": 1, "figure": "team_gap", "day": date(1, 1, 1), "n": 1}]
    with pytest.raises(RuntimeError), db.engine.begin() as conn:
        bulk.insert_rows(conn, DashboardContribution, rows)
        raise RuntimeError("the load failed later")
    with db.engine.connect() as conn:
        assert conn.execute(select(DashboardContribution.patient_id)).all() == []
