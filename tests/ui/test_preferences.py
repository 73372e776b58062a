"""One rule for remembered column layouts (defaults the first time, the user's widths after)
and one for the folder a file dialog opens in (the last one used, unless it is gone)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QFileDialog, QTableView
from pytestqt.qtbot import QtBot

from carecoord.ui.preferences import (
    ask_open_file,
    ask_save_file,
    last_folder,
    remember_columns,
    remember_folder,
    start_path,
    store,
)

KEY = "test/columns"
DEFAULTS = (120, 80, 200)


def _table(qtbot: QtBot) -> QTableView:
    model = QStandardItemModel(2, len(DEFAULTS))
    model.setHorizontalHeaderLabels(["Name", "Due", "Note"])
    table = QTableView()
    table.setModel(model)
    model.setParent(table)
    qtbot.addWidget(table)
    return table


def _widths(table: QTableView) -> list[int]:
    return [table.columnWidth(column) for column in range(len(DEFAULTS))]


def test_defaults_first_then_the_resized_layout_in_a_new_view(qtbot: QtBot) -> None:
    store().remove(KEY)
    first = _table(qtbot)
    remember_columns(first, KEY, DEFAULTS)
    assert _widths(first) == list(DEFAULTS)
    assert store().value(KEY) is None  # applying the defaults saves nothing

    first.horizontalHeader().resizeSection(1, 150)  # as a drag of the column edge does
    assert isinstance(store().value(KEY), QByteArray)

    again = _table(qtbot)
    remember_columns(again, KEY, DEFAULTS)
    assert _widths(again) == [120, 150, 200]


def test_a_moved_column_is_remembered(qtbot: QtBot) -> None:
    store().remove(KEY)
    first = _table(qtbot)
    remember_columns(first, KEY, DEFAULTS)
    first.horizontalHeader().moveSection(2, 0)

    again = _table(qtbot)
    remember_columns(again, KEY, DEFAULTS)
    assert again.horizontalHeader().logicalIndex(0) == 2


def test_without_defaults_and_nothing_saved_the_widths_stay_as_they_were(qtbot: QtBot) -> None:
    store().remove(KEY)
    table = _table(qtbot)
    table.setColumnWidth(0, 66)
    remember_columns(table, KEY)
    assert table.columnWidth(0) == 66


def test_an_unreadable_saved_layout_falls_back_to_the_defaults(qtbot: QtBot) -> None:
    store().setValue(KEY, QByteArray(b"not a header state"))
    table = _table(qtbot)
    remember_columns(table, KEY, DEFAULTS)
    assert _widths(table) == list(DEFAULTS)


# ------------------------------------------------------------------ file dialog folders
FOLDER_KEY = "test/folder"


def _answer_file_dialog(choice: Path | None) -> list[str]:
    """Answer the next file dialog with ``choice`` (None cancels); collect the folder it
    opened in, so a test sees where the user would have started."""
    opened_in: list[str] = []

    def answer() -> None:
        dialogs = [
            widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QFileDialog) and widget.isVisible()
        ]
        if not dialogs:
            QTimer.singleShot(20, answer)
            return
        dialog = dialogs[0]
        opened_in.append(dialog.directory().absolutePath())
        if choice is None:
            dialog.reject()
        else:
            dialog.selectFile(str(choice))
            dialog.accept()

    QTimer.singleShot(0, answer)
    return opened_in


def test_the_chosen_files_folder_is_remembered(tmp_path: Path) -> None:
    store().remove(FOLDER_KEY)
    assert last_folder(FOLDER_KEY, str(tmp_path)) == str(tmp_path)  # nothing saved yet
    letters = tmp_path / "letters"
    letters.mkdir()
    remember_folder(FOLDER_KEY, letters / "reply.pdf")  # a file about to be written
    assert last_folder(FOLDER_KEY, str(tmp_path)) == str(letters)
    assert start_path(FOLDER_KEY, "next.pdf") == str(letters / "next.pdf")


def test_a_chosen_folder_is_remembered_as_itself(tmp_path: Path) -> None:
    remember_folder(FOLDER_KEY, tmp_path)
    assert last_folder(FOLDER_KEY) == str(tmp_path)


def test_a_folder_that_is_gone_falls_back_to_the_default(tmp_path: Path) -> None:
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    remember_folder(FOLDER_KEY, stick / "export.csv")
    stick.rmdir()  # unplugged since
    home = tmp_path / "home"
    home.mkdir()
    assert last_folder(FOLDER_KEY, str(home)) == str(home)
    assert last_folder(FOLDER_KEY) == ""  # no default: Qt picks the folder
    assert start_path(FOLDER_KEY, "export.csv", str(home)) == str(home / "export.csv")
    assert start_path(FOLDER_KEY, "export.csv") == "export.csv"


def test_the_save_dialog_opens_where_the_last_file_went(qtbot: QtBot, tmp_path: Path) -> None:
    store().remove(FOLDER_KEY)
    exports = tmp_path / "exports"
    exports.mkdir()
    _answer_file_dialog(exports / "worklist")
    first = ask_save_file(None, FOLDER_KEY, "Export", "w.csv", "CSV files (*.csv)", suffix=".csv")
    assert first == str(exports / "worklist.csv")  # the missing suffix added

    opened_in = _answer_file_dialog(None)
    assert ask_save_file(None, FOLDER_KEY, "Export", "w.csv", "CSV files (*.csv)") is None
    assert opened_in == [str(exports)]


def test_the_open_dialog_opens_where_the_last_file_came_from(qtbot: QtBot, tmp_path: Path) -> None:
    store().remove(FOLDER_KEY)
    reports = tmp_path / "reports"
    reports.mkdir()
    report = reports / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n")
    _answer_file_dialog(report)
    assert ask_open_file(None, FOLDER_KEY, "Choose", "PDF files (*.pdf)") == str(report)

    opened_in = _answer_file_dialog(None)
    assert ask_open_file(None, FOLDER_KEY, "Choose", "PDF files (*.pdf)") is None
    assert opened_in == [str(reports)]
    assert last_folder(FOLDER_KEY) == str(reports)  # cancelling keeps what was saved
