"""The base of the dialogs that collect one form for a service call (accounts, passwords,
emergency access, notes, team members): who is working, where refusals show, how a save
ends."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QWidget

from carecoord.ui.context import AppContext
from carecoord.ui.forms import FieldErrors, service_call
from carecoord.ui.screen_fit import remember_geometry, restore_geometry


class ServiceFormDialog(QDialog):
    """A dialog whose fields' refusals show in :attr:`errors`; :meth:`save_and_accept`
    ends a save. It is named :attr:`NAME` (tests and style sheets find it by it) and titled
    :attr:`TITLE`, or the ``title`` given when it says what is edited. With a
    :attr:`GEOMETRY_KEY` it remembers where it was closed (:meth:`restore_geometry`)."""

    NAME = ""
    TITLE = ""
    GEOMETRY_KEY = ""  # where its size and place are remembered ("": not remembered)

    def __init__(
        self, *, context: AppContext, parent: QWidget | None = None, title: str = ""
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.errors = FieldErrors()
        self.setObjectName(self.NAME)
        self.setWindowTitle(title or self.TITLE)

    def restore_geometry(self, width: int, height: int) -> None:
        """Reopen where it was last closed (on this screen), else ``width`` × ``height``."""
        restore_geometry(self, self.GEOMETRY_KEY, width, height)

    def done(self, result: int) -> None:
        self._remember_geometry()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_geometry()
        super().closeEvent(event)

    def _remember_geometry(self) -> None:
        if self.GEOMETRY_KEY:
            remember_geometry(self, self.GEOMETRY_KEY)

    def save_and_accept(
        self,
        work: Callable[[], object],
        problem_title: str = "CareCoord",
        *,
        reload: Callable[[], None] | None = None,
    ) -> bool:
        """Clear the last refusal, run the service call ``work``
        (:func:`~carecoord.ui.forms.service_call`) and accept the dialog when it was
        stored; True then."""
        self.errors.clear()
        stored = service_call(self, self.errors, work, problem_title, reload=reload)
        if stored:
            self.accept()
        return stored
