"""Form helpers: labelled rows with an error line under each field, filled from services."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import ValidationError
from carecoord.ui.date_field import MIN_DATE, DateField


def error_style() -> str:
    """The style of an error line beside a field (red that reads on this palette)."""
    from carecoord.ui.style import fg

    return f"color: {fg('danger')}; font-size: 11px;"


NO_DATE = MIN_DATE  # what "not set" was before DateField; setDate(NO_DATE) still clears


class FieldErrors:
    """Maps service field names to the error label shown under that field."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

    def add_row(
        self,
        layout: QFormLayout,
        label: str,
        field: str,
        widget: QWidget,
        *,
        aliases: tuple[str, ...] = (),
    ) -> QWidget:
        """Add ``label: widget`` with an (initially hidden) error line below the widget."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"{field}Error")
        error.setStyleSheet(error_style())
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        if not widget.objectName():
            widget.setObjectName(field)
        widget.setAccessibleName(label.rstrip(":*").strip())
        title = QLabel(label)
        title.setBuddy(widget)
        layout.addRow(title, holder)
        for name in (field, *aliases):
            self.labels[name] = error
            self.widgets[name] = widget
        return widget

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.hide()

    def show(self, error: ValidationError) -> bool:
        """Show ``error`` under its field; False when no field here matches its name."""
        self.clear()
        label = self.labels.get(error.field) or self._prefix_match(error.field)
        if label is None:
            return False
        label.setText(error.message[:1].upper() + error.message[1:])
        label.show()
        widget = self.widgets.get(error.field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _prefix_match(self, field: str) -> QLabel | None:
        for name, label in self.labels.items():
            if field.startswith(name):
                return label
        return None


def line_edit(text: str | None = None, *, placeholder: str = "", max_length: int = 0) -> QLineEdit:
    edit = QLineEdit(text or "")
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    edit.setClearButtonEnabled(True)
    return edit


def text_edit(text: str | None = None, *, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text or "")
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def date_edit(value: date | None = None, *, optional: bool = False) -> DateField:
    """The app's date field (typed or picked); optional ones can be "not set"."""
    return DateField(value, optional=optional)


def set_date(edit: DateField, value: date | None, *, optional: bool = False) -> None:
    """Show ``value``; None is "not set" on an optional field and today on a required one."""
    edit.set_value(value)


def date_of(edit: DateField) -> date | None:
    """The date typed or picked, or None for an optional field left "not set".

    Read without reformatting the text, as the worklist filters read it while typing; an
    unreadable text keeps the last real date and is explained beside the field.
    """
    return edit.value()


def text_of(widget: QLineEdit | QPlainTextEdit) -> str | None:
    value = widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
    return value.strip() or None


def combo(items: list[tuple[str, object]], current: object = None) -> QComboBox:
    """A combo box of (label, value) pairs with ``current`` selected."""
    box = QComboBox()
    for label, value in items:
        box.addItem(label, value)
    if current is not None:
        index = box.findData(current)
        if index >= 0:
            box.setCurrentIndex(index)
    return box
