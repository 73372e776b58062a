"""List benchmark: scrolling the whole patient list and a long worklist view, page cost
by depth, memory.

Scrolls the patient list (every patient, discharged included) to the end in a real
QTableView, page after page as a person holding Page Down would, beside the same keyset
SQL run through the bare driver; times single pages near the top, middle and end (keyset
paging: the same cost at any depth); scrolls the worklist's "To send" view (every draft)
to the end the same way, with its pages by depth; then opens 10 charts and reports the
process's resident memory. Targets: whole list <= 10 s; RSS <= 300 MB.

    python -m benchmarks.lists [--database PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks.core import Raw
from benchmarks.harness import RESULTS_DIR, Figure, print_table, summary, write_json

KEYSET = (
    "SELECT id, mrn, family_name, given_name, date_of_birth, sex, status, phone, family_key, "
    "given_key, id FROM patients {where} ORDER BY family_key, given_key, id LIMIT 50"
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bare_scroll(raw: Raw) -> float:
    """The same keyset pages through the bare driver, first to last; milliseconds."""
    started = time.perf_counter()
    rows = raw.execute(KEYSET.format(where="")).fetchall()
    while len(rows) == 50:
        last = rows[-1]
        rows = raw.execute(
            KEYSET.format(where="WHERE (family_key, given_key, id) > (?, ?, ?)"),
            (last[8], last[9], last[10]),
        ).fetchall()
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lists", description=__doc__)
    parser.add_argument("--database", type=Path, default=RESULTS_DIR / "core-100000.sqlite3")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from carecoord.clinical.vocabulary import UserRole
    from carecoord.db import Database
    from carecoord.models import User
    from carecoord.services import patients
    from carecoord.services.actor import Actor
    from carecoord.services.settings import get_settings
    from carecoord.services.users import actor_of
    from carecoord.ui.chart.window import ChartWindow
    from carecoord.ui.context import AppContext
    from carecoord.ui.patients.page import PatientsPage
    from carecoord.ui.style import apply_app_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_app_style(app)
    url = f"sqlite:///{args.database}"
    db = Database(url)
    raw = Raw(url)
    actor = Actor(None, "benchmark", UserRole.FRONT_DESK, None, "Benchmark")
    context = AppContext(db=db, actor=actor, settings=get_settings(db))
    start_rss = rss_mb()

    page = PatientsPage(context=context)  # the list a person scrolls, as the app sets it up
    page.resize(1000, 700)
    page.show()
    app.processEvents()
    model = page.model
    view = page.table
    started = time.perf_counter()
    page.show_discharged.setChecked(True)  # every patient: a new search, first page
    while model.canFetchMore():
        model.fetchMore()
        view.scrollToBottom()
        app.processEvents()
    scroll_ms = (time.perf_counter() - started) * 1000
    patients.flush_search_audit(db, actor, model.search_audit)
    rows, held = model.rowCount(), model.loaded_rows()
    bare_ms = bare_scroll(raw)

    # One page at several depths, from the cursors the scroll kept.
    depth_ms: dict[str, tuple[float, float]] = {}
    for label, depth in (("first", 0), ("middle", len(model.starts) // 2), ("last", -1)):
        cursor = model.starts[depth]
        timings = []
        for _ in range(20):
            t = time.perf_counter()
            model.fetch_after(cursor)
            timings.append((time.perf_counter() - t) * 1000)
        depth_ms[label] = summary(timings)
    patients.flush_search_audit(db, actor, model.search_audit)

    # The worklist's longest open view, scrolled to the end in the real page.
    from carecoord.services.worklist import WorklistView
    from carecoord.ui.referrals.worklist_page import ReferralsPage

    desk = ReferralsPage(context=context)
    desk.resize(1400, 700)
    desk.show()
    app.processEvents()
    started = time.perf_counter()
    desk.select_view(WorklistView.TO_SEND)
    desk.wait_for_threads()
    app.processEvents()
    worklist_model, worklist_view = desk.model, desk.table
    while worklist_model.canFetchMore():
        worklist_model.fetchMore()
        worklist_view.scrollToBottom()
        app.processEvents()
    worklist_scroll_ms = (time.perf_counter() - started) * 1000
    worklist_rows, worklist_held = worklist_model.rowCount(), worklist_model.loaded_rows()
    worklist_depth_ms: dict[str, tuple[float, float]] = {}
    starts = worklist_model.starts
    for label, depth in (("first", 0), ("middle", len(starts) // 2), ("last", -1)):
        timings = []
        for _ in range(20):
            t = time.perf_counter()
            worklist_model.fetch_after(starts[depth])
            timings.append((time.perf_counter() - t) * 1000)
        worklist_depth_ms[label] = summary(timings)

    (top,) = raw.execute("SELECT max(id) FROM patients").fetchone()
    charts = []
    # The demo clinic's physician account: the chart's psychotherapy-notes tab lists its
    # author's notes, which an actor without an account has none of (the tab would stop
    # the run with a modal error).
    with db.session() as session:
        account = session.scalar(select(User).where(User.username == "drlee"))
        assert account is not None, "the benchmark needs the demo clinic's drlee account"
        physician = actor_of(account)
    doctor = AppContext(db=db, actor=physician, settings=context.settings)
    for i in range(10):
        window = ChartWindow(context=doctor, patient_id=1 + (i * 7919) % top)
        window.show()
        app.processEvents()
        charts.append(window)
    end_rss = rss_mb()

    figures = [
        Figure(
            f"scroll the whole patient list ({rows:,})",
            1,
            scroll_ms,
            scroll_ms,
            "same keyset SQL, bare driver",
            bare_ms,
            bare_ms,
            "<= 10 s",
            scroll_ms <= 10_000,
        )
    ]
    print_table(f"Lists ({args.database.name}, milliseconds)", figures)
    print(f"  rows held by the model after the scroll: {held:,} of {rows:,}")
    print("  one page of 50 by depth (median / p95 ms):")
    for label, (median, p95) in depth_ms.items():
        print(f"    {label:<7} {median:7.2f} / {p95:7.2f}")
    print(
        f"  worklist 'To send' scrolled to the end: {worklist_scroll_ms / 1000:.1f} s, "
        f"{worklist_held:,} of {worklist_rows:,} rows held"
    )
    print("  one worklist page of 100 by depth (median / p95 ms, audited read included):")
    for label, (median, p95) in worklist_depth_ms.items():
        print(f"    {label:<7} {median:7.2f} / {p95:7.2f}")
    print(
        f"  RSS: {start_rss:.0f} MB at start, {end_rss:.0f} MB after both scrolls and 10 open "
        f"charts (target <= 300 MB: {'MET' if end_rss <= 300 else 'MISSED'})"
    )
    out = RESULTS_DIR / "lists.json"
    write_json(
        out,
        {
            "rows": rows,
            "held": held,
            "depth_ms": depth_ms,
            "worklist_scroll_ms": worklist_scroll_ms,
            "worklist_rows": worklist_rows,
            "worklist_held": worklist_held,
            "worklist_depth_ms": worklist_depth_ms,
            "rss_start_mb": start_rss,
            "rss_end_mb": end_rss,
        },
        figures,
    )
    print(f"\nJSON written to {out}")
    for window in charts:
        window.close()
    desk.wait_for_threads()
    raw.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
