"""The Patients page: search-as-you-type over every patient, register, edit, discharge."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
)
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import PatientStatus
from carecoord.errors import CareCoordError
from carecoord.letters.list_pdf import ListContent
from carecoord.services import patients
from carecoord.services.patients import PatientSummary
from carecoord.services.permissions import Action, allowed
from carecoord.ui import forms, style
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.errors import show_problem
from carecoord.ui.keyboard import tab_order
from carecoord.ui.kit.page import Page
from carecoord.ui.patients.form import DischargeDialog, PatientForm
from carecoord.ui.patients.model import COLUMNS, PatientSearchModel
from carecoord.ui.preferences import remember_columns
from carecoord.ui.print_limit import PRINT_LIMIT, limit_note

DEBOUNCE_MS = 150
DialogT = TypeVar("DialogT", bound=QDialog)
SETTINGS_COLUMNS = "patients/columns"
DEFAULT_WIDTHS = (240, 110, 110, 50, 80, 130, 90)


def ask_readmit(parent: QWidget, patient: PatientSummary) -> bool:
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("PatientsPage", "Readmit patient"),
        QCoreApplication.translate(
            "PatientsPage", "Return {name} (MRN {mrn}) to active care?"
        ).format(name=patient.display_name, mrn=patient.mrn),
    )
    return answer == QMessageBox.StandardButton.Yes


class PatientsPage(Page):
    """Find a patient by name, MRN or date of birth and act on the selected one.

    Typing is debounced (150 ms) and each search is one indexed query for the first 50
    rows; more rows are fetched as the list scrolls.
    """

    object_name = "patientsPage"
    accessible_name = "Patients"

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.confirm_readmit: Callable[[QWidget, PatientSummary], bool] = ask_readmit
        self.can_edit = allowed(context.actor.role, Action.EDIT_DEMOGRAPHICS)
        self.print_limit = PRINT_LIMIT  # rows of File › Print list (a test lowers it)
        self.model = PatientSearchModel(context=context, parent=self)
        self.debounce = QTimer(self)
        self.debounce.setObjectName("searchDebounce")
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_search)
        self._build()
        self.model.modelReset.connect(self._update_hint)
        self.model.rowsInserted.connect(self._update_hint)
        context.events.patient_changed.connect(self._patient_changed)
        self.run_search()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setAccessibleName(self.tr("Search patients"))
        self.search.setPlaceholderText(
            self.tr(
                "Search by name (“smith jo” or “smith, jo”), MRN, "
                "or date of birth (YYYY-MM-DD or MM/DD/YYYY)"
            )
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self._search_return)
        self.search.installEventFilter(self)

        self.show_discharged = QCheckBox(self.tr("Show discharged"))
        self.show_discharged.setObjectName("showDischarged")
        self.show_discharged.setAccessibleName(self.tr("Show discharged patients"))
        self.show_discharged.toggled.connect(self.run_search)

        self.table = QTableView()
        self.table.setObjectName("patientTable")
        self.table.setAccessibleName(self.tr("Patients"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        remember_columns(self.table, SETTINGS_COLUMNS, DEFAULT_WIDTHS)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

        self.result_hint = style.hint("")
        self.result_hint.setObjectName("resultHint")

        self.new_button = self._button(
            self.tr("New patient…"), "newPatientButton", self.new_patient
        )
        new_keys = QKeySequence(QKeySequence.StandardKey.New).toString(
            QKeySequence.SequenceFormat.NativeText
        )
        self.new_button.setToolTip(self.tr("Register a new patient ({keys})").format(keys=new_keys))
        self.new_button.setProperty("role", "primary")
        self.open_button = self._button(self.tr("Open chart"), "openChartButton", self.open_chart)
        self.open_button.setToolTip(
            self.tr("Open the selected patient's chart (Enter or double-click)")
        )
        self.edit_button = self._button(self.tr("Edit…"), "editPatientButton", self.edit_patient)
        self.discharge_button = self._button(
            self.tr("Discharge…"), "dischargeButton", self.discharge_or_readmit
        )
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_discharged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.result_hint, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.discharge_button)
        buttons.addWidget(self.new_button)

        layout = QVBoxLayout(self)
        layout.addWidget(style.page_title(self.tr("Patients")))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        # Only once they have a parent: a parentless button shown flashes up as a window of
        # its own and takes the keyboard focus (the first letter typed after Ctrl+F was lost).
        for button in (self.new_button, self.edit_button, self.discharge_button):
            button.setVisible(self.can_edit)
        tab_order(
            self,
            self.search,
            self.show_discharged,
            self.table,
            self.open_button,
            self.edit_button,
            self.discharge_button,
            self.new_button,
        )
        self._update_buttons()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(lambda: slot())
        return button

    # -------------------------------------------------------------- public API
    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected (Find / Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Run the current search again, keeping the selected patient selected."""
        selected = self.selected_patient()
        self.run_search()
        if selected is not None:
            self.select_patient(selected.id)

    def print_content(self) -> ListContent:
        """Every patient the search finds (not only the rows scrolled to) up to the print
        limit, for File › Print list, with the search and the discharged choice as its
        filters."""
        while self.model.canFetchMore() and self.model.rowCount() < self.print_limit:
            self.model.fetchMore()
        shown = min(self.model.rowCount(), self.print_limit)
        filters: list[str] = []
        if self.search.text().strip():
            filters.append(self.tr("Search: {text}").format(text=self.search.text().strip()))
        filters.append(
            self.tr("Discharged patients shown")
            if self.show_discharged.isChecked()
            else self.tr("Active patients only")
        )
        if self.model.rowCount() > shown or self.model.canFetchMore():
            filters.append(limit_note(shown))
        return ListContent(
            view=self.tr("Patients"),
            filters=tuple(filters),
            columns=tuple(
                str(self.model.headerData(c, Qt.Orientation.Horizontal))
                for c in range(len(COLUMNS))
            ),
            rows=tuple(
                tuple(
                    str(self.model.data(self.model.index(r, c)) or "") for c in range(len(COLUMNS))
                )
                for r in range(shown)
            ),
            keep_whole=frozenset({1, 2}),
        )

    def selected_patient(self) -> PatientSummary | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().hasSelection():
            return None
        return self.model.patient_at(index.row())

    def select_patient(self, patient_id: int) -> bool:
        row = self.model.row_of(patient_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # ------------------------------------------------------------------ search
    def _typed(self) -> None:
        self.debounce.start()

    def run_search(self) -> None:
        """Search now (the debounce timer calls this after typing pauses)."""
        self.debounce.stop()
        try:
            self.model.set_query(self.search.text(), self.show_discharged.isChecked())
        except CareCoordError as error:
            show_problem(self, error, self.tr("Search"))

    def _search_return(self) -> None:
        """Enter in the search box: search now; open the chart when one patient matches."""
        if self.debounce.isActive():
            self.run_search()
        if self.model.rowCount() == 1 and not self.model.canFetchMore():
            self._open(self.model.rows[0].id)
        elif self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down arrow in the search box moves into the results."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.selectionModel().hasSelection():
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def _update_hint(self) -> None:
        shown = self.model.rowCount()
        text = self.search.text().strip()
        query = patients.parse_search(text)
        born = query.date_of_birth.isoformat() if query.date_of_birth else ""
        how = {
            "date": self.tr("born {date}").format(date=born),
            "mrn": self.tr("with an MRN starting {prefix}").format(prefix=query.mrn_prefix),
            "name": self.tr("named “{text}”").format(text=text),
            "all": "",
        }[query.kind]
        active = not self.show_discharged.isChecked()
        if shown == 0:
            if text:
                advice = self.tr("Check the spelling, or try the MRN or the date of birth")
            elif active:
                advice = self.tr("Use “New patient…” to register one")
            else:
                advice = self.tr(
                    "No patients are registered yet: use “New patient…” to add the first"
                )
            if active:
                advice += self.tr(", or tick “Show discharged”")
            none = self.tr("No active patient {how}. {advice}.") if active else None
            none = none or self.tr("No patient {how}. {advice}.")
            self.result_hint.setText(none.format(how=how, advice=advice).replace("  ", " "))
            return
        more = "+" if self.model.canFetchMore() else ""
        one = shown == 1 and not more
        if active:
            found = self.tr("{count} active patient {how}") if one else None
            found = found or self.tr("{count} active patients {how}")
        else:
            found = self.tr("{count} patient {how}") if one else self.tr("{count} patients {how}")
        line = " ".join(found.format(count=f"{shown}{more}", how=how).split())
        self.result_hint.setText(line + (self.tr(" (scroll for more)") if more else ""))

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the list (another page, the window closing) ends the search session:
        its searches are written as one audit record."""
        self._flush_search_audit()
        super().hideEvent(event)

    def _flush_search_audit(self) -> None:
        try:
            self.model.flush_audit()
        except CareCoordError as error:
            show_problem(self, error, self.tr("Search"))

    # ----------------------------------------------------------------- actions
    def _activated(self, index: QModelIndex) -> None:
        patient = self.model.patient_at(index.row())
        if patient is not None:
            self._open(patient.id)

    def open_chart(self) -> None:
        patient = self.selected_patient()
        if patient is not None:
            self._open(patient.id)

    def _open(self, patient_id: int) -> None:
        self._flush_search_audit()  # the search that found this chart is on record first
        self.context.navigator.chart_requested.emit(patient_id)

    def new_patient(self) -> PatientForm:
        form = PatientForm(context=self.context, parent=self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(lambda: self._after_new(form.saved_patient_id))
        form.open()
        return form

    def _after_new(self, patient_id: int | None) -> None:
        if patient_id is not None:
            self.select_patient(patient_id)

    def edit_patient(self) -> PatientForm | None:
        patient = self.selected_patient()
        if patient is None:
            return None
        return self._open_dialog(
            lambda: PatientForm(context=self.context, patient_id=patient.id, parent=self),
            self.tr("Edit patient"),
        )

    def discharge_or_readmit(self) -> DischargeDialog | None:
        patient = self.selected_patient()
        if patient is None:
            return None
        if patient.status == PatientStatus.DISCHARGED:
            self.readmit(patient)
            return None
        return self._open_dialog(
            lambda: DischargeDialog(chart=ChartScope(self.context, patient.id), parent=self),
            self.tr("Discharge"),
        )

    def _open_dialog(self, build: Callable[[], DialogT], title: str) -> DialogT | None:
        """Open the dialog ``build`` makes (it reads the patient first: a refusal is shown
        in a box titled ``title`` instead), window-modal, deleted when it closes."""
        try:
            dialog = build()
        except CareCoordError as error:
            show_problem(self, error, title)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def readmit(self, patient: PatientSummary) -> None:
        if not self.confirm_readmit(self, patient):
            return
        db, actor = self.context.db, self.context.actor

        def work() -> None:
            detail = patients.get_patient(db, actor, patient.id)
            patients.readmit_patient(db, actor, patient.id, expected_version=detail.version)

        if forms.service_call(self, None, work, self.tr("Readmit"), reload=self.refresh):
            self.context.events.patient_changed.emit(patient.id)

    def _update_buttons(self) -> None:
        patient = self.selected_patient()
        for button in (self.open_button, self.edit_button, self.discharge_button):
            button.setEnabled(patient is not None)
        if patient is not None and patient.status == PatientStatus.DISCHARGED:
            self.discharge_button.setText(self.tr("Readmit…"))
            self.discharge_button.setAccessibleName(self.tr("Readmit"))
        else:
            self.discharge_button.setText(self.tr("Discharge…"))
            self.discharge_button.setAccessibleName(self.tr("Discharge"))

    def _patient_changed(self, _patient_id: int) -> None:
        self.refresh()
