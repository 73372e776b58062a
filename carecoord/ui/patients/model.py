"""A lazy table model over the patient search: one indexed query per page of 50."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, Qt

from carecoord.clinical.vocabulary import PatientStatus
from carecoord.services import patients
from carecoord.services.patients import PatientSummary, SearchAudit, SearchCursor
from carecoord.ui.context import AppContext
from carecoord.ui.date_field import display_text
from carecoord.ui.kit.table import Column
from carecoord.ui.table_model import KeysetTableModel
from carecoord.ui.translation import QT_TRANSLATE_NOOP, translate
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


def _discharged(patient: PatientSummary) -> bool:
    return patient.status == PatientStatus.DISCHARGED


class PatientSearchModel(KeysetTableModel):
    """Rows of :func:`services.patients.search_page`, fetched a page at a time.

    The view asks for more (``canFetchMore``/``fetchMore``) as the person scrolls, so a
    clinic of 100,000 patients costs one small keyset query per screenful, never a full
    load, and only the pages near the visible rows stay in memory.
    """

    PAGE_SIZE = PAGE_SIZE  # the module constant, which callers and tests import

    def __init__(self, *, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(_columns(lambda: self.today), parent)
        self.muted = _discharged
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
        return self.held_row(lambda p: p.id == patient_id)

    extra_roles = frozenset({int(Qt.ItemDataRole.UserRole)})

    def extra_data(self, patient: PatientSummary, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.UserRole:
            return patient.id
        return None


def _columns(today: Callable[[], date]) -> tuple[Column, ...]:
    """The list's columns; ``today`` is the search's day (for the age)."""
    context = "PatientSearchModel"
    return (
        Column(
            COLUMNS[0],
            lambda p: p.display_name,
            tooltip=lambda p: translate("PatientSearchModel", "{name}, MRN {mrn}").format(
                name=p.display_name, mrn=p.mrn
            ),
            context=context,
        ),
        Column(COLUMNS[1], lambda p: p.mrn, tooltip=_no_tip, context=context),
        # The locale's date, or ISO by setting.
        Column(
            COLUMNS[2], lambda p: display_text(p.date_of_birth), tooltip=_no_tip, context=context
        ),
        Column(
            COLUMNS[3],
            lambda p: p.age(today()),
            align=Qt.AlignmentFlag.AlignRight,
            tooltip=_no_tip,
            context=context,
        ),
        Column(COLUMNS[4], lambda p: label(p.sex), tooltip=_no_tip, context=context),
        Column(COLUMNS[5], lambda p: p.phone or "", tooltip=_no_tip, context=context),
        Column(COLUMNS[6], lambda p: label(p.status), tooltip=_no_tip, context=context),
    )


def _no_tip(_patient: PatientSummary) -> None:
    return None
