"""The one date field of the app: type a date (ISO or the locale's short format) or pick it.

A QDateEdit overwrote one section at a time (typing ``2025-03-03`` over a set date kept
part of the old year), opened an optional field's calendar on its January-1900 "not set"
value and had no way back to "not set". Here typed text always replaces the whole value,
the calendar opens on the value or today, and an optional field has a clear button.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QLocale, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.ui.error_line import error_style

MIN_DATE = QDate(1900, 1, 1)
MAX_DATE = QDate(2200, 12, 31)
ISO = "yyyy-MM-dd"
Day = date  # the class below has a date() method (QDateEdit's API) that hides the type

_iso_display = False


def set_iso_display(iso: bool) -> None:
    """Show dates as YYYY-MM-DD (the clinic's "iso" date setting) or as the locale does."""
    global _iso_display
    _iso_display = iso


def locale_format(locale: QLocale | None = None) -> str:
    """The locale's short date format with a four-digit year (two-digit years are ambiguous)."""
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:
        return ISO
    fmt = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in fmt:
        fmt = fmt.replace("yy", "yyyy")
    return fmt


def format_hint(fmt: str) -> str:
    """A Qt date format as people read it: ``M/d/yyyy`` -> ``MM/DD/YYYY``."""
    hint = re.sub(r"y+", "YYYY", fmt)
    hint = re.sub(r"M+", "MM", hint)
    return re.sub(r"d+", "DD", hint)


def accepted_formats(locale: QLocale | None = None) -> str:
    """The formats a date may be typed in, for hints and error messages."""
    local = locale_format(locale)
    if local == ISO:
        return "YYYY-MM-DD"
    return f"YYYY-MM-DD or {format_hint(local)}"


def display_text(value: date | QDate | None, locale: QLocale | None = None) -> str:
    """A date as this app shows it (ISO when the clinic chose ISO, else the locale's format)."""
    if value is None:
        return ""
    day = value if isinstance(value, QDate) else QDate(value.year, value.month, value.day)
    fmt = ISO if _iso_display else locale_format(locale)
    return (locale or QLocale()).toString(day, fmt)


def parse_date(text: str, locale: QLocale | None = None) -> date:
    """Read a typed date in ISO or the locale's short format.

    Raises:
        ValueError: not a real date in an accepted format; the message names the formats.
    """
    text = text.strip()
    locale = locale or QLocale()
    local = locale_format(locale)
    day = QDate.fromString(text, ISO) if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text) else QDate()
    if not day.isValid() and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        day = QDate.fromString(text, "yyyy-M-d")
    if not day.isValid() and local != ISO:
        day = locale.toDate(text, local)
        if not day.isValid():  # leading zeros typed for a one-digit section
            day = locale.toDate(text, local.replace("MM", "M").replace("dd", "d"))
    if not day.isValid():
        raise ValueError(f"{text} is not a date: type it as {accepted_formats(locale)}")
    return date(day.year(), day.month(), day.day())


def _tool_button(
    symbol: str, name: str, accessible: str, tip: str, slot: Callable[[], object]
) -> QToolButton:
    """One of the small buttons beside the typed date, showing ``symbol``."""
    button = QToolButton()
    button.setObjectName(name)
    button.setText(symbol)
    button.setAccessibleName(accessible)
    button.setToolTip(tip)
    button.clicked.connect(lambda: slot())
    return button


class DateField(QWidget):
    """A date typed or picked, optionally "not set"; keeps QDateEdit's date()/setDate() API.

    Signals:
        dateChanged(QDate): the value changed (a null QDate when it became "not set").
    """

    dateChanged = Signal(QDate)

    def __init__(
        self, value: Day | None = None, *, optional: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self._value: Day | None = None
        self._minimum = MIN_DATE
        self._maximum = MAX_DATE
        self.error = ""
        # The service field this date is saved as (set by forms.FieldErrors.add_row): then an
        # unreadable text stops the save with the error beside the field (forms.date_of).
        self.field_name: str | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        column.addLayout(row)
        self.edit = QLineEdit()
        self.edit.setObjectName("dateText")
        self.edit.setPlaceholderText(self.tr("not set") if optional else accepted_formats())
        self.edit.setToolTip(f"Type a date as {accepted_formats()}, or pick it")
        self.edit.setMaxLength(24)
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._finished)
        widest = self.edit.fontMetrics().horizontalAdvance("12/31/2200  ")
        self.edit.setMinimumWidth(widest + 12)  # a date is short: no full-width box
        self.edit.setMaximumWidth(widest * 2)
        row.addWidget(self.edit, 1)
        self.calendar_button = _tool_button(
            "▾", "dateCalendar", "Pick a date", "Pick a date", self.open_calendar
        )
        row.addWidget(self.calendar_button)
        self.clear_button = _tool_button(
            "✕", "dateClear", "Clear the date", "Clear the date (not set)", self.clear
        )
        row.addWidget(self.clear_button)
        # Hidden only once it has a parent: shown parentless it would flash up as a window
        # of its own and take the keyboard focus from the real one.
        self.clear_button.setVisible(optional)
        row.addStretch(0)
        self.error_label = QLabel()
        self.error_label.setObjectName("dateError")
        self.error_label.setStyleSheet(error_style())
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        column.addWidget(self.error_label)
        self.popup = QFrame(self, Qt.WindowType.Popup)
        self.popup.setObjectName("datePopup")
        popup_layout = QVBoxLayout(self.popup)
        popup_layout.setContentsMargins(0, 0, 0, 0)
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("dateCalendarWidget")
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        popup_layout.addWidget(self.calendar)
        self.setFocusProxy(self.edit)
        if value is None and not optional:
            value = date.today()
        self.set_value(value)

    # ------------------------------------------------------------------ value
    def value(self) -> Day | None:
        """The date, or None when an optional field is "not set"."""
        return self._value

    def set_value(self, value: Day | None) -> None:
        """Show ``value`` (None = "not set", or today for a required field)."""
        if value is None and not self.optional:
            value = date.today()
        self._show_error("")
        changed = value != self._value
        self._value = value
        self.edit.setText(display_text(value))
        if changed:
            self.dateChanged.emit(self.date())

    def clear(self) -> None:
        """Back to "not set" (an optional field) — the clear button."""
        self.set_value(None)

    def date(self) -> QDate:
        """The value as a QDate; a null QDate when "not set"."""
        if self._value is None:
            return QDate()
        return QDate(self._value.year, self._value.month, self._value.day)

    def setDate(self, day: QDate) -> None:
        """Set from a QDate; an invalid or 1900-01-01 one means "not set" for optional fields."""
        if not day.isValid() or (self.optional and day == MIN_DATE):
            self.set_value(None)
        else:
            self.set_value(Day(day.year(), day.month(), day.day()))

    def minimumDate(self) -> QDate:
        return self._minimum

    def setMinimumDate(self, day: QDate) -> None:
        self._minimum = day
        self.calendar.setMinimumDate(day)

    def maximumDate(self) -> QDate:
        return self._maximum

    def setMaximumDate(self, day: QDate) -> None:
        self._maximum = day
        self.calendar.setMaximumDate(day)

    # ----------------------------------------------------------------- typing
    def _read(self, text: str) -> tuple[Day | None, str]:
        """(value, error) for typed text; the whole text is the new value."""
        if not text.strip():
            if self.optional:
                return None, ""
            return None, f"Enter a date ({accepted_formats()})"
        try:
            day = parse_date(text)
        except ValueError as error:
            return None, str(error)
        as_q = QDate(day.year, day.month, day.day)
        if as_q < self._minimum or as_q > self._maximum:
            low = display_text(self._minimum)
            high = display_text(self._maximum)
            return None, f"Must be between {low} and {high}"
        return day, ""

    def _typed(self, text: str) -> None:
        """Take a complete typed date at once (so Save right after typing stores it)."""
        day, error = self._read(text)
        if not error and day != self._value:
            self._value = day
            self.dateChanged.emit(self.date())
        if not error:
            self._show_error("")

    def _finished(self) -> None:
        day, error = self._read(self.edit.text())
        if error:
            self._show_error(error)
            return
        self.set_value(day)

    def commit_text(self) -> bool:
        """Read what was typed (as leaving the field does); False with the error shown."""
        self._finished()
        return not self.error

    def _show_error(self, message: str) -> None:
        self.error = message
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # --------------------------------------------------------------- calendar
    def open_calendar(self) -> None:
        """Open the calendar on the value, or on today when "not set"."""
        shown = self.date() if self._value is not None else QDate.currentDate()
        self.calendar.setSelectedDate(shown)
        self.calendar.setCurrentPage(shown.year(), shown.month())
        self.popup.adjustSize()
        self.popup.move(self.mapToGlobal(QPoint(0, self.edit.height())))
        self.popup.show()
        self.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.popup.hide()
        self.set_value(Day(day.year(), day.month(), day.day()))
        self.edit.setFocus()
