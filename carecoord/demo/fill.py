"""Fill an empty database with the demo clinic (the public entry point)."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select, text

from carecoord.clinical.vocabulary import (
    Discipline,
)
from carecoord.db import Database
from carecoord.demo import allergy as demo_allergy
from carecoord.demo import batches
from carecoord.demo import document_review as demo_document_review
from carecoord.demo import intake as demo_intake
from carecoord.demo import monitoring as monitoring_demo
from carecoord.demo import pain_drawings as demo_pain_drawings
from carecoord.demo import workflow as demo_workflow
from carecoord.demo.builder import Builder
from carecoord.demo.common import DEMO_USERNAMES, report_pdf
from carecoord.demo.sink import COLUMNS, Sink
from carecoord.errors import CareCoordError
from carecoord.models import Base, Patient, Setting
from carecoord.services import audit, dashboard_summary
from carecoord.services.demo_mark import DEMO_SETTING, DEMO_SETTING_VALUE, is_demo_connection

D = Discipline

log = logging.getLogger(__name__)


class DemoRefused(CareCoordError):
    """Demo data goes only into a database without patients."""


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`fill_demo` wrote, and how long it took."""

    team_members: int
    patients: int
    referrals: int
    assessments: int
    plans: int
    activities: int
    documents: int
    users: int
    seconds: float


# --------------------------------------------------------------------------------- API


def _max_ids(conn: Connection) -> dict[str, int]:
    ids = {}
    for table in COLUMNS:
        if table == "settings":
            continue
        ids[table] = conn.execute(select(func.max(Base.metadata.tables[table].c.id))).scalar() or 0
    return ids


def _reset_sequences(conn: Connection) -> None:
    """Move PostgreSQL's id sequences past the ids assigned here, so later inserts work."""
    for table in COLUMNS:
        if table == "settings":
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )
        )


def _refuse_a_clinic_database(conn: Connection) -> None:
    """Demo data goes only into an empty database or a demo database without patients.

    A database that holds patients, accounts other than the demo's, or (without the demo
    mark) any account or clinic settings is a clinic's: the demo's ``admin``/``demo``
    accounts must never appear there.

    Raises:
        DemoRefused: naming what the database holds.
    """
    existing = conn.execute(select(func.count()).select_from(Patient.__table__)).scalar_one()
    if existing:
        raise DemoRefused(
            f"The database already holds {existing} patients; demo data goes only into an "
            "empty database."
        )
    accounts = set(conn.execute(text("SELECT username FROM users")).scalars())
    foreign = sorted(accounts - set(DEMO_USERNAMES))
    if foreign:
        raise DemoRefused(
            f"The database holds {len(foreign)} user account(s) that are not the demo's; demo "
            "data goes only into an empty database, never into a clinic's."
        )
    has_settings = conn.execute(text("SELECT COUNT(*) FROM settings")).scalar_one() > 0
    if (accounts or has_settings) and not is_demo_connection(conn):
        raise DemoRefused(
            "The database holds clinic settings or user accounts and is not a demo database; "
            "demo data goes only into an empty database, never into a clinic's."
        )


def fill_demo(
    db: Database,
    *,
    patients: int = 60,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with fictional but clinically coherent demo data.

    Writes about 40 team members, the clinic settings and the demo mark (unless already
    set: a demo database), the demo
    accounts ``admin``, ``drlee``, ``therapist`` and ``frontdesk`` (password ``demo``,
    for demonstrations only), ``patients`` patients with diagnoses, medications,
    allergies, care teams, assessments, treatment plans, about five referrals each (in
    every workflow state, some overdue) with their history and reports, and one audit
    event. The same ``seed`` and ``today`` give the same data.

    Args:
        db: The database; it must not hold any patient.
        patients: How many patients to create (0 or more).
        seed: Seed of the random stream.
        today: The day the data is relative to (default: the workstation's date).
        progress: Called as ``progress(done, total)`` patients now and then.

    Returns:
        Row counts and the seconds taken.

    Raises:
        DemoRefused: The database holds patients, or is a clinic's (accounts or settings
            without the demo mark); nothing is written.
        ValueError: A negative number of patients.
    """
    if patients < 0:
        raise ValueError("patients must be 0 or more")
    started = time.perf_counter()
    day = today or date.today()
    engine = db.engine.execution_options(carecoord_write=True)
    with engine.connect() as conn, _rollback_journal(conn), conn.begin():
        _refuse_a_clinic_database(conn)
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a bigger page cache keeps the index B-trees in memory during the load
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        try:
            summary = _fill(conn, patients, seed, day, progress, started)
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA cache_size=-2000")
        if not sqlite:  # fresh statistics, or the planner guesses on empty-table estimates
            # Only the tables filled here: a bare ANALYZE would lock every schema's tables.
            quote = conn.dialect.identifier_preparer.quote
            conn.exec_driver_sql("ANALYZE " + ", ".join(quote(t) for t in COLUMNS))
    log.info("demo data loaded: %d patients in %.1f s", patients, summary.seconds)
    return summary


def _driver(conn: Connection) -> Any:
    """The DB-API connection: a PRAGMA sent there is not wrapped in a transaction."""
    return conn.connection.driver_connection


@contextmanager
def _rollback_journal(conn: Connection) -> Iterator[None]:
    """SQLite in WAL mode: load under a rollback journal, then back to WAL.

    Under WAL every page of the load is written twice (to the log, then checkpointed into
    the file). A rollback journal keeps only the pages the file held before, which for
    a new demo file is its empty schema, and still undoes the whole load after a crash
    (synchronous stays as it is). When another connection has the file open the switch
    cannot be made at once; the load then runs under WAL rather than wait.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    driver = _driver(conn)
    mode = str(driver.execute("PRAGMA journal_mode").fetchone()[0])
    switched = mode
    if mode.lower() == "wal":
        timeout = int(driver.execute("PRAGMA busy_timeout").fetchone()[0])
        driver.execute("PRAGMA busy_timeout=0")
        try:
            switched = str(driver.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
        except sqlite3.OperationalError:  # locked by another connection
            pass
        finally:
            driver.execute(f"PRAGMA busy_timeout={timeout}")
    try:
        yield
    finally:
        if switched != mode:
            driver.execute(f"PRAGMA journal_mode={mode}")


@contextmanager
def _indexes_built_after(conn: Connection) -> Iterator[None]:
    """The filled tables' secondary indexes (and, on PostgreSQL, their foreign keys)
    dropped while the patients' rows go in, then made again from their own definitions:
    sorting each index once, and checking each foreign key with one join, is quicker than
    doing either row by row. Primary keys stay (the foreign keys need them). Unique
    indexes and foreign keys check every row when made again; on an error the
    transaction's rollback brings back what was dropped."""
    indexes = _secondary_indexes(conn)
    keys = _foreign_keys(conn)
    quote = conn.dialect.identifier_preparer.quote
    for table, name, _definition in keys:
        conn.exec_driver_sql(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield
    for _name, definition in indexes:
        conn.exec_driver_sql(definition)
    for table, name, definition in keys:
        conn.exec_driver_sql(
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
        )


def _foreign_keys(conn: Connection) -> list[tuple[str, str, str]]:
    """PostgreSQL: (table, name, definition) of the filled tables' foreign keys (SQLite
    cannot drop a constraint; there each row's check is cheap)."""
    if conn.dialect.name == "sqlite":
        return []
    rows = conn.execute(
        text(
            "SELECT ct.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class ct ON ct.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = ct.relnamespace "
            "WHERE c.contype = 'f' AND n.nspname = current_schema() "
            "AND ct.relname = ANY(:tables) ORDER BY ct.relname, c.conname"
        ),
        {"tables": list(COLUMNS)},
    )
    return [(table, name, definition) for table, name, definition in rows]


def _secondary_indexes(conn: Connection) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the filled tables' indexes no constraint owns."""
    tables = list(COLUMNS)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(tables))
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master "
            f"WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            tuple(tables),
        )
    else:
        rows = conn.execute(
            text(
                "SELECT ci.relname, pg_get_indexdef(ci.oid) FROM pg_index x "
                "JOIN pg_class ci ON ci.oid = x.indexrelid "
                "JOIN pg_class ct ON ct.oid = x.indrelid "
                "JOIN pg_namespace n ON n.oid = ct.relnamespace "
                "WHERE n.nspname = current_schema() AND ct.relname = ANY(:tables) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            ),
            {"tables": tables},
        )
    return [(name, definition) for name, definition in rows]


def _fill(
    conn: Connection,
    patients: int,
    seed: int,
    day: date,
    progress: Callable[[int, int], None] | None,
    started: float,
) -> DemoSummary:
    """The fill, step by step: the directory, the patients in batches, then the later
    fills that read what the patients' rows hold. A new demo step is one line at the end."""
    sink = Sink(conn)
    builder = _directory(conn, sink, seed, day)
    with _indexes_built_after(conn):
        for done in batches.built(builder, patients):
            sink.flush()
            if progress is not None and done < patients:
                progress(done, patients)
    later: dict[str, int] = {}
    demo_workflow.fill_workflow_extras(conn, day)
    later["pain drawings"] = demo_pain_drawings.fill_pain_drawings(conn, day)
    later["'no known allergies' confirmations"] = demo_allergy.mark_no_known_allergies(conn, day)
    later["monitoring results"] = monitoring_demo.fill_monitoring(conn, day)
    later["incoming documents with their reviews"] = demo_document_review.fill_document_reviews(
        conn, day, report_pdf
    )
    later["referrals to the clinic"] = demo_intake.fill_intake(conn, day)
    dashboard_summary.rebuild(conn)  # the dashboard's kept counts, from the rows just written
    _record_the_load(conn, builder, seed, day, later)
    if progress is not None:
        progress(patients, patients)
    written = sink.written
    return DemoSummary(
        team_members=written["team_members"],
        patients=written["patients"],
        referrals=written["referrals"],
        assessments=written["assessments"],
        plans=written["treatment_plans"],
        activities=written["plan_activities"],
        documents=written["documents"],
        users=written["users"],
        seconds=round(time.perf_counter() - started, 2),
    )


def _directory(conn: Connection, sink: Sink, seed: int, day: date) -> Builder:
    """The builder, after writing the team, the demo accounts and (in a database without
    them) the clinic settings with the demo mark."""
    builder = Builder(sink, _max_ids(conn), seed, day)
    usernames = set(conn.execute(text("SELECT username FROM users")).scalars())
    has_settings = conn.execute(text("SELECT COUNT(*) FROM settings")).scalar_one() > 0
    named = conn.execute(select(Setting.value).where(Setting.key == "clinic_name")).scalar()
    builder.clinic_name = named or builder.clinic_name
    builder.team()
    builder.users(usernames)
    builder.therapist_member = next(m.id for m in builder.members if m.discipline == D.PSYCHOLOGY)
    if not has_settings:
        builder.settings()
        sink.rows["settings"].append((DEMO_SETTING, DEMO_SETTING_VALUE))
    sink.flush()
    return builder


def _record_the_load(
    conn: Connection, builder: Builder, seed: int, day: date, later: dict[str, int]
) -> None:
    """One audit record of what the load wrote (through the audit service, which chains
    it), and PostgreSQL's id sequences moved past the ids assigned here."""
    written = builder.sink.written
    detail = (
        f"demo data loaded (seed {seed}, relative to {day.isoformat()}): "
        f"{written['team_members']} team members, {written['users']} users, "
        f"{written['patients']} patients, {written['diagnoses']} diagnoses, "
        f"{written['medications']} medications, {written['allergies']} allergies, "
        f"{written['care_team_memberships']} care-team memberships, "
        f"{written['assessments']} assessments, {written['treatment_plans']} plans, "
        f"{written['plan_activities']} activities, {written['referrals']} referrals, "
        f"{written['referral_events']} referral events, {written['documents']} documents, "
        + ", ".join(f"{count} {what}" for what, count in later.items())
    )
    audit.append(
        conn,
        [
            {
                "user_id": builder.user_ids.get("admin"),
                "username": "system",
                "action": "import",
                "entity": "DemoData",
                "entity_id": None,
                "patient_id": None,
                "data_category": "general",
                "detail": detail,
            }
        ],
    )
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn)
