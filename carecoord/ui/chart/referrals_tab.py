"""The chart's Referrals tab: this patient's referrals, where each stands, and a new one."""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from carecoord.clinical.referral_rules import CLOSED_STATES
from carecoord.clinical.vocabulary import Priority
from carecoord.errors import CareCoordError
from carecoord.services import referrals
from carecoord.services.permissions import Action, allowed
from carecoord.services.referrals import LETTER, ReferralView
from carecoord.ui.kit.chart_tab import ChartTab
from carecoord.ui.kit.records import action_button
from carecoord.ui.kit.referral_actions import ReferralActions
from carecoord.ui.kit.table import read_only_rows
from carecoord.ui.openers import open_letter
from carecoord.ui.preferences import remember_columns
from carecoord.ui.style import bg, fg, hint, qcolor

COLUMNS = ("Discipline", "Recipient", "Priority", "State", "Sent", "Due", "Overdue")
SETTINGS_COLUMNS = "chart/referrals/columns"
DEFAULT_WIDTHS = (220, 220, 80, 130, 95, 95)
IdRole = Qt.ItemDataRole.UserRole + 1


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


class _Table(QTableWidget):
    """Enter opens the current row (double-click does too)."""

    open_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.open_requested.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class ReferralsTab(ChartTab):
    """A patient's referrals, newest first, with their state and whether they are overdue.

    Opening or creating a referral is asked of the main window through
    ``context.navigator``; the chart window calls :meth:`refresh` after a referral changed.

    Signals:
        changed(): emitted after this tab itself changed data, so the chart reloads its
            header; the tab only lists and opens referrals, so that happens in the editor,
            which announces its changes through ``context.events`` instead.
    """

    OBJECT_NAME = "referralsTab"

    def setup(self) -> None:
        self.referrals: list[ReferralView] = []

        self.summary = QLabel()
        self.summary.setObjectName("referralsSummary")
        self.new_button = action_button(
            "New referral…",
            "newReferral",
            self.new_referral,
            accessible="New referral for this patient",
            primary=True,
        )
        # Writing a referral is clinical work; no referral exists yet to ask the service about.
        if not allowed(self.context.actor.role, Action.EDIT_CLINICAL):
            self.new_button.hide()  # (shown while parentless it would flash up as a window)
        self.open_button = action_button(
            "Open",
            "openReferral",
            self.open_selected,
            accessible="Open the selected referral",
            tooltip="Open the referral (Enter or double-click)",
        )
        self.letter_button = action_button(
            "Letter…",
            "referralLetter",
            self.letter_for_selected,
            accessible="Letter for the selected referral",
            tooltip="Choose what goes in the letter, then preview, print or save",
        )
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.letter_button)
        top.addWidget(self.open_button)
        top.addWidget(self.new_button)

        self.table = read_only_rows(
            _Table(0, len(COLUMNS)), "patientReferrals", "This patient's referrals", word_wrap=False
        )
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.open_requested.connect(self._open_row)
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.empty = hint("No referrals yet. Use “New referral…” to write one.")
        self.empty.setObjectName("noReferrals")

        self.referral_actions = ReferralActions(context=self.context, parent=self)
        self.referral_actions.reload = self.refresh
        self.workflow_row = QHBoxLayout()
        self.workflow_row.setSpacing(6)
        workflow = QHBoxLayout()
        workflow.addLayout(self.workflow_row)
        workflow.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(workflow)
        layout.addWidget(self.empty)
        remember_columns(self.table, SETTINGS_COLUMNS, DEFAULT_WIDTHS)
        self.refresh()

    # ----------------------------------------------------------------- public
    def refresh(self) -> None:
        """Read the patient's referrals again."""
        try:
            views = referrals.list_for_patient(self.context.db, self.context.actor, self.patient_id)
        except CareCoordError as error:
            self.summary.setText(str(error))
            return
        self.referrals = views
        self._fill()

    def new_referral(self) -> None:
        self.context.navigator.new_referral_requested.emit(self.patient_id, "")

    def open_selected(self) -> None:
        self._open_row(self.table.currentRow())

    def letter_for_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.referrals):
            open_letter(context=self.context, referral_id=self.referrals[row].id, parent=self)

    # --------------------------------------------------------------- internals
    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.referrals):
            self.context.navigator.referral_requested.emit(self.referrals[row].id)

    def _fill(self) -> None:
        selected = self.table.currentRow()
        selected_id = self.referrals[selected].id if 0 <= selected < len(self.referrals) else None
        bold = QFont()
        bold.setBold(True)
        tint = QBrush(QColor(bg("danger")))
        red = QBrush(qcolor("danger"))
        self.table.setRowCount(len(self.referrals))
        for row, view in enumerate(self.referrals):
            days = (date.today() - view.due_on).days if view.overdue and view.due_on else 0
            cells = (
                view.discipline.label,
                view.recipient_name or "Not chosen",
                view.priority.label,
                view.state.label,
                _iso(view.sent_on),
                _iso(view.due_on),
                (f"⚠ {days} d" if days else "⚠ Overdue") if view.overdue else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(IdRole, view.id)
                if view.priority != Priority.ROUTINE:
                    item.setFont(bold)
                if view.overdue:
                    item.setBackground(tint)
                    item.setForeground(red)
                    item.setToolTip(f"Overdue since {_iso(view.due_on)}")
                elif view.state in CLOSED_STATES:
                    item.setForeground(QBrush(qcolor("muted")))
                self.table.setItem(row, column, item)
        open_count = sum(1 for v in self.referrals if v.state not in CLOSED_STATES)
        overdue = sum(1 for v in self.referrals if v.overdue)
        parts = [f"{len(self.referrals)} referral{'s' if len(self.referrals) != 1 else ''}"]
        parts.append(f"{open_count} open")
        if overdue:
            parts.append(
                f"<span style='color:{fg('danger')}; font-weight:600'>⚠ {overdue} overdue</span>"
            )
        self.summary.setText(" · ".join(parts))
        self.empty.setVisible(not self.referrals)
        if selected_id is not None:
            for row, view in enumerate(self.referrals):
                if view.id == selected_id:
                    self.table.selectRow(row)
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.table.currentRow()
        chosen = self.referrals[row] if 0 <= row < len(self.referrals) else None
        self.open_button.setEnabled(chosen is not None)
        self.letter_button.setEnabled(chosen is not None and chosen.may(LETTER))
        # The selected referral's workflow steps, exactly as the service allows them.
        while self.workflow_row.count():
            item = self.workflow_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if chosen is not None:
            buttons = self.referral_actions.buttons_for(chosen, partial(self._run, chosen))
            for button in buttons.values():
                self.workflow_row.addWidget(button)

    def _run(self, view: ReferralView, key: str) -> None:
        if self.referral_actions.run(view, key) is not None:
            self.refresh()
