"""Slow work off the GUI thread: a function runs on a QThread and reports back by signal."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot


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


class _Relay(QObject):
    """Lives on the calling (GUI) thread, so callbacks given as plain functions or lambdas
    are queued back to it; without a receiver object Qt would call them on the worker."""

    def __init__(
        self,
        parent: QObject,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__(parent)
        self.on_done = on_done
        self.on_error = on_error

    @Slot(object)
    def done(self, result: object) -> None:
        try:
            self.on_done(result)
        finally:
            self.deleteLater()

    @Slot(object)
    def error(self, error: object) -> None:
        try:
            self.on_error(error)  # type: ignore[arg-type]
        finally:
            self.deleteLater()


_running: set[QThread] = set()


def run_in_thread(
    parent: QObject,
    function: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> QThread:
    """Start ``function`` on a new thread; the callbacks run on the GUI thread.

    The thread is owned by this module until it finishes (so closing the screen that
    started it never destroys a running thread); the callbacks are tied to ``parent`` and
    are dropped if it is destroyed first.
    """
    thread = QThread()
    worker = Worker(function)
    worker.moveToThread(thread)
    relay = _Relay(parent, on_done, on_error)
    thread.started.connect(worker.run)
    worker.finished.connect(relay.done)
    worker.failed.connect(relay.error)
    # Direct: quit from the worker's own thread, so a GUI-thread wait() can return.
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(lambda: _running.discard(thread))
    thread.finished.connect(thread.deleteLater)
    thread.worker = worker  # type: ignore[attr-defined]  # keep the worker referenced
    _running.add(thread)
    thread.start()
    return thread


def wait_for_all(timeout_ms: int = 30_000) -> None:
    """Let every running worker finish (called when the app quits)."""
    for thread in list(_running):
        with contextlib.suppress(RuntimeError):  # already deleted
            thread.wait(timeout_ms)
