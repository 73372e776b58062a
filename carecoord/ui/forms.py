"""Form helpers: labelled rows with an error line under each field, filled from services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypedDict, TypeVar, Unpack

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError, ConflictError, ValidationError, ValidationErrors
from carecoord.ui.date_field import MIN_DATE, DateField
from carecoord.ui.error_line import error_style as error_style  # screens import it from here
from carecoord.ui.errors import offer_reload, show_problem
from carecoord.ui.screen_fit import grow_to_fit

T = TypeVar("T")

NO_DATE = MIN_DATE  # what "not set" was before DateField; setDate(NO_DATE) still clears


class FieldErrors:
    """Maps service field names to the error label shown under that field.

    Every error of a save is shown at once; an error goes away when its field is fixed:
    with ``revalidate`` (the service's own check of the whole form) as soon as the rule
    passes, otherwise as soon as the field is edited.

    ``grows``: the dialog that grows to make room when error lines appear (None: none).
    """

    def __init__(
        self, revalidate: Callable[[], object] | None = None, *, grows: QWidget | None = None
    ) -> None:
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        self.revalidate = revalidate
        self.grows = grows

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
        if isinstance(widget, DateField):
            widget.field_name = field
        widget.setAccessibleName(label.rstrip(":*").strip())
        title = QLabel(label)
        title.setBuddy(widget)
        layout.addRow(title, holder)
        for name in (field, *aliases):
            self.labels[name] = error
            self.widgets[name] = widget
        self._watch(widget, error)
        return widget

    def register(self, field: str, error: QLabel, widget: QWidget | None = None) -> None:
        """Show ``field``'s errors in ``error``, a line the form placed itself (under a
        question or a list rather than a form row), focusing ``widget`` when given; the form
        hides the line itself once the field is fixed."""
        self.labels[field] = error
        if widget is not None:
            self.widgets[field] = widget

    def _watch(self, widget: QWidget, error: QLabel) -> None:
        """Re-check a shown error whenever its field changes."""
        signal = None
        if isinstance(widget, QLineEdit | QPlainTextEdit | LimitedTextEdit):
            signal = widget.textChanged
        elif isinstance(widget, QComboBox):
            signal = widget.currentIndexChanged
        elif isinstance(widget, DateField):
            signal = widget.dateChanged
        elif isinstance(widget, QAbstractSpinBox) and hasattr(widget, "valueChanged"):
            signal = widget.valueChanged
        if signal is not None:
            signal.connect(lambda *_: self._edited(error))

    def _edited(self, error: QLabel) -> None:
        if error.isHidden():
            return
        if self.revalidate is None:
            error.clear()
            error.hide()
            return
        try:
            self.revalidate()
        except ValidationError as problem:
            still = {id(self._label_for(e.field)): e for e in errors_in(problem)}
        else:
            still = {}
        for label in set(self.labels.values()):
            if label.isHidden():
                continue  # not nagging about fields the person has not saved yet
            remaining = still.get(id(label))
            if remaining is None:
                label.clear()
                label.hide()
            else:
                label.setText(sentence(remaining.message))

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.hide()

    def show(self, error: ValidationError) -> bool:
        """Show every error in ``error`` under its field (focus on the first).

        False when one of them names no field here (the caller explains it another way).
        """
        self.clear()
        all_shown = True
        first: QWidget | None = None
        for each in errors_in(error):
            label = self._label_for(each.field)
            if label is None:
                all_shown = False
                continue
            label.setText(sentence(each.message))
            label.show()
            if first is None:
                first = self.widgets.get(each.field) or self._widget_for(each.field)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.grows is not None and any(not label.isHidden() for label in self.labels.values()):
            grow_to_fit(self.grows)
        return all_shown

    def _label_for(self, field: str) -> QLabel | None:
        return self.labels.get(field) or self._prefix_match(field)

    def _widget_for(self, field: str) -> QWidget | None:
        for name, widget in self.widgets.items():
            if field.startswith(name):
                return widget
        return None

    def _prefix_match(self, field: str) -> QLabel | None:
        for name, label in self.labels.items():
            if field.startswith(name):
                return label
        return None


class Refusal(TypedDict, total=False):
    """How a form answers a refused service call, beyond its field errors and title (see
    :func:`service_result`)."""

    reload: Callable[[], None] | None  # a conflict offers it (None: shown as any refusal)
    message: QLabel | None  # the line under the form for a rule naming no field on it
    explain: Callable[[ValidationError], ValidationError] | None  # rewords a rule first
    retry: bool  # a temporary failure's box offers Retry, running the call again


def service_result(
    parent: QWidget,
    errors: FieldErrors | None,
    work: Callable[[], T],
    title: str = "CareCoord",
    **how: Unpack[Refusal],
) -> T | None:
    """``work()``'s result (a form's service call), or None after showing why it was refused.

    The one way a form answers a refusal: a rule shows beside its field in ``errors``
    (``explain`` may first reword it or point it at another field); a rule naming no field
    there shows in ``message`` (a line under the form) when given, else in a box titled
    ``title`` (so does every rule of a change made without a form, ``errors`` None). A
    conflict offers ``reload`` (when given); anything else is shown in a box, which offers
    Retry for a temporary failure when ``retry`` is set (running ``work`` again).
    """
    try:
        return work()
    except ValidationError as error:
        explain = how.get("explain")
        if explain is not None:
            error = explain(error)
        message = how.get("message")
        if errors is not None and errors.show(error):
            return None
        if message is not None:
            message.setText(str(error))
            message.show()
        else:
            show_problem(parent, error, title)
        return None
    except CareCoordError as error:
        reload = how.get("reload")
        if isinstance(error, ConflictError) and reload is not None:
            offer_reload(parent, error, reload)
            return None
        if not how.get("retry"):
            show_problem(parent, error, title)
            return None
        again: list[T | None] = []

        def run_again() -> None:
            again.append(service_result(parent, errors, work, title, **how))

        show_problem(parent, error, title, retry=run_again)
        return again[0] if again else None


def service_call(
    parent: QWidget,
    errors: FieldErrors | None,
    work: Callable[[], object],
    title: str = "CareCoord",
    **how: Unpack[Refusal],
) -> bool:
    """Run ``work`` (a form's service call); True when it was stored.

    A refusal is answered as :func:`service_result` says (the one way a form does).
    """

    def stored() -> bool:
        work()
        return True

    return service_result(parent, errors, stored, title, **how) is not None


def password_edit(name: str) -> QLineEdit:
    """A password field (typing shows dots) with object name ``name``."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def require_same(first: QLineEdit, repeat: QLineEdit, field: str, message: str) -> None:
    """Refuse (``field``: ``message``) a password typed twice that differs the second time."""
    if first.text() != repeat.text():
        raise ValidationError(field, message)


def errors_in(error: ValidationError) -> list[ValidationError]:
    """The single errors a ValidationError stands for (several for ValidationErrors)."""
    return list(error.errors) if isinstance(error, ValidationErrors) else [error]


def sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


class _CountedEdit(QPlainTextEdit):
    """A text box with its "n / max" counter in the bottom-right corner, inside its frame (so
    counting adds no height: the chart fits a 1366×768 laptop), left of the scroll bar when
    the text outgrows the box."""

    def __init__(self) -> None:
        super().__init__()
        self.counter = QLabel(self)
        self.counter.setObjectName("lengthCounter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setViewportMargins(0, 0, 0, self.counter.fontMetrics().height() - 4)
        # Text that outgrows the box brings a scroll bar; the counter moves left of it.
        self.verticalScrollBar().rangeChanged.connect(lambda _low, _high: self.place_counter())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.place_counter()

    def place_counter(self) -> None:
        self.counter.adjustSize()
        frame = self.frameWidth()
        bar = self.verticalScrollBar()
        scrolling = bar.maximum() > bar.minimum()  # shown "as needed": exactly then
        beside_bar = bar.sizeHint().width() if scrolling else 0
        self.counter.move(
            self.width() - self.counter.width() - frame - beside_bar - 4,
            self.height() - self.counter.height() - frame,
        )


class LimitedTextEdit(QWidget):
    """Multi-line text with an "n / max" counter that refuses input beyond ``max_length``.

    Pasting 10,000 characters into a reason used to end in a modal box from the service;
    here the text is cut at the limit where it is typed and the counter says why.
    """

    textChanged = Signal()

    def __init__(self, text: str | None = None, *, max_length: int, lines: int = 3) -> None:
        super().__init__()
        self.max_length = max_length
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.edit = _CountedEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * lines + 14)
        column.addWidget(self.edit)
        self.counter = self.edit.counter
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._changed)
        self.setPlainText(text or "")

    def toPlainText(self) -> str:
        return self.edit.toPlainText()

    def setPlainText(self, text: str) -> None:
        self.edit.setPlainText(text)

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.counter.setVisible(not read_only)

    def setTabChangesFocus(self, on: bool) -> None:
        self.edit.setTabChangesFocus(on)

    def setObjectName(self, name: str) -> None:
        """The text box takes the name too, so findChild(QPlainTextEdit, name) still finds it."""
        super().setObjectName(name)
        self.edit.setObjectName(name)

    def setPlaceholderText(self, text: str) -> None:
        self.edit.setPlaceholderText(text)

    def _changed(self) -> None:
        text = self.edit.toPlainText()
        if len(text) > self.max_length:
            cursor = self.edit.textCursor()
            position = min(cursor.position(), self.max_length)
            self.edit.blockSignals(True)
            self.edit.setPlainText(text[: self.max_length])
            self.edit.blockSignals(False)
            cursor = self.edit.textCursor()
            cursor.setPosition(position)
            self.edit.setTextCursor(cursor)
        length = len(self.edit.toPlainText())
        self.counter.setText(f"{length} / {self.max_length}")
        full = length >= self.max_length
        from carecoord.ui.style import fg

        self.counter.setStyleSheet(f"color: {fg('danger' if full else 'muted')}; font-size: 11px;")
        self.counter.setToolTip(
            f"At most {self.max_length} characters; the rest was not taken" if full else ""
        )
        self.edit.place_counter()
        self.textChanged.emit()


def line_edit(text: str | None = None, *, placeholder: str = "", max_length: int = 0) -> QLineEdit:
    edit = QLineEdit(text or "")
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    edit.setClearButtonEnabled(True)
    return edit


def limited_text(text: str | None = None, *, max_length: int, lines: int = 3) -> LimitedTextEdit:
    """A reason or note box that counts characters and stops at the service's maximum."""
    return LimitedTextEdit(text, max_length=max_length, lines=lines)


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
    unreadable text keeps the last real date and is explained beside the field (a save uses
    :func:`saved_date`, which refuses it).
    """
    return edit.value()


def saved_date(edit: DateField) -> date | None:
    """The date to save: never another than the one shown. An unreadable text
    ("2025-02-30", "next tuesday") raises a ValidationError naming the field (the name
    :meth:`FieldErrors.add_row` gave it), so the save stops with the error beside it.

    Raises:
        ValidationError: The field holds text that is not a date in range.
    """
    if not edit.commit_text():
        message = edit.error
        edit.error_label.hide()  # the form shows it once, in the field's own error line
        raise ValidationError(edit.field_name or "date", message[:1].lower() + message[1:])
    return edit.value()


def text_of(widget: QLineEdit | QPlainTextEdit | LimitedTextEdit) -> str | None:
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
