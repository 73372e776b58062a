"""Bulk writes: the rows that go in come back the same on both databases, and PostgreSQL
takes them as one COPY rather than one INSERT a row."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, event, func, select

from carecoord import bulk
from carecoord.db import Database
from carecoord.models import Base, DashboardContribution, DashboardLoop, PainDrawing
from carecoord.services.actor import Actor
from tests.services.helpers import new_patient

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


def test_values_are_converted_and_left_out_columns_get_their_defaults(
    db: Database, physician: Actor
) -> None:
    patient = new_patient(db, physician)
    marks = [{"region": "lower_back", "kind": "aching", "intensity": 6}]
    with db.engine.begin() as conn:
        # JSON must go in as JSON; version and the creation times are left to their defaults
        bulk.insert_rows(
            conn,
            PainDrawing,
            [{"patient_id": patient.id, "drawn_on": date(2026, 11, 30), "marks": marks}],
        )
    with db.session() as session:
        drawing = session.scalars(select(PainDrawing)).one()
        assert drawing.marks == marks
        assert drawing.version == 1
        written = datetime.now(UTC)
        assert timedelta(0) <= written - drawing.created_at < timedelta(minutes=1)
        assert timedelta(0) <= written - drawing.updated_at < timedelta(minutes=1)


def test_a_default_worked_out_in_sql_is_refused_on_postgresql(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite's executemany runs SQL defaults itself")
    stamped = Table(
        "stamped",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", DateTime, default=func.now()),
    )
    with db.engine.begin() as conn, pytest.raises(ValueError, match=r"stamped\.at"):
        bulk.insert_rows(conn, stamped, [{"id": 1}])
