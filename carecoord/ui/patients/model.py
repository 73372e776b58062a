"""A lazy table model over the patient search: one indexed query per page of 50."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush

from carecoord.clinical.vocabulary import PatientStatus
from carecoord.services import patients
from carecoord.services.patients import PatientSummary, SearchAudit, SearchCursor
from carecoord.ui import style
from carecoord.ui.context import AppContext
from carecoord.ui.date_field import display_text
from carecoord.ui.table_model import KeysetTableModel
from carecoord.ui.translation import QT_TRANSLATE_NOOP
from carecoord.ui.vocabulary import label

PAGE_SIZE = 50
COLUMNS = (  # English; headerData shows them in the reader's language
    QT_TRANSLATE_NOOP("PatientSearchModel", "Name"),
    QT_TRANSLATE_NOOP("PatientSearchModel", "MRN"),
    QT_TRANSLATE_NOOP("PatientSearchModel", "Date of birth"),
    QT_TRANSLATE_NOOP("PatientSearchModel", "Age"),
    QT_TRANSLATE_NOOP("PatientSearchModel", "Sex"),
    QT_TRANSLATE_NOOP("PatientSearchModel", "Phone"),
    QT_TRANSLATE_NOOP("PatientSearchModel", "Status"),
)
AnyIndex = QModelIndex | QPersistentModelIndex


class PatientSearchModel(KeysetTableModel):
    """Rows of :func:`services.patients.search_page`, fetched a page at a time.

    The view asks for more (``canFetchMore``/``fetchMore``) as the person scrolls, so a
    clinic of 100,000 patients costs one small keyset query per screenful, never a full
    load, and only the pages near the visible rows stay in memory.
    """

    PAGE_SIZE = PAGE_SIZE  # the module constant, which callers and tests import

    def __init__(self, *, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.text = ""
        self.include_discharged = False
        self.today = date.today()
        self.search_audit = SearchAudit()  # one audit record per search session

    def flush_audit(self) -> None:
        """Write the search session's audit record (the page calls it when hidden)."""
        patients.flush_search_audit(self.context.db, self.context.actor, self.search_audit)

    # ----------------------------------------------------------------- queries
    def set_query(self, text: str, include_discharged: bool | None = None) -> None:
        """Start a new search: the first page replaces whatever was shown."""
        if include_discharged is not None:
            self.include_discharged = include_discharged
        self.text = text
        self.today = date.today()
        self.restart()

    def reload(self) -> None:
        """Run the current search again (after a patient changed)."""
        self.set_query(self.text)

    def fetch_after(
        self, cursor: SearchCursor | None
    ) -> tuple[list[PatientSummary], SearchCursor | None]:
        page = patients.search_page(
            self.context.db,
            self.context.actor,
            self.text,
            after=cursor,
            limit=PAGE_SIZE,
            include_discharged=self.include_discharged,
            audit_session=self.search_audit,
        )
        return page.rows, page.next

    def patient_at(self, row: int) -> PatientSummary | None:
        found: PatientSummary | None = self.row_at(row)
        return found

    def row_of(self, patient_id: int) -> int:
        """The row showing ``patient_id``, or -1."""
        for index in sorted(self.pages):
            for within, p in enumerate(self.pages[index]):
                if p.id == patient_id:
                    return index * PAGE_SIZE + within
        return -1

    # ------------------------------------------------------------- Qt overrides
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return QCoreApplication.translate("PatientSearchModel", COLUMNS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        patient = self.row_at(index.row()) if index.isValid() else None
        if patient is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(patient, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return self.tr("{name}, MRN {mrn}").format(name=patient.display_name, mrn=patient.mrn)
        if role == Qt.ItemDataRole.ForegroundRole and patient.status == PatientStatus.DISCHARGED:
            return QBrush(style.qcolor("muted"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return patient.id
        return None

    def _text(self, patient: PatientSummary, column: int) -> str:
        if column == 0:
            return patient.display_name
        if column == 1:
            return patient.mrn
        if column == 2:
            return display_text(patient.date_of_birth)  # the locale's, or ISO by setting
        if column == 3:
            return str(patient.age(self.today))
        if column == 4:
            return label(patient.sex)
        if column == 5:
            return patient.phone or ""
        if column == 6:
            return label(patient.status)
        return ""
