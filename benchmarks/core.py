"""Core benchmark: search, worklists, chart load and dashboard at several clinic sizes.

Each service figure stands beside the same SQL (same joins, limits and ordering) run
through the bare driver (``sqlite3`` or ``psycopg``) on the same database in the same run,
so the ratios survive a noisy machine. Run at several scales, it prints each operation's
growth ratio (largest scale / smallest); on PostgreSQL it also counts the round trips an
operation makes and the latency they would add over a 30 ms link.

    python -m benchmarks                          # SQLite, 100,000 patients
    python -m benchmarks --scales 10000,100000    # both sizes, then the growth table
    python -m benchmarks --url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from benchmarks.harness import RESULTS_DIR, Figure, print_table, summary, time_call, write_json
from carecoord.clinical.vocabulary import UserRole
from carecoord.config import sqlite_path
from carecoord.db import SINGLE_STATEMENT_READS, Database
from carecoord.services import patients
from carecoord.services.actor import Actor
from carecoord.services.chart import load_chart
from carecoord.services.dashboard import dashboard
from carecoord.services.patients import SearchQuery, parse_search
from carecoord.services.validation import key_range
from carecoord.services.worklist import WorklistView, worklist, worklist_counts, worklist_page

COLUMNS = "id, mrn, family_name, given_name, date_of_birth, sex, status, phone"
ORDER = "ORDER BY family_key, given_key, id"
PAGE = 50
SEARCHES_PER_SESSION = 8
WORKLIST_PAGE = 100
DEEP_PAGE = 21


class Raw:
    """The bare driver connection the baselines use: ``sqlite3``, or ``psycopg`` in
    autocommit mode; the SQL is written with ``?`` placeholders for both."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            path = sqlite_path(url)
            assert path is not None
            self.conn: Any = sqlite3.connect(path)
        else:
            import psycopg

            parsed = make_url(url)
            options = parsed.query.get("options")
            self.conn = psycopg.connect(
                host=parsed.host or "127.0.0.1",
                port=parsed.port or 5432,
                user=parsed.username,
                password=parsed.password,
                dbname=parsed.database,
                options=str(options) if options else "",
                autocommit=True,
            )

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql if self.sqlite else sql.replace("?", "%s"), params)

    def close(self) -> None:
        self.conn.close()


def scale_url(base: str | None, patients: int) -> str:
    """The database one scale is measured on: a file under ``results/`` for SQLite, a
    schema of its own (``bench_<patients>``) in the given PostgreSQL database."""
    if base is None or base.startswith("sqlite"):
        if base is not None and sqlite_path(base) is not None:
            return base
        return f"sqlite:///{RESULTS_DIR / f'core-{patients}.sqlite3'}"
    schema = f"bench_{patients}"
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def has_patients(url: str) -> bool:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        return path is not None and path.exists()
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(text("SELECT to_regclass('patients') IS NOT NULL")).scalar()
                and conn.execute(text("SELECT count(*) FROM patients")).scalar()
            )
    finally:
        engine.dispose()


def build(url: str, patient_count: int, seed: int) -> tuple[float, float]:
    """Fill a new database with the demo clinic; returns the wall-clock seconds it took and
    the processor seconds (user and system, with the fill's builder process): on a shared
    machine the second figure is the steadier one."""
    from carecoord.demo import fill_demo

    path = sqlite_path(url) if url.startswith("sqlite") else None
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        schema = f"bench_{patient_count}"
        plain = make_url(url).difference_update_query(["options"])
        engine = create_engine(plain, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    db = Database(url)
    started, cpu = time.perf_counter(), _cpu_seconds()
    fill_demo(db, patients=patient_count, seed=seed)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    db.dispose()
    return seconds, cpu


def _cpu_seconds() -> float:
    """User and system time of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class RoundTrips:
    """Counts what goes over the wire per operation: BEGIN, each statement, COMMIT or
    ROLLBACK (psycopg sends BEGIN on its own before a transaction's first statement)."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, self._transaction)
        event.listen(engine, "before_cursor_execute", self._statement)

    def _transaction(self, conn: Any) -> None:
        # An autocommit connection sends no BEGIN, COMMIT or ROLLBACK to the server, nor
        # does a SQLite connection of single-statement reads (carecoord.db._sqlite_begin).
        options = conn.get_execution_options()
        if options.get("isolation_level") != "AUTOCOMMIT" and not options.get(
            SINGLE_STATEMENT_READS
        ):
            self.count += 1

    def _statement(self, *_: Any) -> None:
        self.count += 1

    def of(self, call: Callable[[], Any]) -> int:
        before = self.count
        call()
        return self.count - before


def sample_queries(conn: Raw, count: int, seed: int) -> list[str]:
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
        born = str(born)  # psycopg returns a date, sqlite3 its ISO text
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


def raw_search(conn: Raw, text: str) -> list[tuple[Any, ...]]:
    """The same SQL the service runs, through the bare driver."""
    q: SearchQuery = parse_search(text)
    if q.kind == "date":
        sql = f"SELECT {COLUMNS} FROM patients WHERE date_of_birth = ? {ORDER} LIMIT {PAGE}"
        assert q.date_of_birth is not None
        return list(conn.execute(sql, (q.date_of_birth.isoformat(),)).fetchall())
    if q.kind == "mrn":
        assert q.mrn_prefix is not None
        sql = f"SELECT {COLUMNS} FROM patients WHERE mrn >= ? AND mrn < ? ORDER BY mrn LIMIT {PAGE}"
        return list(conn.execute(sql, key_range(q.mrn_prefix)).fetchall())
    assert q.first is not None
    first = key_range(q.first)
    if q.second is None:
        primary = "family_key >= ? AND family_key < ?"
        rows = list(
            conn.execute(
                f"SELECT {COLUMNS} FROM patients WHERE {primary} {ORDER} LIMIT {PAGE}", first
            ).fetchall()
        )
        if len(rows) < PAGE:
            rows += conn.execute(
                f"SELECT {COLUMNS} FROM patients WHERE given_key >= ? AND given_key < ? "
                f"AND NOT ({primary}) {ORDER} LIMIT {PAGE - len(rows)}",
                (*first, *first),
            ).fetchall()
        return rows
    second = key_range(q.second)
    both = "family_key >= ? AND family_key < ? AND given_key >= ? AND given_key < ?"
    rows = list(
        conn.execute(
            f"SELECT {COLUMNS} FROM patients WHERE {both} {ORDER} LIMIT {PAGE}", (*first, *second)
        ).fetchall()
    )
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


def raw_chart(conn: Raw, patient_id: int) -> int:
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


RAW_OVERDUE_COUNT = (
    "SELECT count(*) FROM referrals WHERE due_on < ? AND state IN ('sent','accepted','seen')"
)


def captured(db: Database, call: Callable[[Any], Any], argument: Any) -> list[tuple[str, Any]]:
    """The SELECTs on referrals one service call sends (SQL and driver parameters)."""
    sent: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "referrals" in statement:
            sent.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        call(argument)
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    return sent


def bare_timing(raw: Raw, statements: list[tuple[str, Any]]) -> tuple[float, float]:
    """Median and p95 of the same statements through the bare driver (no audit commit)."""

    def run(_: Any) -> None:
        for sql, params in statements:
            raw.conn.execute(sql, params).fetchall()

    return summary([time_call(run, None) for _ in range(15)])


def deep_cursor(db: Database, desk: Actor, view: WorklistView) -> tuple[WorklistView, Any] | None:
    """The view and the cursor its page ``DEEP_PAGE`` starts after (None: fewer pages)."""
    cursor = None
    for _ in range(DEEP_PAGE - 1):
        cursor = worklist_page(db, desk, view, after=cursor, limit=WORKLIST_PAGE).next
        if cursor is None:
            return None
    return view, cursor


def measure(url: str, args: argparse.Namespace, patient_count: int) -> dict[str, Any]:
    """Every figure at one scale: service beside bare SQL, worklist views, round trips."""
    demo_seconds = demo_cpu_seconds = None
    if args.rebuild or not has_patients(url):
        print(f"Building a {patient_count:,}-patient demo clinic ({url.split('?')[0]}) …")
        demo_seconds, demo_cpu_seconds = build(url, patient_count, args.seed)
        print(f"  filled in {demo_seconds:.1f} s ({demo_cpu_seconds:.1f} s of processor time)")
    db = Database(url)
    raw = Raw(url)
    if not raw.sqlite:
        # As autovacuum leaves a clinic's tables between days (a demo fill or migration
        # that rewrote "referrals" leaves no page marked all-visible, so counts could not
        # be index-only yet).
        raw.execute("VACUUM ANALYZE referrals")
    trips = RoundTrips(db.engine)
    (patient_total,) = raw.execute("SELECT count(*) FROM patients").fetchone()
    (referral_total,) = raw.execute("SELECT count(*) FROM referrals").fetchone()
    actor = Actor(None, "benchmark", UserRole.PHYSICIAN, None, "Benchmark")
    desk = Actor(None, "benchmark", UserRole.FRONT_DESK, None, "Benchmark")

    queries = sample_queries(raw, args.queries, args.seed)
    for text_ in queries[:20]:  # warm both paths' caches alike
        patients.search_patients(db, actor, text_)
        raw_search(raw, text_)
    tally = patients.SearchAudit()
    typed = [0]

    def search(q: str) -> None:
        """As the patient list searches: tallied, one audit record per session of typing
        (a session here: 8 searches; the flush's commit is timed inside the 8th)."""
        patients.search_page(db, actor, q, limit=PAGE, audit_session=tally)
        typed[0] += 1
        if typed[0] % SEARCHES_PER_SESSION == 0:
            patients.flush_search_audit(db, actor, tally)

    search_ms, raw_search_ms = interleave(search, lambda q: raw_search(raw, q), queries)
    today = date.today().isoformat()
    runs = list(range(60))
    worklist_ms, raw_worklist_ms = interleave(
        lambda _: worklist(db, desk, WorklistView.OVERDUE, limit=WORKLIST_PAGE),
        lambda _: raw.execute(RAW_WORKLIST, (today,)).fetchall(),
        runs,
    )
    for view in WorklistView:  # warm every view's index pages alike before timing
        worklist(db, desk, view, limit=WORKLIST_PAGE)
    view_ms: dict[str, tuple[float, float]] = {}
    view_sql_ms: dict[str, tuple[float, float]] = {}
    for view in WorklistView:
        view_ms[view.label] = summary(
            [
                time_call(lambda v: worklist(db, desk, v, limit=WORKLIST_PAGE), view)
                for _ in range(15)
            ]
        )
        view_sql_ms[view.label] = bare_timing(
            raw, captured(db, lambda v: worklist(db, desk, v, limit=WORKLIST_PAGE), view)
        )
    # A page deep in a long view (the 21st of 100 rows): keyset paging should make it
    # cost what the first page does.
    for view in (WorklistView.TO_SEND, WorklistView.CLOSED):
        deep = deep_cursor(db, desk, view)
        if deep is not None:
            label = f"{view.label}, page {DEEP_PAGE}"
            view_ms[label] = summary(
                [
                    time_call(lambda c: worklist_page(db, desk, c[0], after=c[1]), deep)
                    for _ in range(15)
                ]
            )
            view_sql_ms[label] = bare_timing(
                raw, captured(db, lambda c: worklist_page(db, desk, c[0], after=c[1]), deep)
            )
    counts_ms = [time_call(lambda _: worklist_counts(db, desk), None) for _ in range(10)]
    view_sql_ms["counts of all views (capped)"] = bare_timing(
        raw, captured(db, lambda _: worklist_counts(db, desk), None)
    )
    rng = random.Random(args.seed)
    chart_ids = [rng.randint(1, patient_total) for _ in range(200)]
    chart_ms, raw_chart_ms = interleave(
        lambda pid: load_chart(db, actor, pid), lambda pid: raw_chart(raw, pid), chart_ids
    )
    dash_ms, raw_count_ms = interleave(
        lambda _: dashboard(db, desk),
        lambda _: raw.execute(RAW_OVERDUE_COUNT, (today,)).fetchone(),
        list(range(10)),
    )
    round_trips = {
        "chart": trips.of(lambda: load_chart(db, actor, chart_ids[0])),
        "search": trips.of(
            lambda: patients.search_page(db, actor, queries[0], limit=PAGE, audit_session=tally)
        ),
        "dashboard": trips.of(lambda: dashboard(db, desk)),
    }
    figures = [
        figure(
            "patient search (list's first page)",
            search_ms,
            "same SQL, bare driver",
            raw_search_ms,
            "median and p95 <= 2x",
            lambda m, p, r: r <= 2 and m <= 2 * summary(raw_search_ms)[0],
        ),
        figure(
            "overdue worklist, first page",
            worklist_ms,
            "same SQL, bare driver",
            raw_worklist_ms,
            "<= 30 ms",
            lambda m, p, r: m <= 30,
        ),
        figure(
            "chart load (service, all data)",
            chart_ms,
            "same SELECTs, bare driver",
            raw_chart_ms,
            "<= 30 ms",
            lambda m, p, r: m <= 30,
        ),
        figure(
            "dashboard (service)",
            dash_ms,
            "its overdue count alone, bare",
            raw_count_ms,
            "<= 50 ms",
            lambda m, p, r: m <= 50,
        ),
    ]
    dialect = db.dialect
    raw.close()
    db.dispose()
    return {
        "patients": patient_total,
        "referrals": referral_total,
        "dialect": dialect,
        "demo_fill_seconds": demo_seconds,
        "demo_fill_cpu_seconds": demo_cpu_seconds,
        "figures": figures,
        "views": {**view_ms, "counts of all views (capped)": summary(counts_ms)},
        "views_sql": view_sql_ms,
        "round_trips": round_trips,
    }


def print_scale(result: dict[str, Any]) -> None:
    print(
        f"\n{result['dialect']}: {result['patients']:,} patients, {result['referrals']:,} referrals"
    )
    if result["demo_fill_seconds"] is not None:
        cpu = result.get("demo_fill_cpu_seconds")
        extra = f" ({cpu:.1f} s CPU)" if cpu else ""
        print(f"Demo fill: {result['demo_fill_seconds']:.1f} s{extra}")
    print_table(
        f"Core benchmark ({result['dialect']}, {result['patients']:,} patients, ms)",
        result["figures"],
    )
    print(
        "\nEvery worklist view, first page of 100 (median / p95 ms; service with its audited"
        " read, then the same SELECTs through the bare driver):"
    )
    for label, (median, p95) in result["views"].items():
        bare = result["views_sql"].get(label)
        sql = f"   bare {bare[0]:7.2f} / {bare[1]:7.2f}" if bare else ""
        print(f"  {label:<30} {median:7.2f} / {p95:7.2f}{sql}")
    print("\nRound trips per operation (latency they add at 30 ms per trip):")
    for name, count in result["round_trips"].items():
        print(f"  {name:<10} {count:3d}  ({count * 30} ms)  target {TRIP_TARGETS[name]}")


TRIP_TARGETS = {"chart": 4, "search": 2, "dashboard": 6}


def growth_table(results: list[dict[str, Any]]) -> None:
    """Median per operation at each scale and the largest/smallest ratio (flat ≈ 1)."""
    ops: dict[str, list[float]] = {}
    for result in results:
        for f in result["figures"]:
            ops.setdefault(f.name, []).append(f.median_ms)
        for label, (median, _) in result["views"].items():
            ops.setdefault(f"view: {label}", []).append(median)
        for label, (median, _) in result["views_sql"].items():
            ops.setdefault(f"bare SQL: {label}", []).append(median)
    scales = " ".join(f"{r['patients']:>10,}" for r in results)
    print(f"\nGrowth ({results[0]['dialect']}, median ms per scale; ratio largest/smallest)")
    print(f"{'operation':<46} {scales}   ratio")
    for name, medians in ops.items():
        cells = " ".join(f"{m:>10.2f}" for m in medians)
        ratio = medians[-1] / medians[0] if medians[0] else float("inf")
        print(f"{name:<46} {cells}   {ratio:5.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--url", default=None, help="SQLite or PostgreSQL database URL")
    parser.add_argument("--scales", default="100000", help="patients per run, e.g. 10000,100000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--rebuild", action="store_true", help="fill fresh databases first")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    results = []
    for count in scales:
        result = measure(scale_url(args.url, count), args, count)
        print_scale(result)
        results.append(result)
    if len(results) > 1:
        growth_table(results)
    out = RESULTS_DIR / f"core-{results[0]['dialect']}.json"
    write_json(
        out,
        {
            "scales": [
                {k: v for k, v in r.items() if k not in ("figures",)}
                | {"figures": [f.__dict__ for f in r["figures"]]}
                for r in results
            ]
        },
        results[-1]["figures"],
    )
    print(f"\nJSON written to {out}")
    return 0
