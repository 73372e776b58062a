"""The one date field: typing replaces the whole value, both formats, a clear "not set"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from pytestqt.qtbot import QtBot

from carecoord.ui.context import AppContext
from carecoord.ui.date_field import DateField, parse_date

US = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


@pytest.fixture(autouse=True)
def _us_locale() -> Iterator[None]:
    """The front desk's locale (US): short format M/d/yyyy, whatever the test machine says."""
    before = QLocale()
    QLocale.setDefault(US)
    yield
    QLocale.setDefault(before)


def type_into(qtbot: QtBot, field: DateField, text: str) -> None:
    """Select everything, type as a person would, then leave the field (Enter)."""
    field.edit.setFocus()
    field.edit.selectAll()
    if text:
        qtbot.keyClicks(field.edit, text)
    else:
        qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)


def make(qtbot: QtBot, value: date | None = None, *, optional: bool = False) -> DateField:
    field = DateField(value, optional=optional)
    qtbot.addWidget(field)
    field.show()
    return field


def test_typing_iso_over_another_date_stores_exactly_that_date(qtbot: QtBot) -> None:
    field = make(qtbot, date(2027, 11, 19))
    type_into(qtbot, field, "2025-03-03")
    assert field.value() == date(2025, 3, 3)
    assert field.date() == QDate(2025, 3, 3)
    assert field.edit.text() == "3/3/2025"
    assert field.error == ""


def test_typing_the_locale_short_format_works(qtbot: QtBot) -> None:
    field = make(qtbot, date(2020, 1, 1))
    type_into(qtbot, field, "07/04/2024")
    assert field.value() == date(2024, 7, 4)
    type_into(qtbot, field, "12/9/1981")
    assert field.value() == date(1981, 12, 9)


def test_an_impossible_date_names_both_accepted_formats(qtbot: QtBot) -> None:
    field = make(qtbot, date(1980, 2, 1))
    type_into(qtbot, field, "02/30/1980")
    assert field.error == "02/30/1980 is not a date: type it as YYYY-MM-DD or MM/DD/YYYY"
    assert field.error_label.isVisible()
    assert field.value() == date(1980, 2, 1)  # the last real date is kept, not a guess
    type_into(qtbot, field, "1980-02-29")
    assert field.value() == date(1980, 2, 29)
    assert not field.error_label.isVisible()
    with pytest.raises(ValueError, match="type it as YYYY-MM-DD or MM/DD/YYYY"):
        parse_date("2025-02-30")


def test_dates_outside_1900_to_2200_are_refused(qtbot: QtBot) -> None:
    field = make(qtbot, date(2000, 1, 1))
    type_into(qtbot, field, "1899-12-31")
    assert field.error == "Must be between 1/1/1900 and 12/31/2200"
    assert field.value() == date(2000, 1, 1)


def test_a_not_set_field_opens_its_calendar_on_today(qtbot: QtBot) -> None:
    field = make(qtbot, optional=True)
    assert field.value() is None and field.edit.text() == ""
    assert field.edit.placeholderText() == "not set"
    qtbot.mouseClick(field.calendar_button, Qt.MouseButton.LeftButton)
    today = QDate.currentDate()
    assert field.popup.isVisible()
    assert (field.calendar.yearShown(), field.calendar.monthShown()) == (
        today.year(),
        today.month(),
    )
    field.calendar.clicked.emit(QDate(2026, 6, 15))
    assert field.value() == date(2026, 6, 15)
    assert not field.popup.isVisible()


def test_typing_into_a_not_set_field_sets_it_and_clear_returns_to_not_set(
    qtbot: QtBot,
) -> None:
    field = make(qtbot, optional=True)
    with qtbot.waitSignal(field.dateChanged, timeout=1000):
        type_into(qtbot, field, "2031-08-21")
    assert field.value() == date(2031, 8, 21)
    assert field.clear_button.isVisible()
    with qtbot.waitSignal(field.dateChanged, timeout=1000) as changed:
        qtbot.mouseClick(field.clear_button, Qt.MouseButton.LeftButton)
    assert changed.args == [QDate()]
    assert field.value() is None
    assert field.edit.text() == ""


def test_a_required_field_has_no_clear_button_and_insists_on_a_date(qtbot: QtBot) -> None:
    field = make(qtbot, date(2024, 5, 6))
    assert not field.clear_button.isVisible()
    type_into(qtbot, field, "")
    assert field.error == "Enter a date (YYYY-MM-DD or MM/DD/YYYY)"
    assert field.value() == date(2024, 5, 6)


def test_screenshot_date_field(qtbot: QtBot, tmp_path: Path) -> None:
    field = make(qtbot, optional=True)
    type_into(qtbot, field, "02/30/1980")
    field.resize(360, field.sizeHint().height())
    assert field.grab().save(str(tmp_path / "date_field.png"))


def test_the_clinic_iso_setting_shows_dates_as_iso(qtbot: QtBot, context: AppContext) -> None:
    """Settings → "Dates in letters: 1973-03-04" also shows date fields as YYYY-MM-DD."""
    context.settings = replace(context.settings, date_format="iso")
    try:
        field = make(qtbot, date(2025, 3, 3))
        assert field.edit.text() == "2025-03-03"
        type_into(qtbot, field, "4/5/2026")  # the locale format is still accepted
        assert field.edit.text() == "2026-04-05"
    finally:
        context.settings = replace(context.settings, date_format="us_long")
    assert make(qtbot, date(2025, 3, 3)).edit.text() == "3/3/2025"
