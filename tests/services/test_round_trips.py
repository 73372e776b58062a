"""Statements a chart read and the dashboard send to the database (issue 17).

A count, not a time: each statement is a round trip to a PostgreSQL server (about 30 ms
over a slow link), so a change that adds one fails here instead of in a benchmark nobody
ran. Counted as benchmarks/core.py counts: BEGIN, each statement, COMMIT or ROLLBACK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, select

from carecoord.clinical.vocabulary import ReferralState
from carecoord.db import Database
from carecoord.models import Patient, Referral
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from carecoord.services.dashboard import dashboard
from carecoord.services.dashboard_figures import figures_statement
from carecoord.services.read_together import read_together
from tests.services.helpers import new_member, new_patient, new_referral


@contextmanager
def counting(db: Database) -> Iterator[Callable[[], int]]:
    """Yields a function returning the round trips made since the block began."""
    seen = [0]

    def transaction(conn: Any) -> None:
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            seen[0] += 1

    def statement(*_: Any) -> None:
        seen[0] += 1

    names = ("begin", "commit", "rollback")
    for name in names:
        event.listen(db.engine, name, transaction)
    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        yield lambda: seen[0]
    finally:
        for name in names:
            event.remove(db.engine, name, transaction)
        event.remove(db.engine, "before_cursor_execute", statement)


# SQLite's writers and readers send their own BEGIN statement (carecoord.db._sqlite_begin)
# beside SQLAlchemy's begin event: one more per transaction, in-process, no network.
EXTRA_BEGIN = {"sqlite": 1, "postgresql": 0}


def trips(db: Database, call: Callable[[], object]) -> int:
    call()  # first call warms caches (settings, statement compilation)
    with counting(db) as seen:
        call()
        return seen()


def test_dashboard_reads_its_lists_in_one_statement_on_postgresql(
    db: Database, front_desk: Actor, physician: Actor
) -> None:
    member = new_member(db, physician)
    patient = new_patient(db, physician)
    new_referral(db, physician, patient.id, member)
    # The account re-check (BEGIN, the user's row, ROLLBACK), then the unit of work's read:
    # BEGIN, one SELECT for the kept counts and all six lists (on SQLite, in-process, the
    # eight SELECTs one by one: services/read_together.py), COMMIT; then the read's audit
    # record in a write transaction of its own (BEGIN, its three statements, COMMIT), so
    # the dashboard's reads never hold the write lock. Inside the dashboard window's read
    # scope a refresh writes no record at all.
    selects = {"postgresql": 1, "sqlite": 8}[db.dialect]
    expected = 3 + 2 + selects + 5 + 3 * EXTRA_BEGIN[db.dialect]
    assert trips(db, lambda: dashboard(db, front_desk)) == expected


def test_a_chart_read_sends_no_more_statements_than_counted(db: Database, physician: Actor) -> None:
    member = new_member(db, physician)
    patient = new_patient(db, physician)
    new_referral(db, physician, patient.id, member)
    # The account re-check, then the unit of work's read: BEGIN, 12 SELECTs (one per part
    # of the chart; a patient with a plan adds its goals and activities), COMMIT; then the
    # read's audit record in a write transaction of its own (BEGIN, its three statements,
    # COMMIT), so the chart's reads never hold the write lock. Inside a window's read
    # scope a second read writes no record at all (tests/ui/test_read_scopes.py). Issue
    # 17's goal is 4 (not met); this keeps the count from growing.
    expected = 3 + 17 + 2 + 3 * EXTRA_BEGIN[db.dialect]
    assert trips(db, lambda: load_chart(db, physician, patient.id)) == expected


def test_lists_read_together_equal_each_read_alone(db: Database, physician: Actor) -> None:
    """The one statement returns each list's rows, in its order, with their types."""
    today = date.today()
    member = new_member(db, physician)
    for n in range(3):
        patient = new_patient(db, physician, family=f"Quinn{n}")
        new_referral(db, physician, patient.id, member)
    gaps = select(Patient.id, Patient.family_name, Patient.date_of_birth).order_by(
        Patient.family_key.desc()
    )
    statements = [
        figures_statement(today, datetime.now(UTC)),
        gaps.limit(2),
        gaps.limit(5),
        select(Referral.id, Referral.state, Referral.created_at).order_by(Referral.id.desc()),
        select(Referral.id).where(Referral.id < 0),
    ]
    with db.session() as session:
        alone = [[tuple(r) for r in session.execute(s)] for s in statements]
        together = read_together(session, statements)
    assert [[tuple(r) for r in rows] for rows in together] == alone
    assert [len(rows) for rows in alone[1:]] == [2, 3, 3, 0]
    assert together[3][0].state is ReferralState.DRAFT
    assert together[1][0].family_name == "Quinn2"
