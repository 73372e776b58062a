"""What every tab of a patient's chart shares: the patient, the service reads that show
their errors, and telling the chart after a change.

A tab that holds edits speaks the unsaved-work protocol of :mod:`carecoord.ui.unsaved`
itself (``has_unsaved_work`` / ``save_unsaved_work``); the base does not claim it, so
only tabs that edit are asked before the chart closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from carecoord.errors import CareCoordError, ConflictError, ValidationError
from carecoord.ui.context import AppContext
from carecoord.ui.errors import offer_reload, show_problem
from carecoord.ui.forms import FieldErrors

T = TypeVar("T")


class ChartTab(QWidget):
    """One tab of a chart window: ``context``, ``patient_id`` and :meth:`refresh`.

    Every tab is made the same way (``context``, ``patient_id``, ``parent``); a tab
    builds itself in :meth:`setup`, which the constructor calls last.

    ``show_problem`` and ``offer_reload`` are attributes so tests can replace them.
    ``self_refresh``: standing alone a tab re-reads after its own change; the chart
    window turns it off for tabs it feeds from its one chart read.

    Signals:
        changed(): this tab changed the patient's data (the chart reloads its header).
    """

    changed = Signal()
    PROBLEM_TITLE = ""  # the error box's title ("" : the application's name)
    OBJECT_NAME = ""  # the tab's object name (tests and style sheets find it by it)
    ACCESSIBLE_NAME = ""  # what a screen reader calls it ("": its tab's title)

    def __init__(
        self,
        *,
        context: AppContext,
        patient_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id = patient_id
        self.show_problem: Callable[..., Any] = show_problem
        self.offer_reload: Callable[..., Any] = offer_reload
        self.self_refresh = True
        self.setObjectName(self.OBJECT_NAME)
        if self.ACCESSIBLE_NAME:
            self.setAccessibleName(self.ACCESSIBLE_NAME)
        self.setup()

    def setup(self) -> None:
        """Build the tab (its state, widgets and first read): the constructor's last step."""

    def refresh(self) -> None:
        """Read the tab's data again (each tab says what)."""
        raise NotImplementedError

    def read(self, work: Callable[[], T], title: str = "") -> T | None:
        """``work()``'s result, or None after showing its domain error to the person."""
        try:
            return work()
        except CareCoordError as error:
            self.problem(error, title)
            return None

    def problem(self, error: CareCoordError, title: str = "") -> None:
        """Show ``error`` in a box titled ``title`` (or the tab's :attr:`PROBLEM_TITLE`)."""
        title = title or self.PROBLEM_TITLE
        if title:
            self.show_problem(self, error, title)
        else:
            self.show_problem(self, error)

    def store(self, work: Callable[[], T], errors: FieldErrors) -> T | None:
        """``work()``'s result (a save), or None after showing why not: a rule beside its
        field in ``errors``, a conflict with the offer to :meth:`reload`, anything else
        in a box."""
        try:
            return work()
        except ValidationError as error:
            if not errors.show(error):
                self.problem(error)
        except ConflictError as error:
            self.offer_reload(self, error, self.reload)
        except CareCoordError as error:
            self.problem(error)
        return None

    def reload(self) -> None:
        """Read again, dropping edits (after a conflict); :meth:`refresh` unless a tab
        keeps edits through a refresh."""
        self.refresh()

    def saved(self) -> None:
        """After this tab stored a change: re-read (unless the chart feeds it), tell the
        rest of the application and the chart."""
        if self.self_refresh:
            self.refresh()
        self.context.events.patient_changed.emit(self.patient_id)
        self.changed.emit()
