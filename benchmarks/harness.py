"""Timing helpers: many runs, median and p95, each figure beside its baseline."""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Figure:
    """One measured operation beside the bare operation it is compared with."""

    name: str
    runs: int
    median_ms: float
    p95_ms: float
    baseline_name: str
    baseline_median_ms: float
    baseline_p95_ms: float
    target: str
    met: bool

    @property
    def ratio_median(self) -> float:
        return self.median_ms / self.baseline_median_ms if self.baseline_median_ms else float("inf")

    @property
    def ratio_p95(self) -> float:
        return self.p95_ms / self.baseline_p95_ms if self.baseline_p95_ms else float("inf")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_call(call: Callable[[Any], Any], argument: Any) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    call(argument)
    return (time.perf_counter() - start) * 1000


def summary(timings: list[float]) -> tuple[float, float]:
    return statistics.median(timings), percentile(timings, 0.95)


def print_table(title: str, figures: list[Figure]) -> None:
    print(f"\n{title}")
    header = (
        f"{'operation':<38} {'median':>8} {'p95':>8}   {'baseline':<30} {'median':>8} "
        f"{'p95':>8} {'ratio p95':>9}  target"
    )
    print(header)
    print("-" * len(header))
    for f in figures:
        print(
            f"{f.name:<38} {f.median_ms:>7.2f}ms {f.p95_ms:>7.2f}ms   {f.baseline_name:<30} "
            f"{f.baseline_median_ms:>7.2f}ms {f.baseline_p95_ms:>7.2f}ms {f.ratio_p95:>8.1f}x  "
            f"{f.target} {'MET' if f.met else 'MISSED'}"
        )


def write_json(path: Path, payload: dict[str, Any], figures: list[Figure]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        **payload,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "figures": [
            {**asdict(f), "ratio_median": f.ratio_median, "ratio_p95": f.ratio_p95} for f in figures
        ],
    }
    path.write_text(json.dumps(document, indent=2, default=str))
