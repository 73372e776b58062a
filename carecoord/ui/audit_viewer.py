"""The administrator's audit trail viewer: filter, sort, scroll, export CSV, check the chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import (
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import audit_log
from carecoord.services.audit import VerifyResult
from carecoord.services.audit_log import KNOWN_ACTIONS, AuditFilter, AuditRow
from carecoord.services.checkpoints import verify_with_checkpoints
from carecoord.services.common import write_csv
from carecoord.services.permissions import Action, allowed
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import FieldErrors
from carecoord.ui.keyboard import DateTimeEdit, tab_leaves
from carecoord.ui.kit.page import Page
from carecoord.ui.kit.table import Column
from carecoord.ui.preferences import ask_save_file, remember_columns
from carecoord.ui.style import fg, hint, named, page_title
from carecoord.ui.table_model import PagedTableModel
from carecoord.ui.worker import run_in_thread, wait_for_all

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
HEADER_KEY = "auditViewer/header"
EXPORT_FOLDER_KEY = "auditViewer/exportFolder"
ANY_TIME = QDateTime(1900, 1, 1, 0, 0, 0)

# (header, service sort key)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("#", "id"),
    ("Time (local)", "at"),
    ("User", "username"),
    ("Action", "action"),
    ("Record", "entity"),
    ("Record id", "entity_id"),
    ("Patient", "patient"),
    ("Category", "data_category"),
    ("Detail", "detail"),
)
TIME_COLUMN = 1
ACTION_COLUMN = 3
CATEGORY_COLUMN = 7
ALARMING_ACTIONS = frozenset({"sign_in_failed", "lockout", "break_glass"})
NOTABLE_ACTIONS = frozenset({"permission_change", "export", "print", "delete", "restore"})


def action_label(action: str) -> str:
    """ "sign_in_failed" -> "Sign in failed"."""
    text = action.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def local_time(value: datetime) -> str:
    """A UTC timestamp in the workstation's time zone, as YYYY-MM-DD HH:MM:SS."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def cell_text(row: AuditRow, column: int) -> str:
    """What a cell shows."""
    if column == 0:
        return str(row.id)
    if column == TIME_COLUMN:
        return local_time(row.at)
    if column == 2:
        return row.username
    if column == ACTION_COLUMN:
        return action_label(row.action)
    if column == 4:
        return row.entity
    if column == 5:
        return "" if row.entity_id is None else str(row.entity_id)
    if column == 6:
        if row.patient_id is None:
            return ""
        return row.patient_mrn or f"id {row.patient_id}"
    if column == CATEGORY_COLUMN:
        return row.category_label
    if column == 8:
        return row.detail or ""
    return ""


class AuditModel(PagedTableModel):
    """The filtered trail, read PAGE_SIZE records at a time as the table scrolls; sorting
    by a header asks the service for a new order (SQL), it never sorts loaded rows.

    Signals:
        failed(object): a service error while counting or fetching (the page shows it).
        loaded(int): a new query started; the number of matching records.
    """

    failed = Signal(object)
    loaded = Signal(int)
    PAGE_SIZE = PAGE_SIZE  # the module constant, which callers and tests import

    def __init__(self, *, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(AUDIT_COLUMNS, parent)
        self.context = context
        self.filters = AuditFilter()  # the query shown, its order included
        self.total = 0

    # ------------------------------------------------------------------ queries
    def set_filters(self, filters: AuditFilter) -> bool:
        """Show the records matching ``filters`` from the first page (audited as a view).

        Returns:
            False when the service refused the filters (``failed`` was emitted).
        """
        try:
            query = audit_log.start_query(self.context.db, self.context.actor, filters)
        except CareCoordError as error:
            self.failed.emit(error)
            return False
        self.filters = query.filters
        self.total = query.total
        self._reload()
        self.loaded.emit(self.total)
        return True

    def _reload(self) -> None:
        self.restart()

    def fetch_page(self, offset: int) -> list[AuditRow] | None:
        try:
            return audit_log.page(
                self.context.db,
                self.context.actor,
                self.filters,
                limit=PAGE_SIZE,
                offset=offset,
            )
        except CareCoordError as error:
            self.failed.emit(error)
            return None

    # ------------------------------------------------------------- Qt overrides
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.filters = replace(self.filters, sort=COLUMNS[column][1], descending=descending)
        self._reload()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _action_meaning(row: AuditRow) -> str | None:
    if row.action in ALARMING_ACTIONS:
        return "danger"
    return "warning" if row.action in NOTABLE_ACTIONS else None


def _time_tip(row: AuditRow) -> str:
    return f"{row.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _patient_tip(row: AuditRow) -> str | None:
    return f"Patient id {row.patient_id}" if row.patient_id is not None else None


SPECIAL_TIPS = {  # column: (cell tooltip, header tooltip)
    TIME_COLUMN: (_time_tip, "Stored in UTC; shown in this computer's time zone"),
    6: (_patient_tip, "The patient's MRN"),
}
FOREGROUNDS: dict[int, Callable[[AuditRow], str | None]] = {
    0: lambda _row: "muted",
    ACTION_COLUMN: _action_meaning,
}


def _audit_column(number: int, header: str) -> Column:
    """Column ``number`` of the trail: its text, tooltips, colour and alignment."""
    tooltip, header_tip = SPECIAL_TIPS.get(number, (None, f"Sort by {header.lower()}"))
    return Column(
        header,
        lambda row: cell_text(row, number),
        tooltip=tooltip,
        foreground=FOREGROUNDS.get(number),
        align=Qt.AlignmentFlag.AlignRight if number in (0, 5) else None,
        header_tooltip=header_tip,
    )


AUDIT_COLUMNS = tuple(
    _audit_column(number, header) for number, (header, _key) in enumerate(COLUMNS)
)


def _date_time_edit(name: str, accessible: str) -> QDateTimeEdit:
    """A date-time picker whose lowest value reads "any time" (no limit)."""
    edit = DateTimeEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setMinimumDateTime(ANY_TIME)
    edit.setSpecialValueText("any time")
    edit.setDateTime(ANY_TIME)
    return edit


def _aware(edit: QDateTimeEdit) -> datetime | None:
    """The picked local time as an aware datetime, or None for "any time"."""
    picked = edit.dateTime()
    if picked == ANY_TIME:
        return None
    local = datetime.fromtimestamp(picked.toSecsSinceEpoch()).astimezone()
    return local.astimezone(UTC)


def _editable_combo(name: str, accessible: str, items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItem("All", "")
    for label, value in items:
        box.addItem(label, value)
    box.setMinimumContentsLength(14)
    return box


def _combo_value(box: QComboBox) -> str | None:
    """The chosen item's value, or the typed text; None for "All"."""
    text = box.currentText().strip()
    index = box.findText(text)
    if index >= 0:
        value = str(box.itemData(index) or "")
        return value or None
    return text or None


def choose_export_path(parent: QWidget | None, suggested: str) -> str | None:
    """Ask where to save the CSV, starting in the folder used last time."""
    return ask_save_file(
        parent,
        EXPORT_FOLDER_KEY,
        "Export audit trail",
        suggested,
        "CSV files (*.csv)",
        suffix=".csv",
    )


class AuditViewer(Page):
    """The audit trail for administrators (other roles see why the page is empty).

    The file prompt and the problem dialog (``choose_export_path``, ``show_problem``) are
    attributes so tests can answer them.

    Signals:
        exported(str): the CSV file written.
        verified(object): the VerifyResult of an integrity check.
    """

    object_name = "auditPage"
    accessible_name = "Audit trail"

    exported = Signal(str)
    verified = Signal(object)

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.choose_export_path: Callable[[str], str | None] = lambda name: choose_export_path(
            self, name
        )
        self.show_problem: Callable[[CareCoordError], None] = lambda error: show_problem(
            self, error, "Audit trail"
        )
        self.allowed = allowed(context.actor, Action.READ_AUDIT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title("Audit trail"))
        if not self.allowed:
            self.model: AuditModel | None = None
            notice = hint(
                "Only administrators can view the audit trail. Ask your clinic's administrator "
                "if you need to know who opened or changed a record."
            )
            notice.setObjectName("auditNotAllowed")
            layout.addWidget(notice)
            layout.addStretch(1)
            return
        layout.addWidget(
            hint(
                "Every sign-in, chart opened, change, print, export and emergency access, as "
                "recorded at the time. Records can never be edited; “Check integrity” proves "
                "that none was altered or removed."
            )
        )
        self.model = AuditModel(context=context, parent=self)
        self._build(layout)
        self.model.failed.connect(self._failed)
        self.model.loaded.connect(self._loaded)
        self.model.modelReset.connect(self._update_status)
        self.model.rowsInserted.connect(self._update_status)
        remember_columns(self.table, HEADER_KEY)
        self.apply_filters()

    # ------------------------------------------------------------------ building
    def _build(self, layout: QVBoxLayout) -> None:
        assert self.model is not None
        self.errors = FieldErrors()
        filters = QHBoxLayout()
        filters.setSpacing(24)
        when = QFormLayout()
        self.start_edit = _date_time_edit("auditFrom", "From (local time)")
        self.end_edit = _date_time_edit("auditTo", "Before (local time)")
        self.errors.add_row(when, "From:", "start", self.start_edit)
        self.errors.add_row(when, "Before:", "end", self.end_edit)
        who = QFormLayout()
        try:
            names = audit_log.usernames(self.context.db, self.context.actor)
        except CareCoordError:
            names = []
        self.user_box = _editable_combo("auditUser", "User", [(n, n) for n in names])
        self.patient_edit = QLineEdit()
        self.patient_edit.setObjectName("auditPatient")
        self.patient_edit.setPlaceholderText("MRN or patient id")
        self.patient_edit.setClearButtonEnabled(True)
        self.patient_edit.returnPressed.connect(self.apply_filters)
        self.errors.add_row(who, "User:", "username", self.user_box)
        self.errors.add_row(who, "Patient:", "patient", self.patient_edit)
        what = QFormLayout()
        self.action_box = _editable_combo(
            "auditAction", "Action", [(action_label(a), a) for a in KNOWN_ACTIONS]
        )
        self.errors.add_row(what, "Action:", "action", self.action_box)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.apply_button = QPushButton("Apply filters")
        self.apply_button.setObjectName("auditApply")
        self.apply_button.setAccessibleName("Apply the filters")
        self.apply_button.setProperty("role", "primary")
        self.apply_button.clicked.connect(self.apply_filters)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("auditClear")
        self.clear_button.setAccessibleName("Clear the filters")
        self.clear_button.clicked.connect(self.clear_filters)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.clear_button)
        what.addRow(buttons)
        for form in (when, who, what):
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            form.setVerticalSpacing(6)
            filters.addLayout(form)
        filters.addStretch(1)
        layout.addLayout(filters)

        bar = QHBoxLayout()
        self.status = named(QLabel(), "auditStatus", "Records shown")
        self.message = named(QLabel(), "auditMessage")
        self.message.setWordWrap(True)
        self.verify_button = QPushButton("Check integrity")
        self.verify_button.setObjectName("auditVerify")
        self.verify_button.setAccessibleName("Check the audit trail's hash chain")
        self.verify_button.setToolTip(
            "Recompute every record's hash and its link to the one before (as "
            "'carecoord audit verify' does)"
        )
        self.verify_button.clicked.connect(self.check_integrity)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("auditExport")
        self.export_button.setAccessibleName("Export the filtered audit trail to a CSV file")
        self.export_button.setToolTip("Save every record matching the filters as CSV (audited)")
        self.export_button.clicked.connect(self.export_csv)
        bar.addWidget(self.status)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.verify_button)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)

        self.table = QTableView()
        tab_leaves(self.table)  # Tab moves on; arrows move between cells
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName("Audit records")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(TIME_COLUMN, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((64, 150, 100, 130, 130, 80, 110, 130)):
            header.resizeSection(column, width)
        layout.addWidget(self.table, 1)

        export_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        export_shortcut.activated.connect(self.export_csv)
        refresh_shortcut = QShortcut(QKeySequence.StandardKey.Refresh, self)
        refresh_shortcut.activated.connect(self.apply_filters)

    # ------------------------------------------------------------------- actions
    def current_filters(self) -> AuditFilter:
        """The query the filter boxes describe, in the order the table is sorted by."""
        shown = self.model.filters if self.model is not None else AuditFilter()
        return AuditFilter(
            start=_aware(self.start_edit),
            end=_aware(self.end_edit),
            username=_combo_value(self.user_box),
            patient=self.patient_edit.text().strip() or None,
            action=_combo_value(self.action_box),
            sort=shown.sort,
            descending=shown.descending,
        )

    def apply_filters(self) -> None:
        """Run the query the filters describe (pinned to the trail as it is now)."""
        if self.model is None:
            return
        self.errors.clear()
        self.message.clear()
        self.model.set_filters(self.current_filters())

    def clear_filters(self) -> None:
        self.start_edit.setDateTime(ANY_TIME)
        self.end_edit.setDateTime(ANY_TIME)
        self.user_box.setCurrentIndex(0)
        self.action_box.setCurrentIndex(0)
        self.patient_edit.clear()
        self.apply_filters()

    def export_csv(self) -> None:
        """Save every record matching the current query as CSV, off the GUI thread."""
        if self.model is None or not self.export_button.isEnabled():
            return
        stamp = datetime.now().strftime("%Y-%m-%d")
        path = self.choose_export_path(f"audit-trail-{stamp}.csv")
        if not path:
            return
        db, actor = self.context.db, self.context.actor
        filters = self.model.filters  # what the screen shows, in its order

        def work() -> str:
            text = audit_log.export_csv(db, actor, filters)
            write_csv(path, text)
            return path

        self.export_button.setEnabled(False)
        self._say("Exporting…")
        # The worker module owns the threads; a closed viewer simply drops the callbacks.
        run_in_thread(self, work, self._exported, self._export_failed)

    def check_integrity(self) -> None:
        """Verify the whole hash chain off the GUI thread (seconds on a large trail)."""
        if self.model is None or not self.verify_button.isEnabled():
            return
        db = self.context.db
        self.verify_button.setEnabled(False)
        self._say("Checking every record…")
        run_in_thread(
            self, lambda: verify_with_checkpoints(db), self._verified, self._verify_failed
        )

    # ----------------------------------------------------------------- internals
    def _loaded(self, total: int) -> None:
        self._update_status()

    def _update_status(self) -> None:
        if self.model is None:
            return
        shown, total = self.model.rowCount(), self.model.total
        noun = "record" if total == 1 else "records"
        self.status.setText(
            f"{total:,} {noun}" if shown >= total else f"Showing {shown:,} of {total:,} {noun}"
        )

    def _say(self, text: str, *, colour: str | None = None) -> None:
        self.message.setStyleSheet(f"color: {colour}; font-weight: 600;" if colour else "")
        self.message.setText(text)

    def _failed(self, error: object) -> None:
        if isinstance(error, ValidationError) and self.errors.show(error):
            return
        if isinstance(error, CareCoordError):
            self._say(str(error), colour=fg("danger"))
            self.show_problem(error)
            return
        raise TypeError(f"unexpected failure: {error!r}")

    def _exported(self, path: object) -> None:
        self.export_button.setEnabled(True)
        self._say(f"Saved {Path(str(path)).name}.")
        self.exported.emit(str(path))

    def _export_failed(self, error: object) -> None:
        self.export_button.setEnabled(True)
        if isinstance(error, CareCoordError):
            self._say("Export failed.", colour=fg("danger"))
            self.show_problem(error)
            return
        self._say(f"Export failed: the file could not be written ({error}).", colour=fg("danger"))

    def _verified(self, result: object) -> None:
        self.verify_button.setEnabled(True)
        assert isinstance(result, VerifyResult)
        if result.ok:
            self._say(
                f"✓ Intact: the whole trail ({result.checked:,} records) matches its hash "
                f"chain (head {result.last_hash[:12]}…).",
                colour=fg("ok"),
            )
        else:
            self._say(f"⚠ Damaged: {result.problem}.", colour=fg("danger"))
        self.verified.emit(result)

    def _verify_failed(self, error: object) -> None:
        self.verify_button.setEnabled(True)
        self._say(f"The check could not run: {error}", colour=fg("danger"))

    def wait_for_threads(self) -> None:
        """Let a running export or check finish (tests, and the main window on quit)."""
        wait_for_all()
