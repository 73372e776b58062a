"""Where a batch of letters may be written: the reasons shown under the path."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from carecoord.ui.letters.batch_output import BatchOutput, path_problem
from carecoord.ui.letters.batch_run import BatchMode


@pytest.fixture(autouse=True)
def _private_qsettings(tmp_path: Path) -> None:
    """The remembered mode and folder go to this test's own folder."""
    for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def test_a_combined_batch_needs_a_file_in_an_existing_folder(tmp_path: Path) -> None:
    assert path_problem(tmp_path / "pile.pdf", BatchMode.COMBINED) is None
    assert path_problem(tmp_path, BatchMode.COMBINED) == (
        "That is a folder; give a file name ending in .pdf."
    )
    missing = tmp_path / "gone"
    assert path_problem(missing / "pile.pdf", BatchMode.COMBINED) == (
        f"The folder {missing} does not exist."
    )


def test_one_file_each_needs_an_existing_folder(tmp_path: Path) -> None:
    assert path_problem(tmp_path, BatchMode.PER_FILE) is None
    assert path_problem(tmp_path / "gone", BatchMode.PER_FILE) is not None


def test_the_checked_target_gains_pdf_and_the_mode_is_remembered(
    qtbot: QtBot, tmp_path: Path
) -> None:
    output = BatchOutput([3, 4])
    qtbot.addWidget(output)
    output.set_mode(BatchMode.COMBINED)
    output.path_edit.setText(str(tmp_path / "pile"))
    target = output.target()
    assert target == str(tmp_path / "pile.pdf") and output.path_error.isHidden()
    output.remember(target)
    output.set_mode(BatchMode.PER_FILE)
    output.path_edit.setText("")
    assert output.target() is None and output.path_error.text() == "Choose a folder."
    again = BatchOutput([3, 4])
    qtbot.addWidget(again)
    assert again.mode() == BatchMode.COMBINED  # the last batch's choice
    assert again.path_edit.text().startswith(str(tmp_path))
