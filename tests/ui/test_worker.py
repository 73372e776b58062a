"""Work off the GUI thread reports back ON the GUI thread, whatever kind of callback."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from carecoord.ui.worker import run_in_thread


def test_plain_function_callbacks_run_on_the_gui_thread(qtbot: QtBot) -> None:
    owner = QObject()
    seen: list[tuple[object, bool]] = []
    gui = threading.get_ident()

    def work() -> int:
        assert threading.get_ident() != gui
        return 42

    run_in_thread(
        owner,
        work,
        lambda r: seen.append((r, threading.get_ident() == gui)),
        lambda e: seen.append((e, False)),
    )
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(42, True)]


def test_errors_come_back_too(qtbot: QtBot) -> None:
    owner = QObject()
    errors: list[BaseException] = []
    gui = threading.get_ident()
    where: list[bool] = []

    def fail() -> None:
        raise ValueError("bad input")

    def on_error(error: BaseException) -> None:
        where.append(threading.get_ident() == gui)
        errors.append(error)

    run_in_thread(owner, fail, lambda r: None, on_error)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError) and where == [True]


def test_closing_the_screen_first_drops_the_callbacks(qtbot: QtBot) -> None:
    """A page closed while its load runs must neither crash nor receive the result."""
    import time

    from PySide6.QtWidgets import QWidget

    from carecoord.ui import worker

    page = QWidget()
    seen: list[object] = []

    def slow() -> int:
        time.sleep(0.2)
        return 7

    run_in_thread(page, slow, seen.append, seen.append)
    page.deleteLater()
    qtbot.wait(10)
    qtbot.waitUntil(lambda: not worker._running, timeout=5_000)
    assert seen == []


def test_the_job_runs_in_a_copy_of_the_callers_context(qtbot: QtBot) -> None:
    """A window's read scope (a context variable) follows its background calls."""
    from carecoord.services.unit_of_work import current_read_scope, read_scope

    owner = QObject()
    seen: list[object] = []
    with read_scope(("chart", 7)):
        run_in_thread(owner, current_read_scope, seen.append, seen.append)
    run_in_thread(owner, current_read_scope, seen.append, seen.append)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert sorted(seen, key=repr) == [("chart", 7), None]


SCREEN_HELD_ONLY_BY_ITS_JOB = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
from carecoord.ui import worker

app = QApplication(sys.argv)


class Screen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.result: object = None
        worker.run_in_thread(self, lambda: 7, self.loaded, self.loaded)

    def loaded(self, result: object) -> None:
        self.result = result


Screen().destroyed.connect(lambda: print("screen destroyed", flush=True))
worker.wait_for_all()
while worker._running:
    app.processEvents()
print("released", flush=True)
"""


def test_a_screen_kept_alive_only_by_its_job_goes_when_the_job_is_released(
    tmp_path: Path,
) -> None:
    """Nobody holds the screen but its job's callbacks: letting go of the finished job
    destroyed the screen while the job's relay was itself half destroyed, and the
    screen's ``destroyed`` signal then called the relay (a segmentation fault, found
    building the My patients page alone). Run in its own process, so a crash is a
    failure here rather than the end of the test run."""
    script = tmp_path / "held_by_job.py"
    script.write_text(SCREEN_HELD_ONLY_BY_ITS_JOB)
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["screen destroyed", "released"]
