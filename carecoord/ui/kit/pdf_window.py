"""The base of the windows around the shared PDF preview (a letter, a batch of letters, a
sent copy, the printed plan): a page wants a large window, so each opens maximised on a
small screen and, with a :attr:`PdfWindow.GEOMETRY_KEY`, where the person last left it."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QWidget

from carecoord.ui.context import AppContext
from carecoord.ui.keyboard import close_shortcut
from carecoord.ui.screen_fit import fit_to_screen, remember_geometry, restore_geometry


class PdfWindow(QDialog):
    """A resizable window named :attr:`NAME` (tests and style sheets find it by it) that
    Ctrl+W closes, as it closes a chart (unless :attr:`CLOSE_SHORTCUT` is off).

    A subclass builds its content, then calls :meth:`place`: the window opens at
    :attr:`SIZE` (or where it was closed, when :attr:`GEOMETRY_KEY` names where that is
    remembered).
    """

    NAME = ""
    GEOMETRY_KEY = ""  # where its size and place are remembered ("": not remembered)
    SIZE = (940, 860)  # width, height on a first opening
    CLOSE_SHORTCUT = True

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if self.CLOSE_SHORTCUT:
            close_shortcut(self)
        self.context = context
        self.setObjectName(self.NAME)
        self.setSizeGripEnabled(True)

    def place(self) -> None:
        """Size and place the built window: as last closed, else :attr:`SIZE` (maximised
        when the screen is smaller)."""
        width, height = self.SIZE
        if self.GEOMETRY_KEY:
            restore_geometry(self, self.GEOMETRY_KEY, width, height, maximise=True)
        else:
            fit_to_screen(self, width, height, maximise=True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.GEOMETRY_KEY:
            remember_geometry(self, self.GEOMETRY_KEY)
        super().closeEvent(event)
