"""The dashboard page: how the clinic's referrals stand today, and what needs chasing."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import ReferralState
from carecoord.errors import CareCoordError, PermissionDenied
from carecoord.services.dashboard import (
    CALENDAR,
    ROLLING,
    Dashboard,
    LoopClosure,
    OpenLoop,
    PendingDecision,
    TeamGap,
    dashboard,
    intake_figures,
)
from carecoord.services.permissions import Action, allowed
from carecoord.services.worklist import count_text
from carecoord.ui.context import AppContext
from carecoord.ui.dashboard_lists import (
    STATE_TILES,
    closure_text,
    decision_columns,
    expiring_columns,
    gap_columns,
    loop_columns,
    number,
    overdue_columns,
)
from carecoord.ui.dashboard_tiles import Tile, tile_flow
from carecoord.ui.flow_layout import FlowLayout
from carecoord.ui.kit.page import Page
from carecoord.ui.kit.table import Column, ColumnTableModel, list_table
from carecoord.ui.preferences import store
from carecoord.ui.style import bg, fg, hint, page_title
from carecoord.ui.worker import in_read_scope, run_in_thread, wait_for_thread

Index = QModelIndex | QPersistentModelIndex
REFRESH_DELAY_MS = 400

MEASURE_EXPLANATION = (
    "CMS50 “Closing the Referral Loop”: the share of referred patients whose specialist's "
    "report arrived after the referral was sent. Each patient counts once, by their first "
    "referral in the period; a referral closed without a report stays open. The measure's "
    "own period is the calendar year, counting referrals from January 1 to October 31; the "
    "rolling view covers the last 12 months, counting referrals from their first ten."
)
PERIOD_CHOICES = (
    ("Rolling 12 months", ROLLING),
    ("CMS50 period (calendar year)", CALENDAR),
)


class DashboardPage(Page):
    """Tiles and short lists for the coordinator and the front desk, loaded off the GUI thread.

    Signals:
        loaded(object): a fresh :class:`Dashboard` is on screen.
        failed(str): loading failed; the message is shown on the page.
    """

    object_name = "dashboardPage"
    accessible_name = "Dashboard"

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.board: Dashboard | None = None
        self._loading = False
        self._again = False
        self._stale = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(REFRESH_DELAY_MS)
        self._debounce.timeout.connect(self._refresh_if_visible)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)
        header = QHBoxLayout()
        header.addWidget(page_title("Dashboard"))
        self.as_of = QLabel("")
        self.as_of.setObjectName("dashboardAsOf")
        self.as_of.setProperty("role", "hint")
        header.addWidget(self.as_of)
        header.addStretch(1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("dashboardRefresh")
        self.refresh_button.setAccessibleName("Refresh the dashboard")
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.setToolTip("Refresh (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        header.addWidget(self.refresh_button)
        outer.addLayout(header)

        self.message = QLabel("")
        self.message.setObjectName("dashboardMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)
        self.medication_review = QLabel("")
        self.medication_review.setObjectName("medicationReview")
        self.medication_review.setWordWrap(True)
        self.medication_review.hide()
        outer.addWidget(self.medication_review)

        # The quality measure, with what it means.
        self.closure_tile = Tile("loopClosureTile", "Referral loops closed", accent=fg("ok"))
        self.closure_tile.value.setStyleSheet(
            f"font-size: 20px; font-weight: 600; color: {fg('ok')};"
        )
        period_row = FlowLayout(spacing=8)  # wraps on a small screen instead of scrolling
        period_label = QLabel("Shown:")
        self.closure_period = QComboBox()
        self.closure_period.setObjectName("loopClosurePeriod")
        self.closure_period.setAccessibleName("Measurement period shown")
        for text, value in PERIOD_CHOICES:
            self.closure_period.addItem(text, value)
        period_label.setBuddy(self.closure_period)
        remembered = store().value("dashboard/closure_period", ROLLING)
        self.closure_period.setCurrentIndex(max(0, self.closure_period.findData(remembered)))
        self.closure_period.currentIndexChanged.connect(self._period_changed)
        self.closure_other = QLabel("")
        self.closure_other.setObjectName("loopClosureOtherPeriod")
        self.closure_other.setStyleSheet(f"color: {fg('muted')};")
        self.closure_other.setWordWrap(True)  # a long "Beside it: …" must not widen the page
        self.closure_other.setMinimumWidth(220)
        period_row.addWidget(period_label)
        period_row.addWidget(self.closure_period)
        period_row.addWidget(self.closure_other)
        self.closure_tile.column.addLayout(period_row)
        explanation = hint(MEASURE_EXPLANATION)
        explanation.setObjectName("loopClosureExplanation")
        self.closure_tile.column.addWidget(explanation)
        outer.addWidget(self.closure_tile)

        # Tiles flow onto as many rows as the width needs (never a sideways scroll).
        open_label = QLabel("Open referrals by state")
        open_label.setStyleSheet("font-weight: 600;")
        outer.addWidget(open_label)
        self.state_tiles: dict[ReferralState, Tile] = {}
        for state, caption in STATE_TILES:
            self.state_tiles[state] = Tile(f"stateTile_{state.value}", caption)
        outer.addLayout(tile_flow(self.state_tiles.values()))
        attention = QLabel("Needs attention")
        attention.setStyleSheet("font-weight: 600;")
        outer.addWidget(attention)
        self.overdue_tile = Tile("overdueTile", "Overdue referrals", accent=fg("danger"))
        self.loops_tile = Tile("openLoopsTile", "Open loops (no report yet)", accent=fg("warning"))
        self.gaps_tile = Tile("teamGapsTile", "Patients with care-team gaps", accent=fg("warning"))
        self.expiring_tile = Tile(
            "authExpiringTile", "Authorisations expiring in 14 days", accent=fg("warning")
        )
        self.decisions_tile = Tile(
            "decisionsTile", "Payer decisions overdue (CMS-0057-F)", accent=fg("danger")
        )
        attention_tiles = [
            self.overdue_tile,
            self.loops_tile,
            self.gaps_tile,
            self.expiring_tile,
            self.decisions_tile,
        ]
        # The referral loop as it really runs: late bookings, stale holds, unread reports.
        self.booked_late_tile = Tile("bookedLateTile", "Booked past target", accent=fg("warning"))
        self.hold_review_tile = Tile("holdReviewTile", "Holds past review", accent=fg("warning"))
        self.unacknowledged_tile = Tile(
            "unacknowledgedTile", "Reports received, not yet acknowledged", accent=fg("warning")
        )
        self.acknowledge_days_tile = Tile(
            "acknowledgeDaysTile", "Median days, report to acknowledgement (12 months)"
        )
        self.documents_review_tile = Tile(
            "documentsReviewTile", "Documents filed, not yet reviewed", accent=fg("warning")
        )
        attention_tiles += [
            self.booked_late_tile,
            self.hold_review_tile,
            self.unacknowledged_tile,
            self.acknowledge_days_tile,
            self.documents_review_tile,
        ]
        outer.addLayout(tile_flow(attention_tiles))
        self._add_intake_panel(outer)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardLists")
        self.tabs.setAccessibleName("Dashboard lists")
        self.overdue_view = self._list("overdueList", "Overdue referrals", overdue_columns())
        self.loops_view = self._list("openLoopsList", "Open loops", loop_columns())
        self.gaps_view = self._list("teamGapsList", "Care-team gaps", gap_columns())
        self.expiring_view = self._list(
            "authExpiringList", "Authorisations expiring", expiring_columns()
        )
        self.decisions_view = self._list(
            "decisionsList", "Payer decisions overdue", decision_columns()
        )
        self.tabs.currentChanged.connect(self._remember_tab)
        outer.addWidget(self.tabs, 1)
        self.list_hint = hint("Double-click a row to open the referral or the patient's chart.")
        outer.addWidget(self.list_hint)
        last_tab = store().value("dashboard/tab", 0)
        self.tabs.setCurrentIndex(int(str(last_tab)) if str(last_tab).isdigit() else 0)

        context.events.referral_changed.connect(self._data_changed)
        context.events.patient_changed.connect(self._data_changed)
        context.events.team_changed.connect(self._data_changed)
        self.refresh()

    # ------------------------------------------------------------------ building
    def _list(self, name: str, title: str, columns: list[Column]) -> QTableView:
        view = list_table(ColumnTableModel(columns, parent=self), name, title)
        view.activated.connect(lambda index, v=view: self._open(v, index.row()))
        self.tabs.addTab(view, title)
        return view

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """Reload every figure off the GUI thread (a second request waits for the first)."""
        self.refresh_intake()
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._stale = False
        self.refresh_button.setEnabled(False)
        if self.board is None:
            self.as_of.setText("Loading…")
        db, actor = self.context.db, self.context.actor
        # Parented to the application, so the thread outlives a page closed mid-load.
        parent = QCoreApplication.instance() or self
        with in_read_scope(self):  # the page's read scope: audited once per showing
            self._thread = run_in_thread(
                parent, lambda: dashboard(db, actor), self._show, self._failed
            )

    def wait_for_threads(self) -> None:
        """Block until a running load has finished (the main window calls this on quit)."""
        wait_for_thread(getattr(self, "_thread", None))

    def _finish_loading(self) -> None:
        self._loading = False
        self.refresh_button.setEnabled(True)
        if self._again:
            self._again = False
            self.refresh()

    def _data_changed(self, *_: object) -> None:
        self._debounce.start()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
        else:
            self.refresh_intake()  # intake steps send no event; one cheap count on each visit

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, PermissionDenied):
            text = (
                "Your role does not include referral logistics, so the dashboard is not "
                "available. Ask an administrator if you need it."
            )
        elif isinstance(error, CareCoordError):
            text = f"The dashboard could not be loaded: {error}"
        else:
            text = "The dashboard could not be loaded because of an unexpected problem."
        self.message.setText(text)
        self.message.setStyleSheet(
            f"background: {bg('danger')}; color: {fg('danger')}; padding: 8px; border-radius: 4px;"
        )
        self.message.show()
        self.as_of.setText("")
        self._finish_loading()
        self.failed.emit(text)
        if not isinstance(error, CareCoordError):
            # A bug: the application's exception hook logs it and tells the person.
            sys.excepthook(type(error), error, error.__traceback__)

    def shown_closure(self, board: Dashboard) -> tuple[LoopClosure, LoopClosure]:
        """(the loop-closure view chosen, the other one) for the period selector."""
        if self.closure_period.currentData() == CALENDAR:
            return board.loop_closure_calendar, board.loop_closure
        return board.loop_closure, board.loop_closure_calendar

    def _period_changed(self, _index: int) -> None:
        store().setValue("dashboard/closure_period", self.closure_period.currentData())
        if self.board is not None:
            self._show(self.board)

    def _show(self, board: Dashboard) -> None:
        self.board = board
        self.message.hide()
        self.as_of.setText(f"as of {board.on.isoformat()}")
        loop, other = self.shown_closure(board)
        self.closure_tile.set_value(closure_text(loop))
        self.closure_tile.caption.setText(
            f"Referral loops closed · shown: {loop.label} · referrals sent "
            f"{loop.period_start.isoformat()} to {loop.referrals_until.isoformat()}, "
            f"reports counted to {loop.period_end.isoformat()}"
        )
        review = board.medication_review_count
        self.medication_review.setVisible(bool(review))
        self.medication_review.setText(
            f"{number(review or 0)} current medication line(s) need review: route not "
            "recorded, so those patients' daily MME is incomplete."
        )
        self.medication_review.setStyleSheet(f"color: {fg('warning')}; font-weight: 600;")
        self.closure_other.setText(f"Beside it: {closure_text(other)}")
        for state, tile in self.state_tiles.items():
            tile.set_value(number(board.open_count(state)))
        self.overdue_tile.set_value(
            number(board.overdue_count), fg("danger") if board.overdue_count else fg("ok")
        )
        open_loops = loop.denominator - loop.numerator
        self.loops_tile.set_value(number(open_loops), fg("warning") if open_loops else fg("ok"))
        self.gaps_tile.set_value(
            number(board.team_gap_count), fg("warning") if board.team_gap_count else fg("ok")
        )
        expiring = number(len(board.auth_expiring)) + ("+" if board.auth_expiring_more else "")
        self.expiring_tile.set_value(expiring, fg("warning") if board.auth_expiring else fg("ok"))
        self.decisions_tile.set_value(
            number(board.decisions_overdue_count),
            fg("danger") if board.decisions_overdue_count else fg("ok"),
        )
        self.booked_late_tile.set_value(
            number(board.booked_late_count), fg("warning") if board.booked_late_count else fg("ok")
        )
        self.hold_review_tile.set_value(
            number(board.holds_past_review_count),
            fg("warning") if board.holds_past_review_count else fg("ok"),
        )
        figures = board.acknowledgement
        waiting = figures.unacknowledged if figures else 0
        self.unacknowledged_tile.set_value(number(waiting), fg("warning") if waiting else fg("ok"))
        median = figures.median_days_to_acknowledge if figures else None
        self.acknowledge_days_tile.set_value("—" if median is None else f"{median:g} d")
        documents_waiting = board.documents_to_review_count
        self.documents_review_tile.set_value(
            number(documents_waiting), fg("warning") if documents_waiting else fg("ok")
        )
        lists: tuple[tuple[QTableView, Sequence[Any], int, str], ...] = (
            (self.overdue_view, board.overdue, board.overdue_count, "Overdue referrals"),
            (self.loops_view, loop.open_loops, open_loops, "Open loops"),
            (self.gaps_view, board.team_gaps, board.team_gap_count, "Care-team gaps"),
            (
                self.expiring_view,
                board.auth_expiring,
                len(board.auth_expiring),
                "Authorisations expiring",
            ),
            (
                self.decisions_view,
                board.decisions_overdue,
                board.decisions_overdue_count,
                "Payer decisions overdue",
            ),
        )
        for index, (view, rows, total, title) in enumerate(lists):
            model = view.model()
            assert isinstance(model, ColumnTableModel)
            model.set_rows(rows)
            shown = f"{title} ({number(total)})"
            if total > len(rows):
                shown = f"{title} ({number(len(rows))} of {number(total)})"
            self.tabs.setTabText(index, shown)
            view.resizeColumnsToContents()
        self._finish_loading()
        self.loaded.emit(board)

    # ------------------------------------------------------------------ actions
    def _open(self, view: QTableView, row: int) -> None:
        model = view.model()
        assert isinstance(model, ColumnTableModel)
        item = model.row_at(row)
        if isinstance(item, TeamGap):
            self.context.navigator.chart_requested.emit(item.patient_id)
        elif isinstance(item, OpenLoop | PendingDecision):
            self.context.navigator.referral_requested.emit(item.referral_id)
        elif item is not None:
            self.context.navigator.referral_requested.emit(item.id)

    def _remember_tab(self, index: int) -> None:
        store().setValue("dashboard/tab", index)

    # ------------------------------------------------------------------ inbound referrals
    def _add_intake_panel(self, outer: QVBoxLayout) -> None:
        """Two tiles for referrals to the clinic (roles that read intake only)."""
        self.intake_row = QWidget()
        self.intake_row.setObjectName("intakePanel")
        row = QHBoxLayout(self.intake_row)
        row.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Referrals to the clinic")
        title.setStyleSheet("font-weight: 600;")
        self.intake_triage_tile = Tile("intakeTriageTile", "Received, awaiting triage")
        self.intake_overdue_tile = Tile(
            "intakeOverdueTile", "Intake overdue (triage or first visit)", accent=fg("danger")
        )
        row.addWidget(title)
        row.addWidget(self.intake_triage_tile, 1)
        row.addWidget(self.intake_overdue_tile, 1)
        row.addStretch(3)
        outer.addWidget(self.intake_row)  # parented first: shown before, it flashes up as a window
        self.intake_row.setVisible(allowed(self.context.actor, Action.READ_INTAKE))

    def refresh_intake(self) -> None:
        """One capped count statement, so it is read here rather than on a worker thread."""
        if not allowed(self.context.actor, Action.READ_INTAKE):
            return
        try:
            figures = intake_figures(self.context.db, self.context.actor)
        except CareCoordError:
            self.intake_row.hide()
            return
        self.intake_triage_tile.set_value(count_text(figures.awaiting_triage))
        late = fg("danger") if figures.overdue else fg("ok")
        self.intake_overdue_tile.set_value(count_text(figures.overdue), late)
