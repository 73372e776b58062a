"""Slow work off the GUI thread: a function runs on a QThread and reports back by signal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal


class Worker(QObject):
    """Runs ``function`` once on its own thread.

    Signals:
        finished(object): the function's return value.
        failed(object): the exception it raised.
    """

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, function: Callable[[], Any]) -> None:
        super().__init__()
        self.function = function

    def run(self) -> None:
        try:
            result = self.function()
        except Exception as error:  # handed to the GUI thread, which shows it
            self.failed.emit(error)
        else:
            self.finished.emit(result)


def run_in_thread(
    parent: QObject,
    function: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> QThread:
    """Start ``function`` on a new thread; the callbacks run on the GUI thread.

    The thread and worker are parented/kept alive until finished, then deleted.
    """
    thread = QThread(parent)
    worker = Worker(function)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(on_done)
    worker.failed.connect(on_error)
    # Direct: quit from the worker's own thread, so a GUI-thread wait() can return.
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.worker = worker  # type: ignore[attr-defined]  # keep the worker referenced
    thread.start()
    return thread
