"""A test process that crashes fails `make unit` at once, naming its test.

With pytest-xdist's default, a crashed worker is replaced and the per-file scheduling then
waits forever: CI held until its outer limit, and the crash's stack came with nothing.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAKE_VARIABLES = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}

CRASHING = """
import os, signal

def test_crashes():
    os.kill(os.getpid(), signal.SIGSEGV)

def test_after_the_crash():
    pass
"""
QUIET = """
def test_one():
    pass

def test_two():
    pass
"""


def _unit_command(tests: Path) -> list[str]:
    """The pytest command `make unit` runs (with two workers, no coverage), on ``tests``."""
    # Under `make test` a nested make prints "Entering/Leaving directory" lines (MAKELEVEL)
    # and takes the outer make's variables (MAKEFLAGS): run it as if from a shell.
    outside_make = _own_run_environment()
    printed = subprocess.run(
        ["make", "-n", "unit", "TEST_WORKERS=2", "COVERAGE=", f"PYTEST_ARGS={tests}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=outside_make,
    ).stdout
    words = shlex.split(printed.replace("\\\n", " "))
    start = words.index("-m") - 1  # ".venv/bin/python -m pytest ..."
    return [sys.executable, *words[start + 1 :]]


def _own_run_environment() -> dict[str, str]:
    """This environment without what ties a process to the run around it (its xdist worker,
    its coverage measurement)."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in MAKE_VARIABLES and not k.startswith(("PYTEST_XDIST_", "COV_CORE_"))
    }


def test_a_crashed_worker_ends_the_run_with_its_test_named(tmp_path: Path) -> None:
    (tmp_path / "test_crash.py").write_text(CRASHING)
    for name in ("test_b.py", "test_c.py", "test_d.py"):
        (tmp_path / name).write_text(QUIET)
    command = _unit_command(tmp_path)
    assert "--max-worker-restart=0" in command
    finished = subprocess.run(
        [*command, "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-c", os.devnull],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,  # without the option the run never ends
        env=_own_run_environment(),
    )
    assert finished.returncode == 1, finished.stdout[-2000:]
    assert "crashed while running 'test_crash.py::test_crashes'" in finished.stdout
