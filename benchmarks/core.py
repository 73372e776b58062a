"""Core benchmark: a 100,000-patient clinic; search, overdue worklist and chart load.

Each service figure stands beside the same work done with the bare ``sqlite3`` module
on the same file in the same run, so the ratios survive a noisy machine.

    python -m benchmarks                 # build (or reuse) the database, measure, print
    python -m benchmarks --rebuild       # fill a fresh database first (times the demo too)
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.harness import RESULTS_DIR, Figure, print_table, summary, time_call, write_json
from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.services import patients
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from carecoord.services.patients import SearchQuery, parse_search
from carecoord.services.validation import key_range
from carecoord.services.worklist import WorklistView, worklist, worklist_counts

COLUMNS = "id, mrn, family_name, given_name, date_of_birth, sex, status, phone"
ORDER = "ORDER BY family_key, given_key, id"
PAGE = 50
WORKLIST_PAGE = 100


def build(path: Path, patient_count: int, seed: int) -> float:
    """Fill a new database with the demo clinic; returns the seconds it took."""
    from carecoord.services.demo import fill_demo

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(f"sqlite:///{path}")
    started = time.perf_counter()
    fill_demo(db, patients=patient_count, seed=seed)
    seconds = time.perf_counter() - started
    db.dispose()
    return seconds


def sample_queries(conn: sqlite3.Connection, count: int, seed: int) -> list[str]:
    """What a front desk types: growing name prefixes, "family, given", DOBs and MRNs."""
    rng = random.Random(seed)
    (top,) = conn.execute("SELECT max(id) FROM patients").fetchone()
    queries: list[str] = []
    while len(queries) < count:
        row = conn.execute(
            "SELECT family_name, given_name, date_of_birth, mrn FROM patients WHERE id = ?",
            (rng.randint(1, top),),
        ).fetchone()
        if row is None:
            continue
        family, given, born, mrn = row
        roll = rng.random()
        if roll < 0.45:
            queries.append(family[: rng.randint(1, 5)])
        elif roll < 0.60:
            queries.append(given[: rng.randint(2, 4)])
        elif roll < 0.70:
            queries.append(f"{family[:4]}, {given[:1]}")
        elif roll < 0.78:
            queries.append(f"{given[:3]} {family[:3]}")
        elif roll < 0.89:
            queries.append(born)
        else:
            queries.append(mrn[: rng.randint(5, 9)])
    return queries


def raw_search(conn: sqlite3.Connection, text: str) -> list[tuple[Any, ...]]:
    """The same SQL the service runs, through the bare driver."""
    q: SearchQuery = parse_search(text)
    if q.kind == "date":
        sql = f"SELECT {COLUMNS} FROM patients WHERE date_of_birth = ? {ORDER} LIMIT {PAGE}"
        return conn.execute(sql, (q.date_of_birth.isoformat(),)).fetchall()  # type: ignore[union-attr]
    if q.kind == "mrn":
        assert q.mrn_prefix is not None
        sql = f"SELECT {COLUMNS} FROM patients WHERE mrn >= ? AND mrn < ? ORDER BY mrn LIMIT {PAGE}"
        return conn.execute(sql, key_range(q.mrn_prefix)).fetchall()
    assert q.first is not None
    first = key_range(q.first)
    if q.second is None:
        primary = "family_key >= ? AND family_key < ?"
        rows = conn.execute(
            f"SELECT {COLUMNS} FROM patients WHERE {primary} {ORDER} LIMIT {PAGE}", first
        ).fetchall()
        if len(rows) < PAGE:
            rows += conn.execute(
                f"SELECT {COLUMNS} FROM patients WHERE given_key >= ? AND given_key < ? "
                f"AND NOT ({primary}) {ORDER} LIMIT {PAGE - len(rows)}",
                (*first, *first),
            ).fetchall()
        return rows
    second = key_range(q.second)
    both = "family_key >= ? AND family_key < ? AND given_key >= ? AND given_key < ?"
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM patients WHERE {both} {ORDER} LIMIT {PAGE}", (*first, *second)
    ).fetchall()
    if len(rows) < PAGE and not q.comma:
        swapped = "given_key >= ? AND given_key < ? AND family_key >= ? AND family_key < ?"
        rows += conn.execute(
            f"SELECT {COLUMNS} FROM patients WHERE {swapped} AND NOT ({both}) {ORDER} "
            f"LIMIT {PAGE - len(rows)}",
            (*first, *second, *first, *second),
        ).fetchall()
    return rows


RAW_WORKLIST = f"""
SELECT r.id, r.patient_id, p.family_name, p.given_name, p.mrn, p.date_of_birth, r.discipline,
       m.given_name, m.family_name, m.credentials, r.priority, r.state, r.sent_on, r.due_on,
       r.appointment_date, r.appointment_due, r.report_due, r.auth_outcome, r.auth_valid_to,
       r.auth_visits_authorized, r.auth_visits_used, r.version
FROM referrals r JOIN patients p ON p.id = r.patient_id
LEFT JOIN team_members m ON m.id = r.recipient_member_id
WHERE r.due_on < ?
  AND r.state NOT IN ('draft', 'scheduled', 'report_received', 'declined', 'cancelled', 'on_hold')
ORDER BY r.due_on, r.id LIMIT {WORKLIST_PAGE}
"""

RAW_CHART = [
    "SELECT * FROM patients WHERE id = ?",
    "SELECT c.*, m.* FROM care_team_memberships c JOIN team_members m ON m.id = c.member_id "
    "WHERE c.patient_id = ? ORDER BY c.since, c.id",
    "SELECT r.*, p.family_name, p.given_name, p.mrn FROM referrals r "
    "JOIN patients p ON p.id = r.patient_id WHERE r.patient_id = ? "
    "ORDER BY r.created_at DESC, r.id DESC",
    "SELECT * FROM team_members WHERE id IN (SELECT recipient_member_id FROM referrals "
    "WHERE patient_id = ?)",
    "SELECT * FROM diagnoses WHERE patient_id = ? ORDER BY active DESC, id",
    "SELECT * FROM medications WHERE patient_id = ? ORDER BY id",
    "SELECT * FROM allergies WHERE patient_id = ? ORDER BY id",
    "SELECT * FROM assessments WHERE patient_id = ? ORDER BY taken_on, id",
    "SELECT * FROM treatment_plans WHERE patient_id = ? ORDER BY started_on DESC, id DESC",
    "SELECT g.* FROM plan_goals g JOIN treatment_plans t ON t.id = g.plan_id "
    "WHERE t.patient_id = ?",
    "SELECT a.* FROM plan_activities a JOIN treatment_plans t ON t.id = a.plan_id "
    "WHERE t.patient_id = ?",
    "SELECT * FROM headache_profiles WHERE patient_id = ?",
]


def raw_chart(conn: sqlite3.Connection, patient_id: int) -> int:
    total = 0
    for sql in RAW_CHART:
        total += len(conn.execute(sql, (patient_id,)).fetchall())
    return total


def figure(
    name: str,
    service: list[float],
    baseline_name: str,
    baseline: list[float],
    target: str,
    check: Callable[[float, float, float], bool],
) -> Figure:
    median, p95 = summary(service)
    base_median, base_p95 = summary(baseline)
    return Figure(
        name,
        len(service),
        median,
        p95,
        baseline_name,
        base_median,
        base_p95,
        target,
        check(median, p95, p95 / base_p95 if base_p95 else float("inf")),
    )


def interleave(
    service: Callable[[Any], Any], baseline: Callable[[Any], Any], items: list[Any]
) -> tuple[list[float], list[float]]:
    """Alternate service and baseline per item so both see the same machine state."""
    service_ms: list[float] = []
    baseline_ms: list[float] = []
    for item in items:
        service_ms.append(time_call(service, item))
        baseline_ms.append(time_call(baseline, item))
    return service_ms, baseline_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--rebuild", action="store_true", help="fill a fresh database first")
    parser.add_argument("--database", type=Path, default=None)
    args = parser.parse_args(argv)

    path = args.database or RESULTS_DIR / f"core-{args.patients}.sqlite3"
    demo_seconds = None
    if args.rebuild or not path.exists():
        print(f"Building a {args.patients:,}-patient demo clinic in {path} …")
        demo_seconds = build(path, args.patients, args.seed)
        print(f"  filled in {demo_seconds:.1f} s")

    db = Database(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    (patient_total,) = raw.execute("SELECT count(*) FROM patients").fetchone()
    (referral_total,) = raw.execute("SELECT count(*) FROM referrals").fetchone()
    actor = Actor(None, "benchmark", UserRole.PHYSICIAN, None, "Benchmark")
    desk = Actor(None, "benchmark", UserRole.FRONT_DESK, None, "Benchmark")

    queries = sample_queries(raw, args.queries, args.seed)
    for text in queries[:20]:  # warm both paths' caches alike
        patients.search_patients(db, actor, text)
        raw_search(raw, text)
    search_ms, raw_search_ms = interleave(
        lambda text: patients.search_patients(db, actor, text, limit=PAGE),
        lambda text: raw_search(raw, text),
        queries,
    )

    today = date.today().isoformat()
    runs = list(range(60))
    worklist_ms, raw_worklist_ms = interleave(
        lambda _: worklist(db, desk, WorklistView.OVERDUE, limit=WORKLIST_PAGE),
        lambda _: raw.execute(RAW_WORKLIST, (today,)).fetchall(),
        runs,
    )
    view_ms = {
        view: summary(
            [
                time_call(lambda v: worklist(db, desk, v, limit=WORKLIST_PAGE), view)
                for _ in range(15)
            ]
        )
        for view in WorklistView
    }
    counts_ms = [time_call(lambda _: worklist_counts(db, desk), None) for _ in range(10)]
    (overdue_total,) = raw.execute(
        "SELECT count(*) FROM referrals WHERE due_on < ? AND state IN ('sent','accepted','seen')",
        (today,),
    ).fetchone()

    rng = random.Random(args.seed)
    chart_ids = [rng.randint(1, patient_total) for _ in range(200)]
    chart_ms, raw_chart_ms = interleave(
        lambda pid: load_chart(db, actor, pid), lambda pid: raw_chart(raw, pid), chart_ids
    )

    figures = [
        figure(
            "patient search (service)",
            search_ms,
            "same SQL, bare sqlite3",
            raw_search_ms,
            "p95 <= 20 ms and <= 3x",
            lambda m, p, r: p <= 20 and r <= 3,
        ),
        figure(
            "overdue worklist, first page",
            worklist_ms,
            "same SQL, bare sqlite3",
            raw_worklist_ms,
            "<= 30 ms",
            lambda m, p, r: m <= 30,
        ),
        figure(
            "chart load (all tabs' data)",
            chart_ms,
            "same SELECTs, bare sqlite3",
            raw_chart_ms,
            "<= 30 ms",
            lambda m, p, r: m <= 30,
        ),
    ]
    print(
        f"\nDatabase: {patient_total:,} patients, {referral_total:,} referrals "
        f"({referral_total / patient_total:.2f} per patient), {overdue_total:,} overdue"
    )
    if demo_seconds is not None:
        print(f"Demo fill: {demo_seconds:.1f} s for {args.patients:,} patients (target < 120 s)")
    print_table("Core benchmark (SQLite, milliseconds)", figures)
    print("\nEvery worklist view, first page of 100 (median / p95 ms):")
    for view, (median, p95) in view_ms.items():
        print(f"  {view.label:<26} {median:7.2f} / {p95:7.2f}")
    counts_median, counts_p95 = summary(counts_ms)
    print(f"  {'counts of all ten views':<26} {counts_median:7.2f} / {counts_p95:7.2f}")
    out = RESULTS_DIR / "core.json"
    write_json(
        out,
        {
            "patients": patient_total,
            "referrals": referral_total,
            "overdue": overdue_total,
            "queries": len(queries),
            "demo_fill_seconds": demo_seconds,
        },
        figures,
    )
    print(f"\nJSON written to {out}")
    raw.close()
    db.dispose()
    return 0
