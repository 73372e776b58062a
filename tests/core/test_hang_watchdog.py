"""The hang watchdog turns a test that never ends into a prompt failure with every stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hang_watchdog import DEFAULT_HANG_SECONDS, HANG_ENV, hang_seconds

REPO = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, body: str, limit: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(body)
    env = {**os.environ, HANG_ENV: limit, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.hang_watchdog",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_test_that_never_ends_stops_the_run_with_its_name_and_stacks(tmp_path: Path) -> None:
    body = "import time\n\ndef test_waits_forever():\n    time.sleep(600)\n"
    done = _run(tmp_path, body, "2")
    assert done.returncode == 3
    assert "HANG: test_probe.py::test_waits_forever has run for over 2 s" in done.stderr
    assert "line 4 in test_waits_forever" in done.stderr  # the hung thread's own frame


def test_a_quick_test_is_left_alone(tmp_path: Path) -> None:
    done = _run(tmp_path, "def test_quick():\n    assert True\n", "30")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HANG" not in done.stderr


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HANG_ENV, raising=False)
    assert hang_seconds() == DEFAULT_HANG_SECONDS == 480.0
    monkeypatch.setenv(HANG_ENV, "42.5")
    assert hang_seconds() == 42.5
    monkeypatch.setenv(HANG_ENV, "soon")
    with pytest.raises(pytest.UsageError, match="must be a number of seconds, not 'soon'"):
        hang_seconds()
