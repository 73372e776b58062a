"""Small pieces of the referral editor: a row of widgets replaced as a whole, named
buttons and form fields, choosing a combo box entry by its data, and the Save bar."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from carecoord.ui.forms import FieldErrors
from carecoord.ui.kit.records import action_button
from carecoord.ui.style import hint

W = TypeVar("W", bound=QWidget)


class WidgetRow(QWidget):
    """A left-to-right row whose widgets are swapped together each time a referral is shown
    (the state chips, the workflow buttons). An empty row hides, so it takes no room."""

    def __init__(self, *, spacing: int = 6, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(spacing)
        self.hide()

    def replace(self, widgets: Iterable[QWidget]) -> None:
        """Drop the widgets shown now (deleted on the next event-loop turn) and show these."""
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for old in self.findChildren(QWidget, options=direct):
            self._row.removeWidget(old)
            old.hide()
            old.deleteLater()
        for widget in widgets:
            self._row.addWidget(widget)
        self.setHidden(self._row.count() == 0)


def labelled_button(
    text: str, name: str, accessible: str, slot: Callable[[], object], *, tip: str = ""
) -> QPushButton:
    """:func:`action_button` with the longer name a screen reader says and a tool tip."""
    button = action_button(text, name, slot)
    button.setAccessibleName(accessible)
    button.setToolTip(tip)
    return button


def camel(field: str) -> str:
    """A service field name as an object name: ``auth_member_id`` → ``authMemberId``."""
    first, *rest = field.split("_")
    return first + "".join(word.capitalize() for word in rest)


def form_field(errors: FieldErrors, form: QFormLayout, label: str, field: str, widget: W) -> W:
    """Add ``widget`` to ``form`` under ``label`` with its error line (``field`` is the
    service's name for it), named ``camel(field)`` for tests and the style sheet."""
    widget.setObjectName(camel(field))
    errors.add_row(form, label, field, widget)
    return widget


def choose(box: QComboBox, value: object) -> None:
    """Select the entry whose data is ``value`` (the first entry when none has it)."""
    box.setCurrentIndex(max(box.findData(value), 0))


class SaveBar(QWidget):
    """The editor's last line: who changed the referral last (:attr:`footer`), then Save
    (Ctrl+S) and Close."""

    def __init__(
        self,
        *,
        save: Callable[[], object],
        close: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.footer = hint("")
        self.footer.setObjectName("savedBy")
        box = QDialogButtonBox()
        self.save_button = box.addButton("Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setObjectName("saveReferral")
        self.save_button.setAccessibleName("Save referral")
        self.save_button.setProperty("role", "primary")
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.clicked.connect(lambda: save())
        close_button = box.addButton(QDialogButtonBox.StandardButton.Close)
        close_button.setObjectName("closeReferral")
        close_button.setAccessibleName("Close")
        close_button.clicked.connect(lambda: close())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.footer, 1)
        row.addWidget(box)
