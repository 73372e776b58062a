"""Showing errors: validation beside the field, conflicts with a reload, bugs in a dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from carecoord.errors import CareCoordError, ConflictError, TemporaryFailure, ValidationError

log = logging.getLogger("carecoord.ui")


def show_problem(
    parent: QWidget | None,
    error: CareCoordError,
    title: str = "CareCoord",
    *,
    retry: Callable[[], object] | None = None,
) -> None:
    """A domain error the person can act on (not found, not allowed, illegal transition).

    A temporary failure (database busy, disk full) offers Retry when ``retry`` is given,
    which calls it.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(error), parent=parent)
    box.setObjectName("problemDialog")
    again = None
    if isinstance(error, TemporaryFailure) and retry is not None:
        again = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
        again.setObjectName("retryButton")
        box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if again is not None and retry is not None and box.clickedButton() is again:
        retry()


def offer_reload(parent: QWidget | None, error: ConflictError, reload: Callable[[], None]) -> bool:
    """Tell who saved first and offer to reload; True when the person chose to reload."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Changed by someone else", str(error), parent=parent
    )
    box.setObjectName("conflictDialog")
    box.setInformativeText(
        "Reload to see their changes; your edits on this form are kept in view until you reload."
    )
    reload_button = box.addButton("Reload", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is reload_button:
        reload()
        return True
    return False


def show_unexpected(parent: QWidget | None, error: BaseException, log_file: str | None) -> None:
    """A bug: say so plainly, point to the log file; the app keeps running."""
    where = f"\n\nDetails were written to {log_file}." if log_file else ""
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Something went wrong",
        "CareCoord hit an unexpected problem and did not finish that action. "
        f"Your saved data is safe.{where}",
        parent=parent,
    )
    box.setObjectName("unexpectedErrorDialog")
    box.setDetailedText("".join(traceback.format_exception(error)))
    box.exec()


class ExceptionHook:
    """Replaces ``sys.excepthook`` while the app runs: log the traceback, show a dialog.

    Qt calls Python slots from its event loop; an exception escaping a slot lands here
    instead of killing the process.
    """

    def __init__(self, log_file: str | None, parent: Callable[[], QWidget | None]) -> None:
        self.log_file = log_file
        self.parent = parent
        self.previous = sys.excepthook
        self.showing = False

    def __call__(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self.previous(kind, error, tb)
            return
        log.error("Unexpected error", exc_info=(kind, error, tb))
        if isinstance(error, ValidationError | CareCoordError) and not self.showing:
            self.showing = True
            try:
                show_problem(self.parent(), error)
            finally:
                self.showing = False
            return
        if self.showing:  # an error while showing an error: log only
            return
        self.showing = True
        try:
            show_unexpected(self.parent(), error, self.log_file)
        finally:
            self.showing = False

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        sys.excepthook = self.previous
