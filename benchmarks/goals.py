"""One table of every performance goal, read from the JSON the benchmarks wrote.

``make bench`` runs each benchmark (each prints its own figures beside their baselines)
and then this summary, so one screen says which goal is met and, for each one that is
not, by how much. A benchmark that was not run is listed as "not measured", never
silently left out.

    python -m benchmarks.goals [--results DIR]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import RESULTS_DIR

FLAT = 2.0
"""A list or count is flat when its median at the largest scale is within 2x the smallest."""
TRIP_TARGETS = {"chart": 4, "search": 2, "dashboard": 6}
LATENCY_PER_TRIP_MS = 30
DEMO_FILL_TARGETS_S = {"sqlite": 120.0, "postgresql": 120.0}
"""Filling the 100,000-patient demo clinic: under 2 minutes on either database."""


@dataclass(frozen=True)
class Goal:
    """One row: what was measured, against which goal, and whether it holds."""

    source: str
    name: str
    measured: str
    target: str
    met: bool | None  # None: not measured

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "not measured"
        return "MET" if self.met else "GAP"


def _load(path: Path) -> dict[str, Any] | None:
    try:
        document: dict[str, Any] = json.loads(path.read_text())
        return document
    except (OSError, ValueError):
        return None


def figure_goals(source: str, document: dict[str, Any]) -> list[Goal]:
    """Every figure a benchmark judged against its own target."""
    goals = []
    for f in document.get("figures", []):
        ratio = f.get("ratio_median")
        beside = f" ({ratio:.1f}x {f['baseline_name']})" if ratio not in (None, 0) else ""
        goals.append(
            Goal(
                source,
                f["name"],
                f"median {f['median_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms{beside}",
                f["target"],
                bool(f["met"]),
            )
        )
    return goals


def core_goals(document: dict[str, Any]) -> list[Goal]:
    """Per database: each scale's figures, round trips, demo fill and growth ratios."""
    scales = document.get("scales", [])
    if not scales:
        return []
    dialect = scales[0]["dialect"]
    source = f"core ({dialect})"
    goals: list[Goal] = []
    for scale in scales:
        label = f"{scale['patients']:,}"
        for f in scale["figures"]:
            ratio = f["median_ms"] / f["baseline_median_ms"] if f["baseline_median_ms"] else 0
            goals.append(
                Goal(
                    source,
                    f"{f['name']} @ {label}",
                    f"median {f['median_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms ({ratio:.1f}x bare)",
                    f["target"],
                    bool(f["met"]),
                )
            )
        fill = scale.get("demo_fill_seconds")
        if fill is not None and scale["patients"] == 100_000:
            target = DEMO_FILL_TARGETS_S.get(dialect)
            goals.append(
                Goal(
                    source,
                    "demo fill, 100,000 patients",
                    f"{fill:.0f} s",
                    f"<= {target:.0f} s" if target else "(reported)",
                    fill <= target if target else None,
                )
            )
    for name, count in scales[-1].get("round_trips", {}).items():
        target = TRIP_TARGETS.get(name)
        goals.append(
            Goal(
                source,
                f"round trips: {name}",
                f"{count} ({count * LATENCY_PER_TRIP_MS} ms at {LATENCY_PER_TRIP_MS} ms each)",
                f"<= {target}" if target else "(reported)",
                count <= target if target else None,
            )
        )
    if len(scales) > 1:
        goals.extend(growth_goals(source, scales))
    return goals


def growth_goals(source: str, scales: list[dict[str, Any]]) -> list[Goal]:
    """Largest-scale median over smallest-scale median for every list, count and figure."""
    first, last = scales[0], scales[-1]
    span = f"{first['patients']:,} -> {last['patients']:,}"
    pairs: list[tuple[str, float, float]] = []
    for f_first, f_last in zip(first["figures"], last["figures"], strict=False):
        pairs.append((f_first["name"], f_first["median_ms"], f_last["median_ms"]))
    for label, values in first.get("views", {}).items():
        if label in last.get("views", {}):
            pairs.append((f"view: {label}", values[0], last["views"][label][0]))
    for label, values in first.get("views_sql", {}).items():
        if label in last.get("views_sql", {}):
            pairs.append((f"bare SQL: {label}", values[0], last["views_sql"][label][0]))
    goals = []
    for name, small, large in pairs:
        ratio = large / small if small else float("inf")
        goals.append(
            Goal(
                source,
                f"growth {span}: {name}",
                f"{small:.1f} -> {large:.1f} ms ({ratio:.1f}x)",
                f"flat (<= {FLAT:.0f}x)",
                ratio <= FLAT,
            )
        )
    return goals


SOURCES = {
    "startup.json": "start-up",
    "chart_window.json": "chart window",
    "lists.json": "lists",
    "letters.json": "letters",
    "timeline.json": "timeline",
}


def collect(results: Path) -> list[Goal]:
    """Every goal with a figure in ``results``; a missing benchmark gives one row saying so."""
    goals: list[Goal] = []
    for dialect in ("sqlite", "postgresql"):
        document = _load(results / f"core-{dialect}.json")
        if document is None:
            goals.append(Goal(f"core ({dialect})", "python -m benchmarks", "", "", None))
        else:
            goals.extend(core_goals(document))
    for filename, source in SOURCES.items():
        document = _load(results / filename)
        if document is None:
            goals.append(Goal(source, f"python -m benchmarks.{filename[:-5]}", "", "", None))
        else:
            goals.extend(figure_goals(source, document))
    return goals


def render(goals: list[Goal]) -> str:
    """The table as plain text, then a count of goals met, gaps and unmeasured."""
    width = max(len(g.name) for g in goals) if goals else 10
    lines = [f"{'':<16} {'goal':<{width}}  {'measured':<58} {'target':<24} verdict"]
    lines.append("-" * len(lines[0]))
    for g in goals:
        lines.append(
            f"{g.source:<16} {g.name:<{width}}  {g.measured:<58} {g.target:<24} {g.verdict}"
        )
    met = sum(g.met is True for g in goals)
    gaps = sum(g.met is False for g in goals)
    missing = sum(g.met is None for g in goals)
    lines.append(f"\n{met} met, {gaps} with a gap, {missing} not measured.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.goals", description=__doc__)
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    print(render(collect(args.results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
