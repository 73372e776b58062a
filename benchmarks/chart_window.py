"""Chart-window benchmark: what a person waits for when opening a chart.

Times, on the GUI thread, ``ChartWindow(...)`` built, shown and painted (the chart read,
the header, the tab shown first), for patients picked at random, beside a bare window
with the same tab bar painted plus the same SELECTs through the bare driver. The first
chart of the process (imports, style polish) is reported apart. Target: median <= 60 ms.

    python -m benchmarks.chart_window [--database PATH] [--charts 40]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.core import Raw, raw_chart
from benchmarks.harness import RESULTS_DIR, Figure, print_table, summary, write_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chart_window", description=__doc__)
    parser.add_argument("--database", type=Path, default=RESULTS_DIR / "core-100000.sqlite3")
    parser.add_argument("--charts", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QWidget

    from carecoord.clinical.vocabulary import UserRole
    from carecoord.db import Database
    from carecoord.services.actor import Actor
    from carecoord.services.settings import get_settings
    from carecoord.ui.chart.window import SETTINGS_TAB, TABS, ChartWindow
    from carecoord.ui.context import AppContext
    from carecoord.ui.style import apply_app_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_app_style(app)  # as the app runs: the style sheet is part of the wait
    QSettings("CareCoord", "CareCoord").setValue(SETTINGS_TAB, "summary")
    url = f"sqlite:///{args.database}"
    db = Database(url)
    raw = Raw(url)
    actor = Actor(None, "benchmark", UserRole.PHYSICIAN, None, "Benchmark")
    context = AppContext(db=db, actor=actor, settings=get_settings(db))
    (top,) = raw.execute("SELECT max(id) FROM patients").fetchone()
    rng = random.Random(args.seed)
    ids = [rng.randint(1, top) for _ in range(args.charts + 1)]

    class Painted(QObject):
        done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.done = True
            return False

    def paint_ms(build: Callable[[], QWidget]) -> float:
        probe = Painted()
        started = time.perf_counter()
        window = build()
        window.installEventFilter(probe)
        window.resize(1180, 820)
        window.show()
        while not probe.done:
            app.processEvents()
        elapsed = (time.perf_counter() - started) * 1000
        window.close()
        window.deleteLater()
        app.processEvents()
        return elapsed

    def bare(pid: int) -> QWidget:
        raw_chart(raw, pid)
        window = QMainWindow()
        tabs = QTabWidget()
        for spec in TABS:
            tabs.addTab(QLabel(spec.title), spec.title)
        window.setCentralWidget(tabs)
        return window

    first = paint_ms(lambda: ChartWindow(context=context, patient_id=ids[0]))
    chart_ms: list[float] = []
    bare_ms: list[float] = []
    for pid in ids[1:]:

        def chart(pid: int = pid) -> QWidget:
            return ChartWindow(context=context, patient_id=pid)

        def baseline(pid: int = pid) -> QWidget:
            return bare(pid)

        chart_ms.append(paint_ms(chart))
        bare_ms.append(paint_ms(baseline))
    median, p95 = summary(chart_ms)
    base_median, base_p95 = summary(bare_ms)
    figures = [
        Figure(
            "chart window shown and painted",
            len(chart_ms),
            median,
            p95,
            "bare tabbed window + same SELECTs",
            base_median,
            base_p95,
            "median <= 60 ms",
            median <= 60,
        )
    ]
    print_table(f"Chart window ({args.database.name}, GUI thread, milliseconds)", figures)
    print(f"  first chart of the process: {first:.1f} ms")
    out = RESULTS_DIR / "chart_window.json"
    write_json(out, {"database": str(args.database), "first_chart_ms": first}, figures)
    print(f"\nJSON written to {out}")
    raw.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
