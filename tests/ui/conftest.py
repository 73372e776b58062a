"""UI fixtures: real widgets (offscreen) over a real, migrated database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.services.settings import ClinicSettings
from carecoord.ui.context import AppContext
from tests.conftest import make_actor

ARTIFACTS = Path(os.environ.get("CARECOORD_TEST_ARTIFACTS", "test-artifacts"))


@pytest.fixture(autouse=True)
def _app_look_and_private_settings(qapp: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The app's style sheet (as in production) and QSettings in a throwaway folder of
    this test's own: a window one test closed small (remembered where it was closed) must
    not open small in the next test the same worker runs."""
    from PySide6.QtCore import QSettings

    from carecoord.ui.style import APP_STYLE

    qapp.setStyleSheet(APP_STYLE)  # type: ignore[attr-defined]
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = tmp_path_factory.mktemp("qsettings")
    for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(folder))


@pytest.fixture(autouse=True)
def _no_quit_left_behind(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[None]:
    """A test whose code called ``app.quit()``/``exit()`` with no ``exec()`` running leaves
    Qt quitting: every later event loop (qtbot's waits included) returns at once and
    worker threads never report back. Found here, after the test, and settled."""
    yield
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    if loop.exec() != 0:  # -1: Qt is still quitting
        print(f"\n{request.node.nodeid} left the application quitting; settled")
        settle_app_exit(qapp)


@pytest.fixture(autouse=True)
def _no_window_left_open(qapp: QApplication) -> Iterator[None]:
    """Windows a test's screens opened by themselves (a chart opened from a list, say, which
    qtbot does not know of) are closed after it: left shown, they would keep the next test's
    app from ending when its last window closes (tests/ui/test_app_start.py)."""
    before = {id(widget) for widget in qapp.topLevelWidgets() if widget.isVisible()}
    yield
    for widget in qapp.topLevelWidgets():
        if widget.isVisible() and id(widget) not in before:
            widget.close()


@pytest.fixture(autouse=True)
def _unsaved_work_never_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window left with unsaved work when a test closes it is discarded instead of
    asking in a real, blocking message box; tests of the question answer it themselves
    (the windows' ``ask_unsaved``)."""
    from carecoord.ui import unsaved

    monkeypatch.setattr(unsaved, "ask", lambda *_args, **_kwargs: unsaved.Choice.DISCARD)


@pytest.fixture
def ui_db(sqlite_db: Database) -> Database:
    """UI tests run on SQLite; the services below them are tested on both databases."""
    return sqlite_db


def _context(db: Database, password_hash: str, role: UserRole, username: str) -> AppContext:
    actor = make_actor(db, password_hash, username, role, username.title())
    settings = ClinicSettings(
        clinic_name="Riverside Pain & Function Center",
        address="12 Alder Way\nSpringfield",
        phone="555-0100",
        fax="555-0101",
    )
    return AppContext(db=db, actor=actor, settings=settings)


@pytest.fixture
def context(ui_db: Database, password_hash: str) -> AppContext:
    """A physician's context (reads and edits everything clinical)."""
    return _context(ui_db, password_hash, UserRole.PHYSICIAN, "drlee")


@pytest.fixture
def desk_context(ui_db: Database, password_hash: str) -> AppContext:
    """A front-desk context (logistics; restricted clinical content)."""
    return _context(ui_db, password_hash, UserRole.FRONT_DESK, "frontdesk")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo clinic (60 patients), built once per test session."""
    from carecoord.demo import fill_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = Database(f"sqlite:///{path}")
    fill_demo(db, patients=60, seed=1)
    db.dispose()
    return path


@pytest.fixture
def demo_context(demo_template: Path, tmp_path: Path) -> Iterator[AppContext]:
    """A physician signed in to a copy of the demo clinic."""
    import shutil

    from sqlalchemy import select

    from carecoord.models import User
    from carecoord.services.settings import get_settings
    from carecoord.services.users import actor_of

    target = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, target)
    db = Database(f"sqlite:///{target}")
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == "drlee"))
        assert user is not None
        actor = actor_of(user)
    yield AppContext(db=db, actor=actor, settings=get_settings(db), demo=True)
    db.dispose()


def settle_app_exit(app: QApplication) -> None:
    """Clear what ``app.exit(2)`` left behind when no event loop was running (the tests drive
    Startup by hand): Qt then treats the application as quitting, and later tests' worker
    threads never report back. One real, empty turn of ``exec()`` resets it. It ends with
    ``exit(0)``, never ``quit()``: Qt 6 lets a window refuse ``quit()`` (a close guard, a
    question), and this turn would then never end."""
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: app.exit(0))
    app.exec()


def save_screenshot(widget: object, name: str) -> Path:
    """Render a widget offscreen to test-artifacts/NAME.png (looked at by people)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert widget.grab().save(str(path))  # type: ignore[attr-defined]
    return path


def us_locale(tmp_path: Path) -> Iterator[None]:
    """For an autouse fixture: en_US dates (MM/DD/YYYY typed and shown) and QSettings in a
    temporary folder; both restored afterwards."""
    from PySide6.QtCore import QLocale, QSettings

    from carecoord.ui.date_field import set_iso_display

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)
    set_iso_display(False)
