"""Where a batch of letters goes: one combined PDF file or a folder of one file each, with
the path checked (and the reason shown under it) before anything is generated."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.services import letters
from carecoord.ui.forms import error_style
from carecoord.ui.letters.batch_run import SETTINGS_FOLDER, SETTINGS_MODE, BatchMode
from carecoord.ui.letters.buttons import letter_button
from carecoord.ui.preferences import last_folder, remember_folder, store
from carecoord.ui.style import hint


def remembered_folder() -> str:
    """The folder used last time, or the home folder when it is gone."""
    return last_folder(SETTINGS_FOLDER, str(Path.home()))


def default_file() -> str:
    return str(Path(remembered_folder()) / f"referral-letters-{date.today().isoformat()}.pdf")


def path_problem(path: Path, mode: BatchMode) -> str | None:
    """Why letters cannot be written to ``path`` (a file when combined, else a folder)."""
    combined = mode == BatchMode.COMBINED
    folder = path.parent if combined else path
    if combined and path.is_dir():
        return "That is a folder; give a file name ending in .pdf."
    if not folder.is_dir():
        return f"The folder {folder} does not exist."
    if not os.access(folder, os.W_OK):
        return f"You may not write in {folder}."
    return None


class BatchOutput(QGroupBox):
    """The "Save as" box. ``choose_file`` and ``choose_folder`` (start path → chosen path or
    None) are attributes so tests answer them instead of the native dialogs."""

    def __init__(self, referral_ids: Sequence[int], parent: QWidget | None = None) -> None:
        super().__init__("Save as", parent)
        self.setObjectName("batchOutput")
        self.first_file = letters.letter_file_name(referral_ids[0]) if referral_ids else ""
        self.choose_file: Callable[[str], str | None] = self._choose_file
        self.choose_folder: Callable[[str], str | None] = self._choose_folder
        self.combined_radio = QRadioButton("One combined PDF — to print the whole pile in one go")
        self.combined_radio.setObjectName("modeCombined")
        self.combined_radio.setAccessibleName("One combined PDF")
        self.per_file_radio = QRadioButton(
            "One file per referral — to fax or e-mail each letter separately"
        )
        self.per_file_radio.setObjectName("modePerFile")
        self.per_file_radio.setAccessibleName("One file per referral")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.combined_radio)
        self.modes.addButton(self.per_file_radio)
        self.path_label = QLabel()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("batchPath")
        self.path_edit.setClearButtonEnabled(True)
        self.path_label.setBuddy(self.path_edit)
        browse = letter_button("Browse…", "batchBrowse", "Choose where to save", self.browse)
        self.path_error = QLabel()
        self.path_error.setObjectName("batchPathError")
        self.path_error.setStyleSheet(error_style())
        self.path_error.setWordWrap(True)
        self.path_error.hide()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_label)
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.names_hint = hint("")
        self.names_hint.setObjectName("batchNamesHint")
        box = QVBoxLayout(self)
        box.addWidget(self.combined_radio)
        box.addWidget(self.per_file_radio)
        box.addSpacing(6)
        box.addLayout(path_row)
        box.addWidget(self.path_error)
        box.addWidget(self.names_hint)
        stored = str(store().value(SETTINGS_MODE, BatchMode.COMBINED.value))
        self.set_mode(BatchMode.PER_FILE if stored == BatchMode.PER_FILE else BatchMode.COMBINED)
        self._mode_changed()
        self.modes.buttonToggled.connect(lambda *_: self._mode_changed())

    def mode(self) -> BatchMode:
        return BatchMode.PER_FILE if self.per_file_radio.isChecked() else BatchMode.COMBINED

    def set_mode(self, mode: BatchMode) -> None:
        (self.per_file_radio if mode == BatchMode.PER_FILE else self.combined_radio).setChecked(
            True
        )

    def _mode_changed(self) -> None:
        combined = self.mode() == BatchMode.COMBINED
        self.path_label.setText("File:" if combined else "Folder:")
        self.path_edit.setAccessibleName("PDF file to write" if combined else "Folder to write to")
        self.path_edit.setText(default_file() if combined else remembered_folder())
        self.names_hint.setText(
            "All letters in one PDF, in worklist order."
            if combined
            else f"Files are named by referral number ({self.first_file}, …); "
            "existing ones are replaced."
        )
        self.path_error.hide()

    def _choose_file(self, start: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the letters as", start, "PDF files (*.pdf)"
        )
        return path or None

    def _choose_folder(self, start: str) -> str | None:
        return QFileDialog.getExistingDirectory(self, "Save the letters in", start) or None

    def browse(self) -> None:
        current = self.path_edit.text().strip()
        if self.mode() == BatchMode.COMBINED:
            chosen = self.choose_file(current or default_file())
            if chosen and not chosen.lower().endswith(".pdf"):
                chosen += ".pdf"
        else:
            chosen = self.choose_folder(current or remembered_folder())
        if chosen:
            self.path_edit.setText(chosen)

    def target(self) -> str | None:
        """The checked output path, or None with the reason shown under the field."""
        text = self.path_edit.text().strip()
        combined = self.mode() == BatchMode.COMBINED
        problem: str | None
        if not text:
            problem = "Choose the file to write." if combined else "Choose a folder."
        else:
            path = Path(text).expanduser()
            if combined and not path.suffix:
                path = path.with_suffix(".pdf")
            problem = path_problem(path, self.mode())
            text = str(path)
        if problem:
            self.path_error.setText(problem)
            self.path_error.show()
            self.path_edit.setFocus()
            return None
        self.path_error.hide()
        return text

    def remember(self, target: str) -> None:
        """Keep the mode and the folder for next time."""
        store().setValue(SETTINGS_MODE, self.mode().value)
        remember_folder(SETTINGS_FOLDER, target)  # the file's folder, or the folder itself
