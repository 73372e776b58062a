"""Stop the run, with every thread's stack, when one test runs far longer than any should.

A test that blocks forever (a worker thread waited on without a timeout, a modal loop no
one closes) otherwise holds CI until its outer time limit and prints nothing useful. The
watchdog suspends pytest's output capture, writes which test it was and the stack of every
thread to the real standard error, and ends the process with exit status 3.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import sys
import threading
from collections.abc import Iterator

import pytest

HANG_ENV = "CARECOORD_TEST_HANG_SECONDS"
# The slowest test (building the desktop bundle once) takes about a minute on a quiet
# 2-core machine and two or three under heavy load; no test should take eight.
DEFAULT_HANG_SECONDS = 480.0


def hang_seconds() -> float:
    """The limit per test: CARECOORD_TEST_HANG_SECONDS, else eight minutes."""
    value = os.environ.get(HANG_ENV, "")
    try:
        return float(value) if value else DEFAULT_HANG_SECONDS
    except ValueError:
        raise pytest.UsageError(f"{HANG_ENV} must be a number of seconds, not {value!r}") from None


def _report_and_exit(config: pytest.Config, nodeid: str, seconds: float) -> None:
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with contextlib.suppress(Exception):  # on the way out; the stacks matter more
            capture.suspend_global_capture(in_=True)
    stream = sys.__stderr__ or sys.stderr
    stream.write(
        f"\n\nHANG: {nodeid} has run for over {seconds:.0f} s; "
        "the stack of every thread follows and the run stops.\n"
    )
    stream.flush()
    faulthandler.dump_traceback(file=stream, all_threads=True)
    stream.flush()
    os._exit(3)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """Arm a timer around each test (set-up, call and tear-down)."""
    seconds = hang_seconds()
    timer = threading.Timer(seconds, _report_and_exit, (item.config, item.nodeid, seconds))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
