"""Work off the GUI thread reports back ON the GUI thread, whatever kind of callback."""

from __future__ import annotations

import threading

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
