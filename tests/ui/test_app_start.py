"""The real start path (``carecoord.ui.app.run``), offscreen, in a temporary data folder.

Nothing is replaced: the default database file is found through the platform's data
folder (pointed at a temporary one), opened on the worker thread behind the sign-in
window, and a real account signs in through the real dialog's button. The test drives
the running event loop with a timer, as a person would with the keyboard.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import UserRole
from carecoord.config import resolve_database
from carecoord.db import Database
from carecoord.services import users
from carecoord.ui import app
from carecoord.ui.main_window import MainWindow
from carecoord.ui.sign_in import SignInDialog

W = TypeVar("W", bound=QWidget)
PASSWORD = "long enough pw"
DEADLINE_SECONDS = 60.0


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every per-user folder (data, logs, settings, cache) inside ``tmp_path``."""
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("CARECOORD_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
def _restore_logging() -> Iterator[None]:
    """``run`` adds a file handler to the "carecoord" logger; take it off afterwards."""
    from carecoord import logs

    logger = logging.getLogger("carecoord")
    handlers, level, configured = list(logger.handlers), logger.level, logs._configured
    yield
    for handler in logger.handlers[:]:
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)
    logs._configured = configured


def _accounts(db: Database) -> None:
    """The clinic's first administrator, who then adds a physician."""
    users.create_user(
        db,
        None,
        username="admin",
        full_name="Pat Admin",
        password=PASSWORD,
        role=UserRole.ADMINISTRATOR,
    )
    admin = users.authenticate(db, "admin", PASSWORD)
    users.create_user(
        db,
        admin,
        username="drlee",
        full_name="Dr Avery Lee",
        password=PASSWORD,
        role=UserRole.PHYSICIAN,
    )


def _visible(kind: type[W]) -> W | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


class Person:
    """Waits for the sign-in window, signs in, waits for the main window, closes it."""

    def __init__(self, username: str, password: str) -> None:
        self.username, self.password = username, password
        self.started = time.monotonic()
        self.sign_in_title: str | None = None
        self.sign_in_first = False
        self.main_title: str | None = None
        self.signed_in_as: str | None = None
        self.problem: str | None = None
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._guarded(self.step))
        self.step_now: Callable[[], None] = self.wait_for_sign_in

    def _guarded(self, function: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                function()
            except Exception as error:  # reported by the test, never left in the loop
                self.finish(f"{type(error).__name__}: {error}")

        return run

    def step(self) -> None:
        if time.monotonic() - self.started > DEADLINE_SECONDS:
            shown = sorted(
                type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()
            )
            self.finish(f"gave up in {self.step_now.__name__}; windows still shown: {shown}")
            return
        self.step_now()

    def wait_for_sign_in(self) -> None:
        dialog = _visible(SignInDialog)
        if dialog is None:
            return
        if _visible(MainWindow) is None:
            self.sign_in_first = True
        if not dialog.ok_button.isEnabled():  # the database is still opening
            return
        self.sign_in_title = dialog.windowTitle()
        dialog.username.setText(self.username)
        dialog.password.setText(self.password)
        self.step_now = self.wait_for_main_window
        dialog.ok_button.click()

    def wait_for_main_window(self) -> None:
        window = _visible(MainWindow)
        if window is None:
            return
        self.main_title = window.windowTitle()
        self.signed_in_as = window.context.actor.username
        self.step_now = self.wait_for_the_end
        window.close()  # the last window: the app ends by itself, as it does for people

    def wait_for_the_end(self) -> None:
        """Only the deadline: closing the last window must end ``run``."""

    def finish(self, problem: str) -> None:
        self.timer.stop()
        self.problem = problem
        instance = QApplication.instance()
        assert instance is not None
        instance.exit(3)


def run_app(person: Person) -> int:
    """``app.run`` with ``person`` at the keyboard; nothing of it is left for later tests.

    Closing the last window posts a Quit event; one still queued when ``run`` returns would
    end the next test's dialogs at once, so it is taken off the queue here.
    """
    person.timer.start()
    try:
        return app.run(None)
    finally:
        person.timer.stop()
        instance = QApplication.instance()
        assert instance is not None
        QCoreApplication.removePostedEvents(instance, QEvent.Type.Quit)


@pytest.mark.usefixtures("_restore_logging")
def test_start_shows_sign_in_then_the_main_window(
    qtbot: QtBot, qapp: QApplication, data_folder: Path
) -> None:
    location = resolve_database(None)  # what the app itself will open
    assert location.source == "default" and str(data_folder) in location.url
    db = Database(location.url)
    _accounts(db)
    db.dispose()

    person = Person("drlee", PASSWORD)
    code = run_app(person)

    assert person.problem is None, person.problem
    assert code == 0
    assert person.sign_in_first  # the sign-in window came before any main window
    assert person.sign_in_title is not None and person.sign_in_title.startswith("Sign in")
    assert person.main_title is not None and "CareCoord" in person.main_title
    assert person.signed_in_as == "drlee"
    log = data_folder / "xdg_state_home" / "CareCoord" / "log" / "carecoord.log"
    assert log.exists()  # logging went to the temporary folder, not the tester's own


@pytest.mark.usefixtures("_restore_logging")
def test_a_wrong_password_keeps_the_sign_in_window(
    qtbot: QtBot, qapp: QApplication, data_folder: Path
) -> None:
    """A refused sign-in shows the error and no main window; cancelling ends the app."""
    db = Database(resolve_database(None).url)
    _accounts(db)
    db.dispose()
    person = Person("admin", "not the password")
    errors: list[str] = []

    def refused() -> None:
        dialog = _visible(SignInDialog)
        assert dialog is not None and _visible(MainWindow) is None
        errors.append(dialog.error.text())
        person.step_now = person.wait_for_the_end
        dialog.reject()  # Cancel with nothing open: the app quits by itself

    person.wait_for_main_window = refused  # type: ignore[method-assign]
    code = run_app(person)

    assert person.problem is None, person.problem
    assert code == 0
    assert errors and "do not match" in errors[0]
