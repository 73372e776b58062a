"""The settings page: an administrator saves, others read; users are added; which database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import UserRole
from carecoord.services import users
from carecoord.services.settings import get_settings
from carecoord.ui.context import AppContext
from carecoord.ui.settings_page import READ_ONLY_NOTE, SettingsPage
from tests.conftest import make_actor
from tests.ui.conftest import save_screenshot


def write_png(path: Path, width: int = 120, height: int = 40) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f5f8b"))
    assert image.save(str(path))
    return path.read_bytes()


def as_admin(context: AppContext, password_hash: str) -> AppContext:
    context.actor = make_actor(
        context.db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin"
    )
    return context


def open_page(qtbot: QtBot, context: AppContext) -> SettingsPage:
    page = SettingsPage(context=context)
    qtbot.addWidget(page)
    return page


def test_administrator_saves_settings(
    qtbot: QtBot, context: AppContext, password_hash: str, tmp_path: Path
) -> None:
    page = open_page(qtbot, as_admin(context, password_hash))
    assert page.findChild(QLabel, "settingsReadOnlyNote") is None
    page.clinic_name.setText("Lakeside Pain Clinic")
    page.fax.setText("555-0199")
    page.paper_size.setCurrentIndex(page.paper_size.findData("a4"))
    assert page.date_format.currentText() == "March 4, 1973"  # US long form by default
    page.date_format.setCurrentIndex(page.date_format.findData("iso"))
    page.idle_lock.setValue(10)
    page.targets["urgent_days"].setValue(3)
    page.targets["routine_mental_health_business_days"].setValue(8)
    logo = tmp_path / "logo.png"
    write_png(logo)
    assert page.logo_field.set_file(logo)
    preview = page.logo_field.preview.pixmap()
    assert preview is not None and not preview.isNull()

    with qtbot.waitSignal(context.events.settings_changed):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    stored = get_settings(context.db)
    assert stored.clinic_name == "Lakeside Pain Clinic"
    assert (stored.fax, stored.paper_size, stored.idle_lock_minutes) == ("555-0199", "a4", 10)
    assert stored.date_format == "iso"
    assert stored.targets.urgent_days == 3
    assert stored.targets.routine_mental_health_business_days == 8
    assert stored.logo_png == logo.read_bytes()
    assert context.settings == stored

    remove = page.findChild(QPushButton, "removeLogo")
    assert remove is not None and remove.isEnabled()
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert page.save()
    assert get_settings(context.db).logo_png is None


def test_validation_beside_the_field(
    qtbot: QtBot, context: AppContext, password_hash: str, tmp_path: Path
) -> None:
    page = open_page(qtbot, as_admin(context, password_hash))
    page.clinic_name.clear()
    with qtbot.assertNotEmitted(context.events.settings_changed):
        assert not page.save()
    error = page.findChild(QLabel, "clinic_nameError")
    assert error is not None and not error.isHidden() and "required" in error.text()

    not_png = tmp_path / "logo.png"
    not_png.write_bytes(b"GIF89a....")
    assert not page.logo_field.set_file(not_png)
    logo_error = page.findChild(QLabel, "logo_pngError")
    assert logo_error is not None and "PNG" in logo_error.text()


def test_read_only_for_a_physician(qtbot: QtBot, context: AppContext) -> None:
    page = open_page(qtbot, context)
    note = page.findChild(QLabel, "settingsReadOnlyNote")
    assert note is not None and note.text() == READ_ONLY_NOTE
    assert page.clinic_name.isReadOnly()
    assert not page.targets["stat_days"].isEnabled()
    assert not page.logo_field.choose.isEnabled()
    assert not page.save()
    assert page.clinic_name.text() == context.settings.clinic_name
    assert page.findChild(QPushButton, "addUser") is None


def test_shows_which_database_is_open(qtbot: QtBot, context: AppContext) -> None:
    page = open_page(qtbot, context)
    url = page.findChild(QLabel, "databaseUrl")
    kind = page.findChild(QLabel, "databaseKind")
    assert url is not None and url.text() == context.db.display_url()
    assert kind is not None and "this workstation only" in kind.text()


def test_users_are_listed_and_managed_in_one_place(
    qtbot: QtBot, context: AppContext, password_hash: str, qtmodeltester: object
) -> None:
    page = open_page(qtbot, as_admin(context, password_hash))
    qtmodeltester.check(page.users_model)  # type: ignore[attr-defined]
    before = page.users_model.rowCount()
    dialog = page.user_dialog()
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "userManagementDialog"
    admin = context.actor
    users.create_user(
        context.db,
        admin,
        username="jpark",
        full_name="Jo Park",
        password="long enough pw",
        role=UserRole.CLINICIAN,
    )
    dialog.done(0)  # closing the manager refreshes the overview
    assert page.users_model.rowCount() == before + 1


def test_screenshot(qtbot: QtBot, demo_context: AppContext) -> None:
    from sqlalchemy import select

    from carecoord.models import User
    from carecoord.services.users import actor_of

    with demo_context.db.session() as session:
        admin = session.scalar(select(User).where(User.role == UserRole.ADMINISTRATOR))
        assert admin is not None
        demo_context.actor = actor_of(admin)
    page = open_page(qtbot, demo_context)
    page.resize(1280, 900)
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)  # let the scroll area settle its layout before the picture
    save_screenshot(page, "settings_page")
    image = page.grab().toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)
    }
    assert len(colours) > 20
    assert page.users_model.rowCount() >= 2


def test_holiday_region_and_closures_are_saved(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    from datetime import date

    page = open_page(qtbot, as_admin(context, password_hash))
    assert page.holiday_country.text() == "US" and page.holiday_subdivision.text() == ""
    page.holiday_subdivision.setText("ca")
    page.closure_dates.setText("2026-12-31, 2026-12-24")
    with qtbot.waitSignal(context.events.settings_changed):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    stored = get_settings(context.db)
    assert (stored.holiday_country, stored.holiday_subdivision) == ("US", "CA")
    assert stored.closure_dates == (date(2026, 12, 24), date(2026, 12, 31))
    assert page.closure_dates.text() == "2026-12-24, 2026-12-31"

    page.closure_dates.setText("Christmas Eve")
    assert not page.save()
    error = page.findChild(QLabel, "closure_datesError")
    assert error is not None and not error.isHidden()
    assert "'Christmas Eve' is not a date" in error.text()
    page.closure_dates.setText("")
    page.holiday_country.setText("ZZ")
    assert not page.save()
    assert get_settings(context.db).holiday_country == "US"
