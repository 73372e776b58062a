"""What every tab of a patient's chart shares: the patient, the service reads that show
their errors, and telling the chart after a change.

A tab that holds edits speaks the unsaved-work protocol of :mod:`carecoord.ui.unsaved`
(``has_unsaved_work`` / ``save_unsaved_work``) through :class:`EditorTab`; the plain
base does not claim it, so only tabs that edit are asked before the chart closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from carecoord.errors import CareCoordError
from carecoord.services.chart import Chart, load_chart
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import FieldErrors, service_call, service_result
from carecoord.ui.style import hint, page_title

T = TypeVar("T")


class ChartTab(QWidget):
    """One tab of a chart window: ``context``, ``patient_id`` and :meth:`refresh`.

    Every tab is made the same way (``context``, ``patient_id``, ``parent``); a tab
    builds itself in :meth:`setup`, which the constructor calls last.

    ``show_problem`` (the box of a refused read) is an attribute so tests can replace it;
    a refused save or change is shown by :mod:`carecoord.ui.forms`.
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
        self.self_refresh = True
        self.setObjectName(self.OBJECT_NAME)
        if self.ACCESSIBLE_NAME:
            self.setAccessibleName(self.ACCESSIBLE_NAME)
        self.setup()

    @property
    def chart_scope(self) -> ChartScope:
        """This tab's chart, for the dialogs it opens."""
        return ChartScope(self.context, self.patient_id)

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
        in a box (:func:`~carecoord.ui.forms.service_result`)."""
        title = self.PROBLEM_TITLE or "CareCoord"
        return service_result(self, errors, work, title, reload=self.reload)

    def apply(self, work: Callable[[], object], title: str = "") -> bool:
        """Run a change made without a form (a toggle, a removal); True when stored. A
        conflict offers to :meth:`reload`; anything else is shown in a box (``title``)."""
        title = title or self.PROBLEM_TITLE or "CareCoord"
        return service_call(self, None, work, title, reload=self.reload)

    def reload(self) -> None:
        """Read again, dropping edits (after a conflict); :meth:`refresh` unless a tab
        keeps edits through a refresh."""
        self.refresh()

    def saved(self) -> None:
        """After this tab stored a change: re-read (unless the chart feeds it), tell the
        rest of the application and the chart."""
        if self.self_refresh:
            self.refresh()
        self.tell_chart()

    def tell_chart(self) -> None:
        """Tell the rest of the application and the chart that this patient changed."""
        self.context.events.patient_changed.emit(self.patient_id)
        self.changed.emit()


class EditorTab(ChartTab):
    """A chart tab with a form the person edits and saves (headache profile, pain drawing).

    Edits are never thrown away by a change elsewhere on the chart: :meth:`refresh`
    re-reads only while nothing is unsaved. A subclass sets ``can_edit``, makes
    ``save_button`` and ``discard_button`` (only when it may edit), connects its fields'
    change signals to :meth:`edited`, fills its fields inside :meth:`filling_fields` and
    implements :meth:`reload` and :meth:`save`.
    """

    can_edit = False
    dirty = False
    filling = False  # the tab is filling its fields (their signals are no edits)
    save_button: QPushButton
    discard_button: QPushButton
    saved_label: QLabel

    def title_row(self, title: str, saved_name: str) -> QHBoxLayout:
        """The form's title and, at its right, :attr:`saved_label` (named ``saved_name``)
        where the tab says when the shown record was saved."""
        row = QHBoxLayout()
        row.addWidget(page_title(title))
        row.addStretch(1)
        self.saved_label = hint("")
        self.saved_label.setObjectName(saved_name)
        self.saved_label.setWordWrap(False)
        row.addWidget(self.saved_label)
        return row

    def refresh(self) -> None:
        """Read again unless the person is editing (a save then reports any conflict)."""
        if not self.dirty:
            self.reload()

    @contextmanager
    def filling_fields(self) -> Iterator[None]:
        """Fill the fields without their change signals counting as the person's edits."""
        self.filling = True
        try:
            yield
        finally:
            self.filling = False

    def edited(self, *_: object) -> None:
        """A field changed: unsaved work, unless the tab itself is filling the form."""
        if not self.filling:
            self.set_dirty(True)

    def set_dirty(self, dirty: bool) -> None:
        """Whether unsaved edits are held; Save and Discard are offered only then."""
        self.dirty = dirty
        if self.can_edit:
            self.save_button.setEnabled(dirty)
            self.discard_button.setEnabled(dirty)

    def has_unsaved_work(self) -> bool:
        """Edits not saved yet (the chart asks before it closes; ui/unsaved.py)."""
        return self.dirty and self.can_edit

    def save_unsaved_work(self) -> bool:
        return self.save()

    def save(self) -> bool:
        """Store the form; False when refused (the reason is shown)."""
        raise NotImplementedError


class ChartFedTab(ChartTab):
    """A tab showing the whole chart read (summary, care team): the chart window hands it
    the one read it made (:meth:`show_chart`); standing alone it reads the chart itself.
    """

    READ_TITLE = "Chart"  # the error box's title when the chart cannot be read
    chart: Chart | None = None

    def refresh(self) -> None:
        """Read the chart again and show it (the window usually hands it over instead)."""
        chart = self.read(
            lambda: load_chart(self.context.db, self.context.actor, self.patient_id),
            self.READ_TITLE,
        )
        if chart is not None:
            self.show_chart(chart)

    def show_chart(self, chart: Chart) -> None:
        """Show ``chart`` (each tab its part of it)."""
        raise NotImplementedError
