"""The benchmark goals summary reports every goal: met, with a gap, or not measured."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.goals import collect, render


def _figure(name: str, median: float, baseline: float, target: str, met: bool) -> dict:
    return {
        "name": name,
        "runs": 5,
        "median_ms": median,
        "p95_ms": median * 2,
        "baseline_name": "bare",
        "baseline_median_ms": baseline,
        "baseline_p95_ms": baseline * 2,
        "target": target,
        "met": met,
        "ratio_median": median / baseline,
        "ratio_p95": median / baseline,
    }


def _scale(patients: int, dashboard_ms: float, trips: int, fill: float) -> dict:
    return {
        "patients": patients,
        "dialect": "sqlite",
        "demo_fill_seconds": fill,
        "figures": [
            _figure("dashboard (service)", dashboard_ms, 1.0, "<= 50 ms", dashboard_ms <= 50)
        ],
        "views": {"To send": [4.0, 6.0]},
        "views_sql": {"To send": [0.3, 0.4]},
        "round_trips": {"dashboard": trips},
    }


def test_goals_table_reports_met_gaps_growth_and_missing(tmp_path: Path) -> None:
    core = {"scales": [_scale(10_000, 20.0, 5, 10.0), _scale(100_000, 70.0, 5, 130.0)]}
    (tmp_path / "core-sqlite.json").write_text(json.dumps(core))
    (tmp_path / "chart_window.json").write_text(
        json.dumps({"figures": [_figure("chart window", 55.0, 10.0, "<= 60 ms", True)]})
    )

    goals = {(g.source, g.name): g for g in collect(tmp_path)}

    assert goals[("core (sqlite)", "dashboard (service) @ 100,000")].verdict == "GAP"
    assert goals[("core (sqlite)", "dashboard (service) @ 10,000")].verdict == "MET"
    growth = goals[("core (sqlite)", "growth 10,000 -> 100,000: dashboard (service)")]
    assert growth.verdict == "GAP" and "3.5x" in growth.measured
    assert goals[("core (sqlite)", "growth 10,000 -> 100,000: view: To send")].verdict == "MET"
    assert goals[("core (sqlite)", "round trips: dashboard")].verdict == "MET"
    assert goals[("core (sqlite)", "demo fill, 100,000 patients")].verdict == "GAP"
    assert goals[("chart window", "chart window")].verdict == "MET"
    assert goals[("core (postgresql)", "python -m benchmarks")].verdict == "not measured"
    assert goals[("start-up", "python -m benchmarks.startup")].verdict == "not measured"
    text = render(list(goals.values()))
    assert "not measured" in text and text.rstrip().endswith("not measured.")
