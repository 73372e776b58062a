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
    printed = subprocess.run(
        ["make", "-n", "unit", "TEST_WORKERS=2", "COVERAGE=", f"PYTEST_ARGS={tests}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = shlex.split(printed.replace("\\\n", " "))
    start = words.index("-m") - 1  # ".venv/bin/python -m pytest ..."
    return [sys.executable, *words[start + 1 :]]


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
    )
    assert finished.returncode == 1, finished.stdout[-2000:]
    assert "crashed while running 'test_crash.py::test_crashes'" in finished.stdout
