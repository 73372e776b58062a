"""Reports to review: the coordinating physician reads each specialist's report and
acknowledges it, which closes the referral loop for them (docs/clinical-reference.md §2);
every other incoming document is read and reviewed with "clinically relevant" yes or no
and an optional note (docs/clinical-reference.md §12)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError
from carecoord.services import review
from carecoord.services.review import FollowUp, ReviewItemView
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import FieldErrors, service_call
from carecoord.ui.keyboard import tab_leaves
from carecoord.ui.kit.page import Page
from carecoord.ui.pdf_preview import PdfPreview
from carecoord.ui.style import hint, page_title

COLUMNS = ("Patient", "MRN", "What", "From", "Received", "Waiting")
MAX_COLUMN_WIDTH = 230
"""Long disciplines and titles are cut (the tooltip has them whole), so every column shows."""


SIDE_BY_SIDE_WIDTH = 1000  # below this the list and the report stack


class ReviewPage(Page):
    """The signed-in clinician's unread items, oldest first; open one, read it, then
    acknowledge a specialist's report or record a document's review.

    Signals:
        count_changed(int): how many items still wait (the sidebar shows it).
    """

    object_name = "reviewPage"
    accessible_name = "Reports to review"

    count_changed = Signal(int)

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.items: list[ReviewItemView] = []
        self.opened: set[int] = set()
        self._shown_once = False

        self.summary = QLabel()
        self.summary.setObjectName("reviewSummary")
        self.table = QTableWidget(0, len(COLUMNS))
        tab_leaves(self.table)  # Tab moves on; arrows move between cells
        self.table.setObjectName("reviewItems")
        self.table.setAccessibleName("Reports to review")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.empty = hint(
            "Nothing to review. Reports, imaging and lab results filed for you appear here."
        )
        self.empty.setObjectName("reviewEmpty")

        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("openReviewItem")
        self.open_button.setAccessibleName("Open the selected report or document")
        self.open_button.clicked.connect(self.open_selected)
        self.chart_button = QPushButton("Open chart")
        self.chart_button.setObjectName("openReviewChart")
        self.chart_button.setAccessibleName("Open the patient's chart")
        self.chart_button.clicked.connect(self.open_chart)

        self.viewer = QStackedWidget()
        self.viewer.setObjectName("reviewViewer")
        self.pdf = PdfPreview(title="Specialist's report")
        self.image = QLabel()
        self.image.setObjectName("reviewImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder = hint("Select a report or document and choose “Open” to read it.")
        for widget in (self.placeholder, self.pdf, self.image):
            self.viewer.addWidget(widget)

        self.note = QPlainTextEdit()
        self.note.setObjectName("acknowledgeNote")
        self.note.setPlaceholderText("Optional note for the chart")
        self.note.setMaximumHeight(70)
        self.relevant = QWidget()
        self.relevant.setObjectName("clinicallyRelevant")
        self.relevant.setAccessibleName("Clinically relevant")
        self.relevant_yes = QRadioButton("Yes")
        self.relevant_yes.setObjectName("relevantYes")
        self.relevant_no = QRadioButton("No")
        self.relevant_no.setObjectName("relevantNo")
        self.relevant_group = QButtonGroup(self)
        relevant_row = QHBoxLayout(self.relevant)
        relevant_row.setContentsMargins(0, 0, 0, 0)
        for button in (self.relevant_yes, self.relevant_no):
            self.relevant_group.addButton(button)
            relevant_row.addWidget(button)
        relevant_row.addStretch(1)
        self.follow_up = QComboBox()
        self.follow_up.setObjectName("acknowledgeFollowUp")
        self.follow_up.setAccessibleName("Follow-up")
        self.follow_up.addItem("No follow-up", None)
        for choice in FollowUp:
            self.follow_up.addItem(choice.label, choice.value)
        self.acknowledge_button = QPushButton("Acknowledge")
        self.acknowledge_button.setObjectName("acknowledgeReport")
        self.acknowledge_button.setAccessibleName("Acknowledge the report")
        self.acknowledge_button.setProperty("role", "primary")
        self.acknowledge_button.setToolTip("Read the report first; this closes the loop")
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        self.form = QFormLayout()
        self.errors = FieldErrors()
        self.errors.add_row(
            self.form, "Clinically relevant*:", "clinically_relevant", self.relevant
        )
        self.relevant_group.buttonToggled.connect(lambda *_: self.errors.clear())
        self.errors.add_row(self.form, "Note:", "note", self.note)
        self.errors.add_row(self.form, "Follow-up:", "follow_up", self.follow_up)
        self.note.setAccessibleName("Note (optional)")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.chart_button)
        buttons.addStretch(1)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        left_layout.addLayout(buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.viewer, 1)
        right_layout.addLayout(self.form)
        acknowledge_row = QHBoxLayout()
        acknowledge_row.addStretch(1)
        acknowledge_row.addWidget(self.acknowledge_button)
        right_layout.addLayout(acknowledge_row)
        splitter = self.splitter = QSplitter()
        splitter.setObjectName("reviewSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([620, 560])

        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Reports to review"))
        layout.addWidget(splitter, 1)
        context.events.referral_changed.connect(lambda _id: self.refresh())
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Side by side on a wide page; the list above the report on a narrow one (a
        960-px window), so the page never scrolls sideways."""
        super().resizeEvent(event)
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH
        wanted = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)

    def showEvent(self, event: QShowEvent) -> None:
        """Read the inbox again when the page comes back: documents may have been filed."""
        super().showEvent(event)
        if self._shown_once:
            self.refresh()
        self._shown_once = True

    # ------------------------------------------------------------------ public
    def refresh(self) -> None:
        """Read the inbox again."""
        try:
            self.items = review.reports_to_review(self.context.db, self.context.actor)
        except CareCoordError as error:
            self.summary.setText(str(error))
            self.items = []
        self._fill()
        self.count_changed.emit(len(self.items))

    def selected(self) -> ReviewItemView | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def open_selected(self) -> bool:
        """Show the selected report here; reading it enables "Acknowledge"."""
        item = self.selected()
        if item is None:
            return False
        try:
            _name, media_type, content = review.open_document(
                self.context.db, self.context.actor, item.id
            )
        except CareCoordError as error:
            show_problem(self, error, "Report not opened")
            return False
        if media_type == "application/pdf":
            # Printing and "Save as PDF" name what it is, not always "Specialist's report".
            self.pdf.title = item.title or item.kind.label
            self.pdf.view.setAccessibleName(self.pdf.title)
            self.pdf.set_pdf(content)
            self.viewer.setCurrentWidget(self.pdf)
        else:
            pixmap = QPixmap()
            pixmap.loadFromData(content)
            self.image.setPixmap(pixmap.scaledToWidth(600))
            self.viewer.setCurrentWidget(self.image)
        self.opened.add(item.id)
        self._selection_changed()
        return True

    def acknowledge_selected(self) -> bool:
        """Acknowledge the opened report (note, follow-up), or record the opened document's
        review (clinically relevant yes or no, note); a refused field is named beside it."""
        item = self.selected()
        if item is None or item.id not in self.opened:
            return False
        self.errors.clear()
        if not service_call(self, self.errors, lambda: self._record(item), "Not recorded"):
            return False
        self.note.clear()
        self.follow_up.setCurrentIndex(0)
        self._clear_relevant()
        self.viewer.setCurrentWidget(self.placeholder)
        self.context.events.patient_changed.emit(item.patient_id)
        self.refresh()
        return True

    def _record(self, item: ReviewItemView) -> None:
        """The service call: a document's review, or a report's acknowledgement."""
        if item.kind.is_document:
            relevant = (
                True
                if self.relevant_yes.isChecked()
                else False
                if self.relevant_no.isChecked()
                else None
            )
            review.record_review(
                self.context.db,
                self.context.actor,
                item.id,
                clinically_relevant=relevant,
                note=self.note.toPlainText(),
            )
        else:
            review.acknowledge(
                self.context.db,
                self.context.actor,
                item.id,
                note=self.note.toPlainText(),
                follow_up=self.follow_up.currentData(),
            )

    def open_chart(self) -> None:
        item = self.selected()
        if item is not None:
            self.context.navigator.chart_requested.emit(item.patient_id)

    # --------------------------------------------------------------- internals
    def _fill(self) -> None:
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            detail = item.discipline.label if item.discipline else item.title
            what = item.kind.label + (f" · {detail}" if detail else "")
            cells = (
                item.patient_name,
                item.mrn,
                what,
                item.from_name or "",
                item.received_on.isoformat(),
                f"{item.days_waiting} d",
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS)):
            if self.table.columnWidth(column) > MAX_COLUMN_WIDTH:
                self.table.setColumnWidth(column, MAX_COLUMN_WIDTH)
        count = len(self.items)
        self.summary.setText(
            f"{count} item{'s' if count != 1 else ''} waiting for you to read and "
            "acknowledge or review"
        )
        self.empty.setVisible(not self.items)
        if self.items and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self._selection_changed()

    def _selection_changed(self) -> None:
        item = self.selected()
        self.open_button.setEnabled(item is not None)
        self.chart_button.setEnabled(item is not None)
        ready = item is not None and item.id in self.opened
        document = item is not None and item.kind.is_document
        self.acknowledge_button.setEnabled(ready)
        self.note.setEnabled(ready)
        self.follow_up.setEnabled(ready)
        self.relevant.setEnabled(ready)
        # A document is reviewed (clinically relevant?); a report acknowledged (follow-up?).
        for field, shown in ((self.relevant, document), (self.follow_up, not document)):
            holder = field.parentWidget()
            assert holder is not None  # the form row's holder (FieldErrors.add_row)
            self.form.setRowVisible(holder, shown)
        self.acknowledge_button.setText("Record review" if document else "Acknowledge")
        self.acknowledge_button.setAccessibleName(
            "Record the document's review" if document else "Acknowledge the report"
        )
        self.acknowledge_button.setToolTip(
            "Read the document first; say whether it is clinically relevant"
            if document
            else "Read the report first; this closes the loop"
        )

    def _clear_relevant(self) -> None:
        self.relevant_group.setExclusive(False)
        self.relevant_yes.setChecked(False)
        self.relevant_no.setChecked(False)
        self.relevant_group.setExclusive(True)
