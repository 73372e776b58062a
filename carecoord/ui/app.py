"""Start-up: show the first window at once, open the database behind it, then sign in.

The sign-in window appears before SQLAlchemy, Alembic and the schema check have run; the
database opens on a worker thread while the person types (no heavy work before
the first screen). A SQLite file of this version with accounts makes sign-in usable at
once (``carecoord.quick_open`` reads it through the standard library); pressing Sign in
before the full open has finished waits for it. An empty database leads to the welcome
dialog instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from carecoord.errors import CareCoordError
from carecoord.ui.errors import ExceptionHook
from carecoord.ui.sign_in import SignInDialog
from carecoord.ui.style import apply_app_style

EXIT_AFTER_SHOW = "CARECOORD_EXIT_AFTER_SHOW"  # benchmarks: quit once the first window paints
EXIT_WHEN_READY = "CARECOORD_EXIT_WHEN_READY"  # benchmarks: quit once sign-in can be used
EXIT_WHEN_OPEN = "CARECOORD_EXIT_WHEN_OPEN"  # benchmarks: quit once the full open is done
OPEN_WAIT_MS = 60_000  # a sign-in pressed before the full open waits this long at most
WELCOME_CHOICE = "startup/welcomeChoice"  # QSettings: "demo" once "Explore with demo data"


def remembered_choice() -> str | None:
    """The welcome choice this user made before ("demo"), or None (ask again)."""
    from carecoord.ui.preferences import store

    value = store().value(WELCOME_CHOICE)
    return value if isinstance(value, str) else None


def remember_choice(choice: str | None) -> None:
    from carecoord.ui.preferences import store

    settings = store()
    if choice is None:
        settings.remove(WELCOME_CHOICE)
    else:
        settings.setValue(WELCOME_CHOICE, choice)
    settings.sync()


class FirstPaint(QObject):
    """Prints "first-window-painted" and ends the process when the window first paints.

    Used by ``benchmarks/startup.py``; the database keeps opening meanwhile, as it would.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            print("first-window-painted", flush=True)
            os._exit(0)  # a worker thread may still be opening the database
        return False


class Startup(QObject):
    """Drives start-up: sign-in window first, database opening behind it."""

    def __init__(self, app: QApplication, database_option: str | None) -> None:
        super().__init__()
        self.app = app
        self.database_option = database_option
        self.db: Any = None
        self.location: Any = None
        self.settings: Any = None
        self.demo = False
        self.main_window: QWidget | None = None
        self.backup_started = False
        self.backup_finished = False
        self.unreachable_dialog: QMessageBox | None = None
        self.error_dialog: QMessageBox | None = None
        self.exit_code: int | None = None
        self.opening = False  # the full open is running on its worker thread
        self.ready = False  # sign-in can be used (after the quick look or the full open)
        self._open_wait: QEventLoop | None = None
        self.sign_in = SignInDialog(authenticate=self.authenticate)
        self.sign_in.accepted.connect(self.open_main_window)
        self.sign_in.rejected.connect(self._quit_if_nothing_open)
        self.sign_in.set_up_requested.connect(self.set_up_instead)
        self._set_waiting(True)

    # ------------------------------------------------------------------ database
    def start(self) -> None:
        if os.environ.get(EXIT_AFTER_SHOW):
            self._probe = FirstPaint(self)
            self.sign_in.installEventFilter(self._probe)
        self.sign_in.show()
        QTimer.singleShot(0, self.open_database)

    def open_database(self) -> None:
        from carecoord.ui.worker import run_in_thread

        self.ready = False
        self._quick_look()
        self.opening = True
        run_in_thread(self, self._open, self._opened, self._failed)

    def _quick_look(self) -> None:
        """Make sign-in usable before SQLAlchemy loads when a standard-library look at the
        SQLite file finds this version's schema and accounts (otherwise the full open
        decides, as before)."""
        from carecoord.config import resolve_database
        from carecoord.quick_open import quick_look

        try:
            look = quick_look(resolve_database(self.database_option).url)
        except CareCoordError:  # a bad settings file: the full open reports it
            return
        if look is not None:
            self.demo = self.demo or look.demo
            self._ready_to_sign_in(look.clinic_name)

    def _open(self) -> tuple[Any, Any, Any, bool, bool]:
        from carecoord.config import resolve_database
        from carecoord.db import Database, check_schema, upgrade_to_head
        from carecoord.services.demo_mark import is_demo_database
        from carecoord.services.settings import get_settings
        from carecoord.services.users import has_users

        location = resolve_database(self.database_option)
        db = Database(location.url, migrate=False)
        try:
            # PostgreSQL is only checked (the owner migrates it with 'db upgrade'); a SQLite
            # file behind is copied first, then migrated (rare).
            if not check_schema(db.engine, location.display()):
                self.backup_warning = self._daily_backup(location.url)
                upgrade_to_head(db.engine)
            return location, db, get_settings(db), not has_users(db), is_demo_database(db)
        except BaseException:
            db.dispose()
            raise

    def backup_after_sign_in(self) -> None:
        """The day's backup runs once someone is signed in, on a worker thread, so neither
        the sign-in window nor the main window waits for the copy and its check."""
        from carecoord.ui.worker import run_in_thread

        if self.db is None or self.demo:
            return
        url = self.db.url
        run_in_thread(self, lambda: self._daily_backup(url), self._backup_done, self._backup_done)

    def _backup_done(self, warning: object) -> None:
        self.backup_finished = True
        if isinstance(warning, str) and self.main_window is not None:
            QMessageBox.warning(self.main_window, "Backup", warning)

    def _daily_backup(self, url: str) -> str | None:
        """The day's first start copies the SQLite file (a full integrity check on the
        week's first copy, a quick check otherwise).

        A failure never stops the app, but it is shown: a copy that fails its integrity
        check can mean the database itself is damaged.
        """
        import logging
        from datetime import date

        from carecoord.config import sqlite_path
        from carecoord.services.backup import backup_folder_for, daily_backup
        from carecoord.services.checkpoints import CheckpointError

        path = sqlite_path(url)
        if path is None or not path.exists():
            return None
        try:
            made = daily_backup(path, backup_folder_for(path), date.today())
        except CheckpointError as error:
            logging.getLogger(__name__).error("daily audit checkpoint refused: %s", error)
            return f"Today's backup was made, but the audit trail failed its check. {error}"
        except Exception as error:  # reported to the person, never fatal
            logging.getLogger(__name__).exception("daily backup failed")
            return f"Today's automatic backup failed: {error}"
        if made is not None:
            logging.getLogger(__name__).info("daily backup written")
        return None

    def _opened(self, result: tuple[Any, Any, Any, bool, bool]) -> None:
        self.location, self.db, self.settings, empty, demo = result
        self.opening = False
        self.demo = self.demo or demo  # a marked demo database always says DEMO
        if os.environ.get(EXIT_WHEN_OPEN):
            print("database-open", flush=True)
            os._exit(0)
        if self._open_wait is not None:
            self._open_wait.quit()
        if empty:
            self.ready = False
            from carecoord.ui.welcome import DEMO

            self.sign_in.hide()
            if remembered_choice() == DEMO:  # chosen before: straight to the demo clinic
                self.sign_in.set_up_instead.show()
                self.open_demo()
            else:
                self.welcome()
            return
        if not self.ready:
            self._ready_to_sign_in()

    def _failed(self, error: BaseException) -> None:
        import logging

        from carecoord.db import DatabaseUnreachable, unreachable

        self.opening = False
        self.ready = False
        if self._open_wait is not None:
            self._open_wait.quit()
        self.sign_in.hide()
        where = "the database"
        with contextlib.suppress(Exception):
            from carecoord.config import resolve_database

            where = resolve_database(self.database_option).display()
        problem = error if isinstance(error, DatabaseUnreachable) else unreachable(error, where)
        if problem is not None:
            logging.getLogger(__name__).warning("database unreachable: %s", problem)
            self.show_unreachable(str(problem))
            return
        if isinstance(error, CareCoordError):  # a settings file's problem names the file
            message = str(error)
        else:  # the traceback goes to the log, one line to the person
            logging.getLogger(__name__).error("opening the database failed", exc_info=error)
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            message = f"{type(error).__name__}: {first}\n\nDetails are in the log file."
        box = QMessageBox(QMessageBox.Icon.Critical, "CareCoord cannot open its database", message)
        box.setObjectName("cannotOpenDialog")
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        box.finished.connect(lambda _result: self._quit_after_error(box))
        self.error_dialog = box
        box.show()

    def _quit_after_error(self, box: QMessageBox) -> None:
        """Nothing was opened: closing the message ends the app with status 2."""
        self.error_dialog = None
        box.deleteLater()
        self.exit_code = 2
        self.app.exit(2)

    def show_unreachable(self, reason: str) -> None:
        """The server is down or out of reach: say why, offer Retry or Quit (no exit code
        until the person chooses)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "CareCoord cannot reach its database", "")
        box.setObjectName("unreachableDialog")
        box.setText("The database server cannot be reached.")
        box.setInformativeText(reason[:1].upper() + reason[1:])
        box.setStandardButtons(QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Close)
        box.button(QMessageBox.StandardButton.Close).setText("Quit")
        box.setDefaultButton(QMessageBox.StandardButton.Retry)
        box.finished.connect(lambda _result: self._unreachable_answered(box))
        self.unreachable_dialog = box
        box.open()

    def _unreachable_answered(self, box: QMessageBox) -> None:
        self.unreachable_dialog = None
        retry = box.clickedButton() is box.button(QMessageBox.StandardButton.Retry)
        box.deleteLater()
        if retry:
            self._set_waiting(True)
            self.sign_in.show()
            self.open_database()
            return
        self.exit_code = 2
        self.app.exit(2)

    def _ready_to_sign_in(self, clinic_name: str | None = None) -> None:
        name = self.settings.clinic_name if clinic_name is None else clinic_name
        self.ready = True
        self.sign_in.setWindowTitle(
            f"Sign in — {name or 'CareCoord'}" + (" — DEMO" if self.demo else "")
        )
        self.sign_in.set_clinic_name(name)
        if self.demo:
            self.sign_in.show_demo_hint()
        self._set_waiting(False)
        self.sign_in.show()
        self.sign_in.raise_()
        if os.environ.get(EXIT_WHEN_READY):
            print("sign-in-ready", flush=True)
            # What was imported by then (tests check the heavy libraries were not).
            loaded = sorted(list(sys.modules))
            print("modules:", " ".join(loaded), flush=True)
            os._exit(0)

    def _set_waiting(self, waiting: bool) -> None:
        self.sign_in.set_waiting(waiting)

    # ------------------------------------------------------------------- welcome
    def welcome(self) -> None:
        from carecoord.ui.welcome import DEMO, SET_UP, WelcomeDialog

        dialog = WelcomeDialog(db=self.db)
        accepted = dialog.exec()
        dialog.deleteLater()  # answered: a later welcome is a new dialog
        if not accepted:
            self.app.quit()
            return
        if dialog.choice == SET_UP and dialog.admin is not None:
            from carecoord.services.settings import get_settings

            self.settings = get_settings(self.db)
            self.sign_in.actor = dialog.admin
            self.open_main_window()
        elif dialog.choice == DEMO:
            remember_choice(DEMO)
            self.open_demo()

    def set_up_instead(self) -> None:
        """Leave the demo clinic for the welcome dialog over the clinic's own (empty)
        database, and stop skipping it."""
        remember_choice(None)
        self.sign_in.set_up_instead.hide()
        self.sign_in.hide()
        if self.db is not None:
            self.db.dispose()
            self.db = None
        self.demo = False
        self._set_waiting(True)
        self.open_database()

    def open_demo(self) -> None:
        """Open (and fill on first use) the separate demo database."""
        from carecoord.config import demo_database_path
        from carecoord.db import Database
        from carecoord.services.users import has_users

        self.db.dispose()
        self.db = Database(f"sqlite:///{demo_database_path()}")
        self.demo = True
        if not has_users(self.db):
            progress = QProgressDialog("Creating the demo clinic…", "", 0, 0)
            progress.setObjectName("demoProgress")
            progress.setCancelButton(None)
            progress.setWindowTitle("CareCoord — DEMO")
            progress.show()
            from carecoord.ui.worker import run_in_thread

            def fill() -> object:
                from carecoord.services.demo import fill_demo

                return fill_demo(self.db, patients=60, seed=1)

            def done(_: object) -> None:
                progress.close()
                self._after_demo()

            def failed(error: BaseException) -> None:
                progress.close()
                self._failed(error)

            run_in_thread(self, fill, done, failed)
            return
        self._after_demo()

    def _after_demo(self) -> None:
        from carecoord.services.settings import get_settings

        self.settings = get_settings(self.db)
        self._ready_to_sign_in()

    # ------------------------------------------------------------------- sign in
    def authenticate(self, username: str, password: str) -> Any:
        if self.db is None and self.opening:
            self._wait_for_database()
        if self.db is None:
            raise CareCoordError("The database has not opened yet; try again in a moment.")
        from carecoord.services.users import authenticate

        return authenticate(self.db, username, password)

    def _wait_for_database(self) -> None:
        """Sign in was pressed while the full open still runs (after the quick look): wait
        for it in a local event loop, at most ``OPEN_WAIT_MS``, the button disabled."""
        loop = QEventLoop()
        self._open_wait = loop
        QTimer.singleShot(OPEN_WAIT_MS, loop.quit)
        self._set_waiting(True)
        try:
            loop.exec()
        finally:
            self._open_wait = None
            self._set_waiting(not self.ready)

    def open_main_window(self) -> None:
        from carecoord.ui.context import AppContext
        from carecoord.ui.main_window import MainWindow

        actor = self.sign_in.actor
        assert actor is not None and self.db is not None
        context = AppContext(db=self.db, actor=actor, settings=self.settings, demo=self.demo)
        self.main_window = MainWindow(context=context)
        self.main_window.session.user_switched.connect(self.switch_user)
        self.main_window.show()
        warning, self.backup_warning = getattr(self, "backup_warning", None), None
        if warning:
            QMessageBox.warning(self.main_window, "Backup", warning)
        if not self.backup_started:
            self.backup_started = True
            self.backup_after_sign_in()

    def switch_user(self, actor: Any) -> None:
        """Someone else signed in at the lock screen (the first user's windows are closed):
        a fresh main window for them."""
        previous = self.main_window
        self.sign_in.actor = actor
        self.open_main_window()
        if previous is not None:
            previous.deleteLater()

    def _quit_if_nothing_open(self) -> None:
        if self.main_window is None:
            self.app.quit()


def run(database_option: str | None = None, argv: Sequence[str] | None = None) -> int:
    """Run the desktop app until its last window closes; returns the exit code."""
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    assert isinstance(app, QApplication)
    app.setApplicationName("CareCoord")
    app.setOrganizationName("CareCoord")
    apply_app_style(app)  # light or dark, following the palette (and the OS when it switches)
    from carecoord.ui.translation import chosen_language, install_translator

    install_translator(app, chosen_language())  # Spanish screens on a Spanish system
    from carecoord.paths import resource

    app.setWindowIcon(QIcon(str(resource("icons", "carecoord.svg"))))
    from carecoord.logs import configure_logging

    log_file = configure_logging()
    hook = ExceptionHook(str(log_file), parent=QApplication.activeWindow)
    hook.install()
    startup = Startup(app, database_option)
    startup.start()
    try:
        return int(app.exec())
    finally:
        from carecoord.ui.worker import wait_for_all

        wait_for_all()
        hook.uninstall()
        if startup.db is not None:
            startup.db.dispose()
