"""My patients: the patients on whose current care team the signed-in clinician is, with
each one's current plan and next review; Enter or a double-click opens the chart."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from carecoord.errors import CareCoordError
from carecoord.services.my_patients import MyPatientRow, MyPatients, my_patients
from carecoord.ui import style
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.kit.page import Page
from carecoord.ui.kit.table import Column, ColumnTableModel, list_table
from carecoord.ui.translation import QT_TRANSLATE_NOOP
from carecoord.ui.vocabulary import label
from carecoord.ui.worker import run_in_thread, wait_for_all

CONTEXT = "MyPatientsPage"
HEADERS = (
    QT_TRANSLATE_NOOP("MyPatientsPage", "Patient"),
    QT_TRANSLATE_NOOP("MyPatientsPage", "MRN"),
    QT_TRANSLATE_NOOP("MyPatientsPage", "Plan"),
    QT_TRANSLATE_NOOP("MyPatientsPage", "Plan status"),
    QT_TRANSLATE_NOOP("MyPatientsPage", "Next review"),
)
COLUMNS = (
    Column(HEADERS[0], lambda r: r.display_name, context=CONTEXT),
    Column(HEADERS[1], lambda r: r.mrn, context=CONTEXT),
    Column(HEADERS[2], lambda r: r.plan_title, context=CONTEXT),
    Column(
        HEADERS[3],
        lambda r: r.plan_status,
        display=lambda s: "" if s is None else label(s),
        context=CONTEXT,
    ),
    Column(
        HEADERS[4],
        lambda r: r.next_review,
        display=lambda d: "" if d is None else d.isoformat(),
        context=CONTEXT,
    ),
)


class MyPatientsPage(Page):
    """The list loads on a background thread; an account with no team member is told how
    to get linked instead of being shown an empty list."""

    object_name = "myPatientsPage"
    accessible_name = "My patients"

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.result: MyPatients | None = None
        self.model = ColumnTableModel(COLUMNS, parent=self)
        self.table = list_table(self.model, "myPatientsTable", self.tr("My patients"))
        self.table.activated.connect(self._activated)
        self.status = style.hint(self.tr("Loading…"))
        self.status.setObjectName("myPatientsStatus")
        self.unlinked = style.hint(
            self.tr(
                "Your account is not linked to a team member. "
                "Ask the administrator to link it in Users."
            )
        )
        self.unlinked.setObjectName("myPatientsUnlinked")
        self.open_button = QPushButton(self.tr("Open chart"))
        self.open_button.setObjectName("myPatientsOpenChart")
        self.open_button.setToolTip(
            self.tr("Open the selected patient's chart (Enter or double-click)")
        )
        self.open_button.clicked.connect(self.open_chart)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("myPatientsRefresh")
        self.refresh_button.clicked.connect(self.reload)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.refresh_button)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.unlinked)
        layout = QVBoxLayout(self)
        layout.addWidget(style.page_title(self.tr("My patients")))
        layout.addWidget(self.status)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        db, actor = self.context.db, self.context.actor
        run_in_thread(self, lambda: my_patients(db, actor), self._loaded, self._failed)

    def _loaded(self, result: object) -> None:
        assert isinstance(result, MyPatients)
        self.result = result
        self.model.set_rows(result.rows)
        self.stack.setCurrentWidget(self.table if result.linked else self.unlinked)
        self.open_button.setVisible(result.linked)
        if not result.linked:
            self.status.setText("")
        elif not result.rows:
            self.status.setText(self.tr("No patient has you on their current care team."))
        elif result.more:
            self.status.setText(
                self.tr("The first {count} patients by name.").format(count=len(result.rows))
            )
        else:
            self.status.setText(self.tr("{count} patients.").format(count=len(result.rows)))

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, CareCoordError):
            raise error
        self.status.setText("")
        show_problem(self, error)

    def _activated(self, index: QModelIndex) -> None:
        self._open(self.model.row_at(index.row()))

    def open_chart(self) -> None:
        """Open the selected patient's chart (nothing selected: nothing happens)."""
        selected = self.table.selectionModel().selectedRows()
        if selected:
            self._open(self.model.row_at(selected[0].row()))

    def _open(self, row: object) -> None:
        if isinstance(row, MyPatientRow):
            self.context.navigator.chart_requested.emit(row.patient_id)

    def wait_for_threads(self) -> None:
        """Let the loading finish (tests, and the main window on quit)."""
        wait_for_all()
