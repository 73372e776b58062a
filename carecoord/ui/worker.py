"""Slow work off the GUI thread: a function runs on a QThread and reports back by signal."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot


class Worker(QObject):
    """Runs ``function`` once on its own thread.

    Signals:
        finished(object): the function's return value.
        failed(object): the exception it raised.
        progress(int, int): steps done and steps in all, when the function reports them
            (it is then called with ``progress.emit`` as its one argument).

    The function runs in a copy of the context of the code that created the worker, so
    the window's read scope (services.unit_of_work.read_scope) follows its background calls.
    """

    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)

    def __init__(self, function: Callable[..., Any], *, reports_progress: bool = False) -> None:
        super().__init__()
        self.function = function
        self.reports_progress = reports_progress
        self.context = contextvars.copy_context()

    def run(self) -> None:
        try:
            args = (self.progress.emit,) if self.reports_progress else ()
            result = self.context.run(self.function, *args)
        except Exception as error:  # handed to the GUI thread, which shows it
            self.failed.emit(error)
        else:
            self.finished.emit(result)


READ_SCOPE = "read_scope_key"
"""The attribute a window or page that a person opens sets (to
``services.unit_of_work.new_read_scope(...)``, once per opening or showing): the reads its
background jobs and :func:`in_read_scope` blocks make are audited once per opening."""


def read_scope_key(widget: QObject | None) -> Hashable | None:
    """The read scope of the nearest window or page holding ``widget`` (None if none)."""
    while widget is not None:
        key = getattr(widget, READ_SCOPE, None)
        if key is not None:
            return key
        widget = widget.parent()
    return None


@contextmanager
def in_read_scope(widget: QObject) -> Iterator[None]:
    """Service calls made on the GUI thread inside this block belong to ``widget``'s window
    (audited once per opening, as its background jobs are)."""
    key = read_scope_key(widget)
    if key is None:
        yield
        return
    from carecoord.services.unit_of_work import read_scope  # loads SQLAlchemy: only when used

    with read_scope(key):
        yield


class _Relay(QObject):
    """The GUI-thread end of one background job.

    Callbacks given as plain functions or lambdas are called here, on the GUI thread
    (without a receiver object Qt would call them on the worker). The relay has no Qt
    parent: the screen that started the job may close first, and then the callbacks are
    simply dropped. Thread, worker and relay are released here, on the GUI thread, once
    the thread has finished.
    """

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        super().__init__()
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        self.cancelled = False
        self.job_thread: QThread | None = None
        self.worker: Worker | None = None

    @Slot()
    def cancel(self) -> None:
        self.cancelled = True

    @Slot(object)
    def done(self, result: object) -> None:
        if not self.cancelled:
            self.on_done(result)

    @Slot(object)
    def error(self, error: object) -> None:
        if not self.cancelled:
            self.on_error(error)  # type: ignore[arg-type]

    @Slot(int, int)
    def progress(self, done: int, total: int) -> None:
        if not self.cancelled and self.on_progress is not None:
            self.on_progress(done, total)

    @Slot()
    def release(self) -> None:
        """Let go of the finished job, on the GUI thread.

        ``finished`` is emitted while the thread is still winding down; waiting here (the
        binding releases the GIL while it waits) lets it end before the thread and the
        worker are destroyed. Deleting a QThread that is still finishing makes Qt wait for
        it inside the destructor while this thread may hold the GIL the ending thread
        needs: a deadlock that hung a test run. Nothing is deleted on the worker's thread.
        """
        thread, self.job_thread, self.worker = self.job_thread, None, None
        if thread is not None:
            wait_for_thread(thread)
        # Let go of the callbacks while this relay is whole: they may hold the last
        # reference to their screen, whose ``destroyed`` signal calls ``cancel`` here.
        # Left to the relay's own deallocation, that call reached a half-freed relay.
        self.cancelled = True
        self.on_done = self.on_error = _dropped
        self.on_progress = None
        _running.discard(self)


def _dropped(_result: Any) -> None:
    """A released job's callback: the job has reported, nothing more comes."""


_running: set[_Relay] = set()


def run_in_thread(
    parent: QObject,
    function: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> QThread:
    """Start ``function`` on a new thread; the callbacks run on the GUI thread.

    With ``on_progress``, ``function`` is called with one argument, a ``progress(done,
    total)`` callable it may call from its thread. The job is owned by this module until
    it finishes, so closing the screen that started it never destroys a running thread;
    if ``parent`` is destroyed first, the callbacks are dropped. The job runs in a copy of
    the caller's context, in the read scope of ``parent``'s window when it has one.
    """
    relay = _Relay(on_done, on_error, on_progress)
    thread = QThread()
    with in_read_scope(parent):  # the job runs in a copy of this context
        worker = Worker(function, reports_progress=on_progress is not None)
    worker.moveToThread(thread)
    relay.job_thread, relay.worker = thread, worker
    parent.destroyed.connect(relay.cancel)
    thread.started.connect(worker.run)
    worker.progress.connect(relay.progress)
    worker.finished.connect(relay.done)
    worker.failed.connect(relay.error)
    # Direct: quit from the worker's own thread, so a GUI-thread wait() can return.
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(relay.release)  # queued to the relay's (GUI) thread
    _running.add(relay)
    thread.start()
    return thread


# How long a screen that is going away waits for its background job: long enough for
# any real job, short enough that a stuck one (a database lock held elsewhere, say)
# never freezes the window for good. The job's thread is owned by this module, so it
# finishes on its own even after the wait gives up.
THREAD_WAIT_MS = 30_000


def wait_for_thread(thread: QThread | None, timeout_ms: int = THREAD_WAIT_MS) -> bool:
    """Wait for ``thread`` to finish, at most ``timeout_ms``; True when it has finished.

    Never waits forever on the GUI thread; a thread object Qt already deleted counts
    as finished.
    """
    if thread is None:
        return True
    try:
        finished = bool(thread.wait(timeout_ms))
    except RuntimeError:  # already finished and deleted by Qt
        return True
    if not finished:
        logging.getLogger(__name__).warning(
            "a background job was still running after %.1f s; its screen closed anyway",
            timeout_ms / 1000,
        )
    return finished


def wait_for_all(timeout_ms: int = THREAD_WAIT_MS) -> None:
    """Let every running worker finish (called when the app quits)."""
    for relay in list(_running):
        wait_for_thread(relay.job_thread, timeout_ms)
