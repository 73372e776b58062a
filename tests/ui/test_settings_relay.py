"""The settings page's "Letters by e-mail and fax": saved through the service, the password
into the (in-memory) keyring and never the database, problems shown beside their field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.models import Setting
from carecoord.services.settings import get_settings
from carecoord.ui.context import AppContext
from carecoord.ui.settings_page import SettingsPage
from tests.conftest import make_actor
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import save_screenshot


def _page(qtbot: QtBot, context: AppContext, password_hash: str) -> SettingsPage:
    context.actor = make_actor(
        context.db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin"
    )
    page = SettingsPage(context=context)
    qtbot.addWidget(page)
    return page


def _error(page: SettingsPage, field: str) -> str:
    label = page.findChild(QLabel, f"{field}Error")
    assert isinstance(label, QLabel)
    return label.text() if label.isVisibleTo(page) else ""


def test_the_relay_is_saved_and_its_password_goes_to_the_keyring(
    qtbot: QtBot, context: AppContext, password_hash: str, memory_keyring: MemoryKeyring
) -> None:
    page = _page(qtbot, context, password_hash)
    assert page.smtp_security.currentData() == "starttls" and page.smtp_port.value() == 587
    page.smtp_security.setCurrentIndex(page.smtp_security.findData("tls"))
    assert page.smtp_port.value() == 465  # follows the usual port
    page.smtp_host.setText("SMTP.Riverside.example")
    page.smtp_user.setText("letters")
    page.smtp_password.setText("relay secret 42")
    page.sender_address.setText("letters@riverside.example")
    page.fax_gateway.setText("{fax}@fax.example.net")
    with qtbot.waitSignal(context.events.settings_changed):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    saved = get_settings(context.db)
    assert (saved.smtp_host, saved.smtp_port, saved.smtp_security, saved.smtp_user) == (
        "smtp.riverside.example",
        465,
        "tls",
        "letters",
    )
    assert (saved.sender_address, saved.fax_gateway) == (
        "letters@riverside.example",
        "{fax}@fax.example.net",
    )
    assert memory_keyring.secrets == {
        ("CareCoord SMTP relay", "letters@smtp.riverside.example"): "relay secret 42"
    }
    with context.db.session() as session:
        assert all("relay secret" not in s.value for s in session.scalars(select(Setting)))
    assert page.smtp_password.text() == ""
    assert page.smtp_password.placeholderText() == (
        "stored in this workstation's keyring; type to replace"
    )
    assert page.saved_label.text() == (
        "Settings saved; the relay password is in this workstation's keyring."
    )
    page.resize(1280, 1000)
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(50)  # let the scroll area settle its layout before the picture
    relay_box = page.findChild(QGroupBox, "relayBox")
    assert isinstance(relay_box, QGroupBox)
    save_screenshot(relay_box, "settings_relay")
    save_screenshot(page, "settings_page_with_relay")


def test_relay_problems_are_shown_beside_their_field(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    page = _page(qtbot, context, password_hash)
    page.smtp_host.setText("smtp.riverside.example")
    page.sender_address.setText("letters@riverside.example")
    page.fax_gateway.setText("fax@fax.example.net")
    assert not page.save()
    assert _error(page, "fax_gateway") == (
        "Must hold {fax} once, for example {fax}@fax.example.net"
    )
    page.fax_gateway.setText("{fax}@fax.example.net")
    page.sender_address.clear()
    assert not page.save()
    assert _error(page, "sender_address") == "Letters need a sender address"
