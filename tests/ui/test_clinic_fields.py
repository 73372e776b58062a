"""The clinic's letterhead fields shared by the welcome form and the settings page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget
from pytestqt.qtbot import QtBot

from carecoord.services.settings import MAX_LOGO_BYTES
from carecoord.ui.forms import FieldErrors
from carecoord.ui.kit.clinic_fields import (
    LOGO_FIELD,
    PLAIN_PREVIEW_HEIGHT,
    SETTINGS_LOOK,
    WELCOME_LOOK,
    LogoField,
    LogoLook,
    add_contact_rows,
)
from tests.ui.test_settings_page import write_png


def logo_form(qtbot: QtBot, look: LogoLook = SETTINGS_LOOK) -> tuple[QWidget, LogoField]:
    """A form holding only the logo row, as the two screens add it."""
    holder = QWidget()
    qtbot.addWidget(holder)
    form = QFormLayout(holder)
    errors = FieldErrors()
    field = LogoField(errors, look)
    errors.add_row(form, "Logo:", LOGO_FIELD, field)
    return holder, field


def logo_error(holder: QWidget) -> QLabel:
    label = holder.findChild(QLabel, f"{LOGO_FIELD}Error")
    assert label is not None
    return label


def test_a_chosen_png_is_shown_and_removed(qtbot: QtBot, tmp_path: Path) -> None:
    holder, field = logo_form(qtbot)
    assert field.content is None and field.preview.text() == "No logo"
    assert not field.remove.isEnabled()
    logo = tmp_path / "logo.png"
    content = write_png(logo)
    assert field.set_file(logo)
    assert field.content == content
    assert not field.preview.pixmap().isNull()
    assert field.remove.isEnabled() and logo_error(holder).isHidden()
    qtbot.mouseClick(field.remove, Qt.MouseButton.LeftButton)
    assert field.content is None and field.preview.text() == "No logo"
    assert not field.remove.isEnabled()


def test_what_cannot_be_the_logo_is_refused_beside_it(qtbot: QtBot, tmp_path: Path) -> None:
    holder, field = logo_form(qtbot)
    logo = tmp_path / "logo.png"
    content = write_png(logo)
    assert field.set_file(logo)
    not_png = tmp_path / "not.png"
    not_png.write_bytes(b"GIF89a....")
    broken = tmp_path / "broken.png"
    broken.write_bytes(content[:40])  # the PNG signature, then nothing readable
    too_big = tmp_path / "big.png"
    too_big.write_bytes(content + bytes(MAX_LOGO_BYTES))  # a real PNG, then padding
    for path, says in (
        (not_png, "must be a PNG image"),
        (broken, "must be a PNG image"),
        (too_big, "at most 2 MB"),
        (tmp_path / "missing.png", "Cannot read missing.png"),
    ):
        assert not field.set_file(path)
        error = logo_error(holder)
        assert not error.isHidden() and says in error.text(), (path.name, error.text())
        assert field.content == content  # the logo shown before stays
    assert field.set_file(logo)
    assert logo_error(holder).isHidden()


def test_read_only_and_unframed(qtbot: QtBot, tmp_path: Path) -> None:
    _holder, field = logo_form(qtbot)
    field.set_content(write_png(tmp_path / "logo.png"))
    field.set_editable(False)
    assert not field.choose.isEnabled() and not field.remove.isEnabled()
    field.set_editable(True)
    assert field.choose.isEnabled() and field.remove.isEnabled()

    _holder, plain = logo_form(qtbot, WELCOME_LOOK)
    assert plain.choose.text() == "Choose logo…" and plain.remove.isHidden()
    assert plain.set_file(tmp_path / "logo.png")
    assert plain.preview.pixmap().height() == PLAIN_PREVIEW_HEIGHT


def test_contact_rows_stop_where_the_service_does(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    errors = FieldErrors()
    address, phone, fax = add_contact_rows(errors, QFormLayout(holder))
    assert (phone.maxLength(), fax.maxLength()) == (40, 40)
    assert {"address", "phone", "fax"} <= set(errors.labels)
    assert address.accessibleName() == "Address"
