"""A screen going away waits for its background job, but never forever."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from carecoord.ui.worker import run_in_thread, wait_for_thread


def test_a_stuck_job_is_given_up_on_after_the_timeout(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()
    owner = QObject()
    thread = run_in_thread(owner, lambda: release.wait(20), lambda _r: None, lambda _e: None)
    caplog.set_level(logging.WARNING, logger="carecoord.ui.worker")
    try:
        assert wait_for_thread(thread, timeout_ms=200) is False
        assert "still running after 0.2 s; its screen closed anyway" in caplog.text
    finally:
        release.set()
    assert wait_for_thread(thread, timeout_ms=10_000) is True
    qtbot.waitUntil(lambda: not thread.isRunning())


def test_a_finished_job_and_no_job_count_as_finished(qtbot: QtBot) -> None:
    owner = QObject()
    results: list[object] = []
    thread = run_in_thread(owner, lambda: 42, results.append, results.append)
    qtbot.waitUntil(lambda: results == [42])
    assert wait_for_thread(thread) is True
    assert wait_for_thread(None) is True


def test_a_job_is_let_go_only_once_its_thread_has_ended(qtbot: QtBot) -> None:
    """Destroying a QThread that is still winding down hung a test run (GIL deadlock)."""
    from carecoord.ui import worker

    owner = QObject()
    steps: list[tuple[int, int]] = []
    results: list[object] = []

    def job(progress: object) -> str:
        for done in range(3):
            progress(done, 3)  # type: ignore[operator]
        return "done"

    thread = run_in_thread(
        owner, job, results.append, results.append, on_progress=lambda d, t: steps.append((d, t))
    )
    [relay] = [r for r in worker._running if r.job_thread is thread]
    qtbot.waitUntil(lambda: results == ["done"] and relay not in worker._running)
    assert steps == [(0, 3), (1, 3), (2, 3)]
    assert thread.isFinished()  # still a live object, ended before it was let go
