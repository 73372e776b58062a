"""Pick a billable ICD-10-CM code by code or words; the code set loads off the GUI thread."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError
from carecoord.services import codes
from carecoord.services.codes import CodeEntry
from carecoord.ui import forms, style
from carecoord.ui.errors import show_problem
from carecoord.ui.kit.dialog_buttons import ok_cancel_buttons
from carecoord.ui.screen_fit import fit_to_screen
from carecoord.ui.worker import run_in_thread

DEBOUNCE_MS = 150
RESULT_LIMIT = 100


class CodeSetLoader(QObject):
    """Builds the code index once per process on a worker thread.

    Signals:
        ready(): the index is built; searches are instant from now on.
        failed(object): building it raised this exception.
    """

    ready = Signal()
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.is_ready = False
        self.started = False
        self.error: BaseException | None = None

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        # Building the index allocates millions of objects, so Python's garbage collector
        # runs on the worker thread. Were it to free unreachable Qt wrappers there (widgets
        # from closed windows), Qt would delete widgets off the GUI thread and crash. Collect
        # on this thread first and freeze the survivors out of the collector's sight until
        # the index is built.
        gc.collect()
        gc.freeze()
        run_in_thread(self, codes.warm_up, self._done, self._failed)

    def _done(self, _result: object) -> None:
        gc.unfreeze()
        self.is_ready = True
        self.ready.emit()

    def _failed(self, error: BaseException) -> None:
        gc.unfreeze()
        self.error = error
        self.started = False  # a later picker may try again
        self.failed.emit(error)


_loader: CodeSetLoader | None = None


def code_set_loader() -> CodeSetLoader:
    """The application's one loader, owned by the application object (outlives dialogs)."""
    global _loader
    if _loader is None:
        _loader = CodeSetLoader(QCoreApplication.instance())
    return _loader


class IcdPicker(QDialog):
    """Search the ICD-10-CM code set and choose one billable code (and an optional onset).

    Attributes:
        chosen: the chosen entry once accepted.
        onset: the onset date entered (None when left unset).
        save: optional hook run on OK with (code, onset); a ValidationError it raises is shown
            here beside the field and keeps the dialog open.
    """

    def __init__(self, *, parent: QWidget | None = None, title: str = "Add diagnosis") -> None:
        super().__init__(parent)
        self.setObjectName("icdPicker")
        self.setWindowTitle(title)
        self.chosen: CodeEntry | None = None
        self.onset: date | None = None
        self.save: Callable[[str, date | None], None] | None = None
        self.errors = forms.FieldErrors()
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_search)
        self._build()
        self.loader = code_set_loader()
        if self.loader.is_ready:
            self.run_search()
        else:
            self.status.setText("Loading code set…")
            self.loader.ready.connect(self._code_set_ready)
            self.loader.failed.connect(self._code_set_failed)
            self.loader.start()
        fit_to_screen(self, 640, 520)

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("icdSearch")
        self.search.setAccessibleName("Search ICD-10-CM codes")
        self.search.setPlaceholderText("Code (M54.5) or words (low back pain, migraine intract)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.debounce.start)
        self.results = QListWidget()
        self.results.setObjectName("icdResults")
        self.results.setAccessibleName("Matching codes")
        self.results.setAlternatingRowColors(True)
        self.results.currentItemChanged.connect(self._update_ok)
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.status = style.hint("")
        self.status.setObjectName("icdStatus")
        self.onset_edit = forms.date_edit(None, optional=True)
        self.onset_edit.setObjectName("icdOnset")

        form = QFormLayout()
        self.errors.add_row(form, "Onset", "onset", self.onset_edit)
        self.code_error = QLabel()
        self.code_error.setObjectName("codeError")
        self.code_error.setStyleSheet(forms.error_style())
        self.code_error.setWordWrap(True)
        self.code_error.hide()
        self.errors.register("code", self.code_error, self.results)

        self.buttons = ok_cancel_buttons(
            self, self.accept, "icd", "Add diagnosis", "Add the chosen diagnosis"
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.code_error)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.search.setFocus()

    # ------------------------------------------------------------------ search
    def _code_set_ready(self) -> None:
        self.run_search()

    def _code_set_failed(self, error: BaseException) -> None:
        self.status.setText("The code set could not be loaded; close this window and try again.")
        if isinstance(error, CareCoordError):
            show_problem(self, error, "ICD-10-CM")
        else:
            raise error

    def run_search(self) -> None:
        """Show matching billable codes (the common pain-clinic codes when the box is empty)."""
        self.debounce.stop()
        if not self.loader.is_ready:
            return
        text = self.search.text()
        found = codes.search(text, limit=RESULT_LIMIT)
        self.results.clear()
        for entry in found:
            item = QListWidgetItem(f"{entry.code} — {entry.title}")
            item.setData(Qt.ItemDataRole.UserRole, entry.code)
            item.setToolTip(entry.title)
            self.results.addItem(item)
        if not text.strip():
            self.status.setText("Common pain-clinic codes. Type a code or words to search all.")
        elif not found:
            self.status.setText(f"No billable code matches “{text.strip()}”.")
        else:
            more = " (first 100; type more to narrow)" if len(found) == RESULT_LIMIT else ""
            self.status.setText(f"{len(found)} billable codes{more}")
        if found:
            self.results.setCurrentRow(0)
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.results.currentItem() is not None)

    def chosen_code(self) -> str | None:
        item = self.results.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def select_code(self, code: str) -> bool:
        """Make ``code`` the current result (tests and keyboard users)."""
        for row in range(self.results.count()):
            if self.results.item(row).data(Qt.ItemDataRole.UserRole) == code:
                self.results.setCurrentRow(row)
                return True
        return False

    # ------------------------------------------------------------------ accept
    def accept(self) -> None:
        code = self.chosen_code()
        if code is None:
            return
        self.errors.clear()
        onsets: list[date | None] = []

        def add() -> None:
            """Read the onset (an unreadable one is refused beside it), then save."""
            onset = forms.saved_date(self.onset_edit)
            if self.save is not None:
                self.save(code, onset)
            onsets.append(onset)

        if not forms.service_call(self, self.errors, add, "Diagnosis not added"):
            return
        self.chosen = codes.require_billable(code)
        self.onset = onsets[0]
        super().accept()
