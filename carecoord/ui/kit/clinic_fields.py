"""The clinic's letterhead fields that the first-run welcome and the settings page both ask
for: the address, phone and fax rows and the logo picker. One implementation, so the two
forms read, check and show a clinic's logo the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from carecoord.errors import ValidationError
from carecoord.services.settings import MAX_LOGO_BYTES
from carecoord.ui.forms import FieldErrors, line_edit, text_edit
from carecoord.ui.preferences import ask_open_file
from carecoord.ui.style import PAPER, PAPER_TEXT, scheme

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LOGO_FIELD = "logo_png"  # the settings service's name for the logo (its refusals name it)
LOGO_FOLDER_KEY = "clinic/logoFolder"  # where the logo was last picked from
PLAIN_PREVIEW_HEIGHT = 40  # a chosen logo's height in the unframed preview


class ContactFields(NamedTuple):
    """The clinic's address, phone and fax boxes (unpacked into the form's attributes)."""

    address: QPlainTextEdit
    phone: QLineEdit
    fax: QLineEdit


def add_contact_rows(errors: FieldErrors, form: QFormLayout) -> ContactFields:
    """Add the address, phone and fax rows under the names the settings service gives
    their refusals; phone and fax stop at the service's 40 characters."""
    fields = ContactFields(text_edit(lines=3), line_edit(max_length=40), line_edit(max_length=40))
    errors.add_row(form, "Address:", "address", fields.address)
    errors.add_row(form, "Phone:", "phone", fields.phone)
    errors.add_row(form, "Fax:", "fax", fields.fax)
    return fields


class LogoLook(NamedTuple):
    """How a form shows the logo picker: its wording, whether the preview sits in a
    letterhead-sized paper frame (else a plain label, the logo 40 px high) and whether
    the logo can be removed again."""

    choose_text: str
    dialog_title: str
    file_filter: str
    framed: bool
    removable: bool


SETTINGS_LOOK = LogoLook(
    "Choose PNG…", "Choose the clinic logo", "PNG (*.png)", framed=True, removable=True
)
WELCOME_LOOK = LogoLook(
    "Choose logo…", "Clinic logo", "PNG images (*.png)", framed=False, removable=False
)


def _button(text: str, name: str, accessible: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    button.clicked.connect(lambda *_: slot())
    return button


class LogoField(QWidget):
    """The clinic's letterhead logo: a preview, a button that picks a PNG file and, when
    the ``look`` allows, one that removes it. :attr:`content` is the PNG the form hands
    to the settings service (None: no logo); a file that cannot be the logo is refused in
    ``errors`` under ``logo_png``, the field the service's own refusals name."""

    def __init__(self, errors: FieldErrors, look: LogoLook = SETTINGS_LOOK) -> None:
        super().__init__()
        self.errors = errors
        self.look = look
        self.content: bytes | None = None
        self.editable = True
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.preview = QLabel("No logo")
        self.preview.setObjectName("logoPreview")
        self.preview.setAccessibleName("Logo preview")
        if look.framed:
            self.preview.setFixedSize(180, 64)
            self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.preview.setStyleSheet(
                f"border: 1px dashed {scheme().panel_border}; background: {PAPER}; "
                f"color: {PAPER_TEXT};"
            )
        self.choose = _button(look.choose_text, "chooseLogo", "Choose a PNG logo", self.pick)
        self.remove = _button(
            "Remove", "removeLogo", "Remove the logo", lambda: self.set_content(None)
        )
        row.addWidget(self.preview)
        row.addWidget(self.choose)
        row.addWidget(self.remove)
        if not look.removable:
            self.remove.hide()
        row.addStretch(1)
        self.set_content(None)

    def set_editable(self, editable: bool) -> None:
        """Let the person change the logo, or only see it (Remove only when there is one)."""
        self.editable = editable
        self.choose.setEnabled(editable)
        self.remove.setEnabled(editable and self.content is not None)

    def set_content(self, content: bytes | None) -> None:
        """Show ``content`` (PNG bytes) as the logo to save, or no logo."""
        self.content = content
        pixmap = QPixmap()
        if content and pixmap.loadFromData(content, "PNG"):
            self.preview.setPixmap(
                pixmap.scaled(
                    self.preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                if self.look.framed
                else pixmap.scaledToHeight(PLAIN_PREVIEW_HEIGHT)
            )
        else:
            self.preview.clear()
            self.preview.setText("No logo")
        self.remove.setEnabled(self.editable and content is not None)

    def set_file(self, path: Path) -> bool:
        """Use the PNG at ``path`` as the logo; True when it was taken. A file that cannot
        be read, is no PNG image or is larger than the service keeps is refused beside
        the field, and the logo shown stays."""
        self.errors.clear()
        try:
            content = path.read_bytes()
        except OSError as error:
            return self._refuse(f"cannot read {path.name}: {error}")
        if not content.startswith(PNG_SIGNATURE) or not QPixmap().loadFromData(content, "PNG"):
            return self._refuse("the logo must be a PNG image")
        if len(content) > MAX_LOGO_BYTES:
            return self._refuse("the logo must be at most 2 MB")
        self.set_content(content)
        return True

    def _refuse(self, message: str) -> bool:
        self.errors.show(ValidationError(LOGO_FIELD, message))
        return False

    def pick(self) -> None:
        """Ask for a PNG file and take it (the file dialog is modal)."""
        look = self.look
        name = ask_open_file(self, LOGO_FOLDER_KEY, look.dialog_title, look.file_filter)
        if name:
            self.set_file(Path(name))
