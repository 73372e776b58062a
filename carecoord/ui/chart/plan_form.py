"""The frame every plan dialog shares: fields with their errors beside them, Save /
Cancel, a remembered size, and how a refused save is shown.

:class:`PlanPartDialog` adds what the goal and activity dialogs share: they edit one part
of a plan, new or existing, and save it through the same kind of service call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from carecoord.errors import CareCoordError
from carecoord.services.plans import ActivityView, GoalView, PlanView
from carecoord.ui.context import AppContext
from carecoord.ui.date_field import DateField
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import FieldErrors, date_edit, error_style, service_result
from carecoord.ui.screen_fit import remember_geometry, restore_geometry
from carecoord.ui.style import hint
from carecoord.ui.unsaved import FormDialog

SETTINGS_PREFIX = "chart/plan"


def dated(value: date | None, *, optional: bool = False) -> DateField:
    """A date field as wide as a date (the plan dialogs' forms grow their other fields)."""
    edit = date_edit(value, optional=optional)
    edit.setMaximumWidth(160)
    return edit


class PlanFormDialog(FormDialog):
    """Shared frame: fields with errors beside them, Save / Cancel, remembered geometry.

    ``key`` names the dialog's buttons and its remembered geometry; subclasses fill
    ``self.form`` through ``self.field_errors.add_row``, call :meth:`finish_layout` and
    implement :meth:`submit`.

    Signals:
        saved(object): the :class:`PlanView` after a successful save.
        reload_requested(): someone else saved first and the person chose to reload.
    """

    saved = Signal(object)
    reload_requested = Signal()
    key = "dialog"

    def __init__(self, *, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.show_problem: Callable[[QWidget | None, CareCoordError], None] = show_problem
        self.result_view: PlanView | None = None
        self.setObjectName(f"{self.key}Dialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.field_errors = FieldErrors()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setStyleSheet(error_style() + " font-size: 13px;")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        for button, name in (
            (QDialogButtonBox.StandardButton.Save, "Save"),
            (QDialogButtonBox.StandardButton.Cancel, "Cancel"),
        ):
            widget = self.buttons.button(button)
            widget.setObjectName(f"{name.lower()}_{self.key}")
            widget.setAccessibleName(name)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setProperty("role", "primary")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self, intro: str | None, width: int, height: int) -> None:
        """Heading, optional intro, the form, the message line and the buttons; the dialog
        opens where it was last closed (kept on this screen), else ``width`` × ``height``."""
        outer = QVBoxLayout(self)
        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        outer.addWidget(heading)
        if intro:
            outer.addWidget(hint(intro))
        outer.addLayout(self.form)
        outer.addStretch(1)
        outer.addWidget(self.message)
        outer.addWidget(self.buttons)
        restore_geometry(self, self._geometry_key(), width, height)

    def _geometry_key(self) -> str:
        return f"{SETTINGS_PREFIX}/{self.key}Geometry"

    def submit(self) -> PlanView:
        """Send the form to the service (raising its refusal)."""
        raise NotImplementedError

    def save(self) -> bool:
        """Send the form to the service; True when saved. A refusal shows beside its field
        (a rule naming none under the form), a conflict offers to reload (which closes the
        dialog), anything else in a box."""
        self.field_errors.clear()
        self.message.hide()
        view = service_result(
            self, self.field_errors, self.submit, reload=self._reload, message=self.message
        )
        if view is None:
            return False
        self.result_view = view
        self.saved.emit(view)
        self.accept()
        return True

    def _reload(self) -> None:
        self.reload_requested.emit()
        self.reject()

    def done(self, result: int) -> None:
        remember_geometry(self, self._geometry_key())
        super().done(result)


class PlanPartDialog(PlanFormDialog):
    """A goal or an activity of ``plan``; ``record`` is the one edited (None: a new one).

    The title reads "New goal" / "Edit activity" … from :attr:`key`.
    """

    def __init__(
        self,
        *,
        context: AppContext,
        plan: PlanView,
        record: GoalView | ActivityView | None,
        parent: QWidget | None = None,
    ) -> None:
        title = f"{'Edit' if record else 'New'} {self.key}"
        super().__init__(context=context, title=title, parent=parent)
        self.plan = plan

    def store(
        self, save: Callable[..., PlanView], data: Any, record: GoalView | ActivityView | None
    ) -> PlanView:
        """``save(db, actor, plan id, data)`` as the service's goal and activity saves
        take it: a new part without an id, an edited one with its id and version."""
        edited: dict[str, int] = {}
        if record is not None:
            edited = {f"{self.key}_id": record.id, "expected_version": record.version}
        return save(self.context.db, self.context.actor, self.plan.id, data, **edited)
