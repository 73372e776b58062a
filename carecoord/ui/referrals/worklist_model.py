"""The worklist table model: keyset pages of one worklist view, fetched as scrolled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from carecoord.clinical.referral_rules import OPEN_STATES, authorization_expiring
from carecoord.clinical.vocabulary import AuthorizationOutcome, Priority
from carecoord.errors import CareCoordError
from carecoord.services.worklist import (
    WorklistCursor,
    WorklistFilter,
    WorklistRow,
    WorklistView,
    worklist_page,
)
from carecoord.ui.context import AppContext
from carecoord.ui.date_field import display_text
from carecoord.ui.kit.table import Column
from carecoord.ui.table_model import KeysetTableModel
from carecoord.ui.translation import QT_TRANSLATE_NOOP, translate
from carecoord.ui.vocabulary import label
from carecoord.ui.worker import in_read_scope

PAGE_SIZE = 100
COLUMNS = (  # English; headerData shows them in the reader's language
    QT_TRANSLATE_NOOP("WorklistModel", "Patient"),
    QT_TRANSLATE_NOOP("WorklistModel", "MRN"),
    QT_TRANSLATE_NOOP("WorklistModel", "Discipline"),
    QT_TRANSLATE_NOOP("WorklistModel", "Recipient"),
    QT_TRANSLATE_NOOP("WorklistModel", "Priority"),
    QT_TRANSLATE_NOOP("WorklistModel", "State"),
    QT_TRANSLATE_NOOP("WorklistModel", "Sent"),
    QT_TRANSLATE_NOOP("WorklistModel", "Due"),
    QT_TRANSLATE_NOOP("WorklistModel", "Appointment"),
    QT_TRANSLATE_NOOP("WorklistModel", "Days overdue"),
    QT_TRANSLATE_NOOP("WorklistModel", "Authorisation"),
)
OVERDUE_COLUMN = COLUMNS.index("Days overdue")
APPOINTMENT_COLUMN = COLUMNS.index("Appointment")
AUTH_COLUMN = COLUMNS.index("Authorisation")
URGENT = frozenset({Priority.URGENT, Priority.ASAP, Priority.STAT})
ReferralIdRole = Qt.ItemDataRole.UserRole + 1
"""Item data role holding the referral id (int) of a row."""
AnyIndex = QModelIndex | QPersistentModelIndex


def _iso(value: date | None) -> str:
    """A table date as the reader's locale writes it (four-digit year), or ISO when the
    clinic's date setting says so (Settings › Dates in letters: 1973-03-04)."""
    return display_text(value)


def authorisation_text(row: WorklistRow) -> str:
    """The authorisation cell: outcome, end date and visits left, with a warning mark."""
    if row.auth_outcome != AuthorizationOutcome.APPROVED:
        return label(row.auth_outcome)
    parts = [label(AuthorizationOutcome.APPROVED)]
    if row.auth_valid_to is not None:
        parts.append(translate("WorklistModel", "to {date}").format(date=_iso(row.auth_valid_to)))
    if row.auth_visits_left is not None:
        left = (
            translate("WorklistModel", "{count} visit left")
            if row.auth_visits_left == 1
            else translate("WorklistModel", "{count} visits left")
        )
        parts.append(left.format(count=row.auth_visits_left))
    text = " · ".join(parts)
    return f"⚠ {text}" if auth_warning(row) else text


def auth_warning(row: WorklistRow) -> bool:
    """Open, approved, and close to expiry (14 days) or down to its last visit."""
    if row.auth_outcome != AuthorizationOutcome.APPROVED or row.state not in OPEN_STATES:
        return False
    return authorization_expiring(
        row.auth_valid_to,
        max(row.auth_visits_left, 0) if row.auth_visits_left is not None else None,
        0,
        date.today(),
    )


def cell_text(row: WorklistRow, column: int) -> str:
    """What a cell shows (also what the printed list shows)."""
    if column == 0:
        # The mark leads the row so it is seen first, and not only as a colour.
        return f"⚠ {row.patient_name}" if row.overdue else row.patient_name
    if column == 1:
        return row.mrn
    if column == 2:
        return label(row.discipline)
    if column == 3:
        return row.recipient_name or translate("WorklistModel", "Not chosen")
    if column == 4:
        return label(row.priority)
    if column == 5:
        text = label(row.state)
        if row.no_show_count:
            missed = (
                translate("WorklistModel", " · {count} no-show")
                if row.no_show_count == 1
                else translate("WorklistModel", " · {count} no-shows")
            )
            text += missed.format(count=row.no_show_count)
        if row.hold_review_due:
            text += translate("WorklistModel", " · ⚠ review due")
        return text
    if column == 6:
        return _iso(row.sent_on)
    if column == 7:
        return _iso(row.due_on)
    if column == APPOINTMENT_COLUMN:
        text = _iso(row.appointment_date)
        if row.booked_late:
            text = translate("WorklistModel", "⚠ {date} (past target)").format(date=text)
        missing = translate("WorklistModel", "{date} (passed: record the visit)")
        return missing.format(date=text) if row.visit_outcome_missing else text
    if column == OVERDUE_COLUMN:
        return (
            translate("WorklistModel", "⚠ {days} d").format(days=row.days_overdue)
            if row.overdue
            else ""
        )
    if column == AUTH_COLUMN:
        return authorisation_text(row)
    return ""


class WorklistModel(KeysetTableModel):
    """One worklist view, fetched 100 rows at a time as the table scrolls.

    Pages are keyset pages (each starts after the previous page's last row), so the
    thousandth page costs what the first does; only the pages near what the view last
    showed stay in memory, and a released page is read again from its cursor.

    Overdue rows get a red tint *and* a "⚠ N d" marker, so the mark does not rely on
    colour; urgent, ASAP and STAT referrals are bold.

    Signals:
        failed(object): a service error while fetching a page (the page shows it).
        loaded(): the first page of a new query arrived.
    """

    failed = Signal(object)
    loaded = Signal()
    PAGE_SIZE = PAGE_SIZE  # the module constant, which callers and tests import

    def __init__(
        self,
        *,
        context: AppContext,
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
        keep_pages: int = KeysetTableModel.KEEP_PAGES,
    ) -> None:
        """``page_size`` rows per read; at most ``keep_pages`` pages held in memory."""
        super().__init__(WORKLIST_COLUMNS, parent)
        self.PAGE_SIZE = page_size
        self.KEEP_PAGES = keep_pages
        self.context = context
        self.view = WorklistView.OVERDUE
        self.filters: WorklistFilter | None = None

    # ---------------------------------------------------------------- queries
    def set_query(self, view: WorklistView, filters: WorklistFilter | None = None) -> None:
        """Show ``view`` with ``filters`` from its first page."""
        self.view = view
        self.filters = filters
        self.reload()

    def reload(self) -> None:
        """Read the first page again (after a change)."""
        self.restart()
        self.loaded.emit()

    def fetch_after(
        self, cursor: WorklistCursor | None
    ) -> tuple[list[WorklistRow], WorklistCursor | None] | None:
        try:
            with in_read_scope(self):  # audited once per showing of the page
                page = worklist_page(
                    self.context.db,
                    self.context.actor,
                    self.view,
                    filters=self.filters,
                    after=cursor,
                    limit=self.PAGE_SIZE,
                )
        except CareCoordError as error:
            self.failed.emit(error)
            return None
        return page.rows, page.next

    def row_of(self, referral_id: int) -> int:
        """The row showing ``referral_id`` (-1 when not among the pages held)."""
        return self.held_row(lambda row: row.id == referral_id)

    # ----------------------------------------------------------- Qt overrides
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDropEnabled
        )

    extra_roles = frozenset({int(ReferralIdRole), int(Qt.ItemDataRole.AccessibleTextRole)})

    def extra_data(self, row: WorklistRow, column: int, role: int) -> Any:
        if role == ReferralIdRole:
            return row.id
        if role == Qt.ItemDataRole.AccessibleTextRole and row.overdue and column == 0:
            return translate("WorklistModel", "{text}, overdue").format(text=cell_text(row, 0))
        return None


def _foreground(column: int) -> Callable[[WorklistRow], str | None]:
    def meaning(row: WorklistRow) -> str | None:
        if row.overdue and column in (0, OVERDUE_COLUMN):
            return "danger"
        return "warning" if column == AUTH_COLUMN and auth_warning(row) else None

    return meaning


def _tooltip(column: int) -> Callable[[WorklistRow], str | None]:
    def tip(row: WorklistRow) -> str | None:
        """The full text of narrow cells, plus why the row is marked."""
        lines = [cell_text(row, column)]
        if row.overdue:
            overdue = translate("WorklistModel", "Overdue by {days} days (due {date})")
            lines.append(overdue.format(days=row.days_overdue, date=_iso(row.due_on)))
        elif row.visit_outcome_missing:
            lines.append(
                translate(
                    "WorklistModel",
                    "The appointment date has passed: record whether it took place",
                )
            )
        return "\n".join(line for line in lines if line) or None

    return tip


def _column(number: int, header: str) -> Column:
    return Column(
        header,
        lambda row: cell_text(row, number),
        tooltip=_tooltip(number),
        foreground=_foreground(number),
        background=lambda row: "danger" if row.overdue else None,
        bold=lambda row: row.priority in URGENT,
        context="WorklistModel",
        header_tooltip=(
            QT_TRANSLATE_NOOP(
                "WorklistModel", "Days past the target (appointment or report due date)"
            )
            if number == OVERDUE_COLUMN
            else None
        ),
    )


WORKLIST_COLUMNS = tuple(_column(number, header) for number, header in enumerate(COLUMNS))
