"""The front desk's referral worklist: what to send, chase, book, and which loops to close."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    Qt,
    QThread,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import ReferralState
from carecoord.errors import CareCoordError, ConflictError, ValidationError
from carecoord.letters.list_pdf import ListContent
from carecoord.services import export, referrals, team
from carecoord.services.common import write_csv
from carecoord.services.referrals import ReferralView
from carecoord.services.worklist import (
    WorklistFilter,
    WorklistView,
    count_text,
    worklist_counts,
)
from carecoord.ui import vocabulary
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.flow_layout import FlowLayout
from carecoord.ui.keyboard import tab_leaves, tab_order
from carecoord.ui.kit.page import Page
from carecoord.ui.kit.referral_actions import Answer, ReferralActions
from carecoord.ui.kit.referral_prompts import SendDetails, ask_send
from carecoord.ui.kit.referral_report import choose_report_file, upload_from
from carecoord.ui.openers import BatchLettersDialog
from carecoord.ui.preferences import remember_columns, store
from carecoord.ui.print_limit import PRINT_LIMIT, limit_note
from carecoord.ui.referrals.view_hints import VIEW_HINTS
from carecoord.ui.referrals.worklist_filters import WorklistFilterBar
from carecoord.ui.referrals.worklist_model import COLUMNS, WorklistModel, cell_text
from carecoord.ui.referrals.worklist_prompts import (
    choose_export_path,
    confirm_attach,
)
from carecoord.ui.referrals.worklist_table import WorklistTable
from carecoord.ui.referrals.worklist_views import VIEW_ORDER, WorklistViewList
from carecoord.ui.style import fg, hint, page_title
from carecoord.ui.translation import translate
from carecoord.ui.worker import run_in_thread, wait_for_thread

V = WorklistView


class ReferralsPage(Page):
    """The front desk's referral worklists with counts, filters and the daily actions.

    The file and confirmation prompts (``ask_send``, ``choose_report_file``,
    ``confirm_attach``, ``choose_export_path``) are attributes so tests can answer them.

    Signals:
        counts_changed(object): the per-view counts (dict WorklistView -> int) arrived.
        exported(str): the CSV file written.
    """

    object_name = "referralsPage"
    accessible_name = "Referrals"

    counts_changed = Signal(object)
    exported = Signal(str)

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.counts: dict[WorklistView, int] = {}
        self._threads: set[QThread] = set()
        self._count_generation = 0
        self.ask_send: Callable[[], SendDetails | None] = lambda: ask_send(self)
        self.referral_actions = ReferralActions(context=context, parent=self)
        self.choose_report_file: Callable[[], str | None] = lambda: choose_report_file(self)
        self.confirm_attach: Callable[[str, str], bool] = lambda what, name: confirm_attach(
            self, what, name
        )
        self.choose_export_path: Callable[[str], str | None] = lambda name: choose_export_path(
            self, name
        )
        self.model = WorklistModel(context=context, parent=self)
        self.model.failed.connect(self._fetch_failed)
        self.model.loaded.connect(self._update_status)
        self.model.rowsInserted.connect(self._update_status)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(120)
        self._refresh_timer.timeout.connect(self.refresh)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self._filters_changed)
        self._build()
        self._fill_recipients()
        context.events.referral_changed.connect(self._schedule_refresh)
        context.events.team_changed.connect(self._fill_recipients)
        self._restore()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        title = page_title(self.tr("Referrals"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refreshWorklist")
        self.refresh_button.setAccessibleName(self.tr("Refresh the worklist"))
        self.refresh_button.setToolTip(self.tr("Refresh (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        refresh_action = QAction(self.tr("Refresh"), self)
        refresh_action.setObjectName("refreshAction")
        refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh_action.triggered.connect(self.refresh)
        self.addAction(refresh_action)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.setObjectName("exportCsv")
        self.export_button.setAccessibleName(self.tr("Export this view to a CSV file"))
        self.export_button.setToolTip(
            self.tr("Save every row of this view (logistics only) as CSV")
        )
        self.export_button.clicked.connect(self.export_csv)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)

        self.views = WorklistViewList()
        self.views.currentRowChanged.connect(self._view_changed)

        self.filter_bar = WorklistFilterBar()
        bar = self.filter_bar
        self.discipline_filter, self.priority_filter = bar.discipline_filter, bar.priority_filter
        self.recipient_filter, self.clear_button = bar.recipient_filter, bar.clear_button
        self.from_filter, self.to_filter = bar.from_filter, bar.to_filter
        self.from_label, self.filter_error = bar.from_label, bar.error
        self.clear_button.clicked.connect(self.clear_filters)
        for box in (self.discipline_filter, self.priority_filter, self.recipient_filter):
            box.currentIndexChanged.connect(self._filters_changed)
        self.discipline_filter.currentIndexChanged.connect(self._fill_recipients)
        for edit in (self.from_filter, self.to_filter):
            edit.dateChanged.connect(lambda _day: self._filter_timer.start())

        self.view_hint = hint("")
        self.view_hint.setObjectName("viewHint")
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("openReferral")
        self.open_button.setAccessibleName(self.tr("Open the selected referral"))
        self.open_button.setToolTip(self.tr("Open the referral (Enter or double-click)"))
        self.open_button.clicked.connect(self.open_selected)
        self.send_button = QPushButton(self.tr("Mark sent…"))
        self.send_button.setObjectName("markSent")
        self.send_button.setAccessibleName(self.tr("Mark the selected referrals sent"))
        self.send_button.setProperty("role", "primary")
        self.send_button.clicked.connect(self.mark_sent)
        self.attach_button = QPushButton(self.tr("Attach report…"))
        self.attach_button.setObjectName("attachReport")
        self.attach_button.setAccessibleName(self.tr("Attach the specialist's report"))
        self.attach_button.setProperty("role", "primary")
        self.attach_button.clicked.connect(self.attach_report)
        self.letters_button = QPushButton(self.tr("Letters…"))
        self.letters_button.setObjectName("batchLetters")
        self.letters_button.setAccessibleName(self.tr("Letters for the selected referrals"))
        self.letters_button.setToolTip(
            self.tr(
                "Save or print the letters of the selected referrals in one go (Ctrl+A selects all)"
            )
        )
        self.letters_button.clicked.connect(self.batch_letters)
        buttons = FlowLayout(align_right=True)
        for button in (self.open_button, self.send_button, self.attach_button, self.letters_button):
            buttons.addWidget(button)
        button_row = QWidget()
        button_row.setLayout(buttons)
        button_row.setMinimumWidth(self.letters_button.sizeHint().width() * 2)
        actions = QHBoxLayout()
        actions.addWidget(self.view_hint, 3)
        actions.addWidget(button_row, 2)

        self.table = WorklistTable()
        tab_leaves(self.table)  # Tab moves on; arrows move between cells
        self.table.setObjectName("worklistTable")
        self.table.setAccessibleName(self.tr("Referrals in this view"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.open_requested.connect(self._open)
        self.table.file_dropped.connect(self.attach_report_file)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.status = hint("")
        self.status.setObjectName("worklistStatus")
        self.message = QLabel()
        self.message.setObjectName("worklistMessage")
        self.message.setWordWrap(True)

        right = QVBoxLayout()
        right.addWidget(self.filter_bar)
        right.addWidget(self.filter_error)
        right.addLayout(actions)
        right.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status)
        bottom.addWidget(self.message, 1)
        right.addLayout(bottom)
        body = QHBoxLayout()
        body.addWidget(self.views)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        # Tab as the desk works: the view, its filters, its rows, what to do with them.
        tab_order(
            self,
            self.views,
            self.discipline_filter,
            self.priority_filter,
            self.recipient_filter,
            self.from_filter,
            self.to_filter,
            self.clear_button,
            self.table,
            self.open_button,
            self.send_button,
            self.attach_button,
            self.letters_button,
            self.refresh_button,
            self.export_button,
        )

    def _fill_recipients(self) -> None:
        """Recipients of the chosen discipline (everyone when none is chosen)."""
        try:
            members = team.list_members(
                self.context.db,
                self.context.actor,
                discipline=self.discipline_filter.currentData(),
                active_only=False,
            )
        except CareCoordError as error:
            self._say(str(error), error=True)
            members = []
        if self.filter_bar.set_recipients(members):
            self._filters_changed()

    # ----------------------------------------------------------------- public
    def current_view(self) -> WorklistView:
        return self.views.current_view()

    def select_view(self, view: WorklistView | str) -> None:
        """Show one worklist view (its first page)."""
        chosen = WorklistView(view)
        row = VIEW_ORDER.index(chosen)
        if self.views.currentRow() == row:
            self.refresh()
        else:
            self.views.setCurrentRow(row)

    def refresh(self) -> None:
        """Reload the current view and recount every view."""
        self._refresh_timer.stop()
        filters = self.filters()
        if filters is None:
            return
        self.model.set_query(self.current_view(), filters)
        self._update_actions()
        self._request_counts(filters)

    def filters(self) -> WorklistFilter | None:
        """The filters as chosen; None (with the reason shown) when the dates clash."""
        return self.filter_bar.chosen()

    def clear_filters(self) -> None:
        self.filter_bar.reset()
        self._fill_recipients()
        self.refresh()

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def open_selected(self) -> None:
        rows = self.selected_rows()
        row = self.model.row_at(rows[0]) if rows else None
        if row is not None:
            self._open(row.id)

    def mark_sent(self) -> None:
        """Record how the selected drafts were sent (asked once for all of them); each
        one's letter (default contents) is kept as the copy that left."""
        rows = [r for r in (self.model.row_at(n) for n in self.selected_rows()) if r]
        drafts = [r for r in rows if r.state == ReferralState.DRAFT]
        if not drafts:
            self._say(self.tr("Select the drafts that have been sent."), error=True)
            return
        problems: list[str] = []
        views = []
        for row in drafts:
            try:
                views.append(referrals.get_referral(self.context.db, self.context.actor, row.id))
            except CareCoordError as error:
                problems.append(f"{row.patient_name} ({row.discipline.label}): {error}")
        asked: list[SendDetails] = []

        def ask(_key: str, _view: ReferralView) -> Answer | None:
            details = self.ask_send()
            if details is None:
                return None
            asked.append(details)
            return Answer(sent_via=details.method, on=details.sent_on)

        self.referral_actions.ask = ask
        moved, refused = self.referral_actions.mark_sent(views)
        if not asked:
            return
        problems += refused
        self.refresh()
        if moved:
            how = asked[0].method.label.lower()
            sent = len(moved)
            done = self.tr("Marked {count} referral sent by {how}.") if sent == 1 else None
            done = done or self.tr("Marked {count} referrals sent by {how}.")
            self._say(done.format(count=sent, how=how))
        if problems:
            self._say(
                self.tr("Not sent: {problems}").format(problems="; ".join(problems)), error=True
            )

    def batch_letters(self) -> BatchLettersDialog | None:
        """Letters for the selected referrals (all of "To send", say), off the GUI thread."""
        ids = [r.id for r in (self.model.row_at(n) for n in self.selected_rows()) if r]
        if not ids:
            self._say(self.tr("Select the referrals whose letters you want."), error=True)
            return None
        dialog = BatchLettersDialog(context=self.context, referral_ids=ids, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def attach_report(self) -> None:
        """Pick the report file for the selected row (Awaiting report view)."""
        rows = self.selected_rows()
        if len(rows) != 1:
            self._say(self.tr("Select one referral to attach its report."), error=True)
            return
        path = self.choose_report_file()
        if path:
            self.attach_report_file(rows[0], path)

    def attach_report_file(self, row_number: int, path: str) -> bool:
        """File ``path`` as the report of the row's referral, closing its loop."""
        row = self.model.row_at(row_number)
        if row is None or self.current_view() != V.AWAITING_REPORT:
            return False
        what = f"{row.patient_name} ({row.discipline.label})"
        if not self.confirm_attach(what, Path(path).name):
            return False
        try:
            upload = upload_from(path, f"{row.discipline.label} report", date.today())
            view = referrals.record_report_received(
                self.context.db,
                self.context.actor,
                row.id,
                expected_version=row.version,
                report=upload,
            )
        except ConflictError as error:
            show_problem(self, error, self.tr("Report not filed"))
            self.refresh()
            return False
        except CareCoordError as error:
            show_problem(self, error, self.tr("Report not filed"))
            return False
        self._announce(view.id, view.patient_id)
        self.refresh()
        self._say(self.tr("Report filed for {what}; the referral is closed.").format(what=what))
        return True

    def export_csv(self) -> None:
        """Save every row of the current view (with its filters) as CSV, off the GUI thread."""
        filters = self.filters()
        if filters is None:
            return
        view = self.current_view()
        path = self.choose_export_path(f"referrals-{view.value}-{date.today().isoformat()}.csv")
        if not path:
            return
        db, actor = self.context.db, self.context.actor

        def work() -> str:
            text = export.worklist_csv(db, actor, view, filters)
            write_csv(path, text)
            return path

        self.export_button.setEnabled(False)
        self._say(self.tr("Exporting {view}…").format(view=vocabulary.label(view).lower()))
        self._start(work, self._exported, self._export_failed)

    def print_content(self) -> ListContent:
        """The view's rows for File › Print list, with the filters in force; pages the model
        released to save memory are read again, so the printout has no gaps."""
        shown = min(self.model.rowCount(), PRINT_LIMIT)
        rows = (self.model.row_at(n) for n in range(shown))
        filters = self.filter_descriptions()
        if self.model.rowCount() > shown:
            filters = (*filters, limit_note(shown))
        return ListContent(
            view=self.tr("Referrals — {view}").format(view=vocabulary.label(self.current_view())),
            filters=filters,
            columns=tuple(
                str(self.model.headerData(c, Qt.Orientation.Horizontal))
                for c in range(len(COLUMNS))
            ),
            rows=tuple(
                tuple(cell_text(row, column) for column in range(len(COLUMNS)))
                for row in rows
                if row is not None
            ),
            keep_whole=frozenset({1, 6, 7}),
        )

    def filter_descriptions(self) -> tuple[str, ...]:
        """The filters that narrow the view, as "Discipline: Psychiatry" lines."""
        return self.filter_bar.descriptions()

    # --------------------------------------------------------------- internals
    def _open(self, referral_id: int) -> None:
        self.context.navigator.referral_requested.emit(referral_id)

    def _announce(self, referral_id: int, patient_id: int) -> None:
        self.context.events.referral_changed.emit(referral_id)
        self.context.events.patient_changed.emit(patient_id)

    def _schedule_refresh(self, _referral_id: int = 0) -> None:
        self._refresh_timer.start()

    def _view_changed(self, _row: int) -> None:
        view = self.current_view()
        self.view_hint.setText(translate("ReferralsPage", VIEW_HINTS[view]))
        self.from_label.setText(
            self.tr("Created from:") if view == V.TO_SEND else self.tr("Sent from:")
        )
        self.table.accept_reports = view == V.AWAITING_REPORT
        self.send_button.setVisible(view == V.TO_SEND)
        self.attach_button.setVisible(view == V.AWAITING_REPORT)
        store().setValue("referrals/view", view.value)
        self.message.clear()
        self.refresh()

    def _filters_changed(self) -> None:
        self.refresh()

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        self.open_button.setEnabled(len(rows) == 1)
        self.send_button.setEnabled(bool(rows))
        self.attach_button.setEnabled(len(rows) == 1)
        self.letters_button.setEnabled(bool(rows))

    def _update_status(self) -> None:
        shown = self.model.rowCount()
        total = self.counts.get(self.current_view())
        if total is None or total < shown:
            many = self.tr("{count} referral") if shown == 1 else self.tr("{count} referrals")
            self.status.setText(many.format(count=f"{shown:,}"))
        else:
            showing = self.tr("Showing {shown} of {total}")
            self.status.setText(showing.format(shown=f"{shown:,}", total=count_text(total)))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {fg('danger')};" if error else "")
        self.message.setText(text)

    def _fetch_failed(self, error: object) -> None:
        if isinstance(error, ValidationError):
            self.filter_error.setText(error.message[:1].upper() + error.message[1:])
            self.filter_error.show()
        else:
            self._say(str(error), error=True)

    # ------------------------------------------------------------- counts, threads
    def _request_counts(self, filters: WorklistFilter) -> None:
        """Count every view off the GUI thread (one capped statement; see worklist_counts)."""
        self._count_generation += 1
        generation = self._count_generation
        db, actor = self.context.db, self.context.actor

        def work() -> tuple[int, dict[WorklistView, int]]:
            return generation, worklist_counts(db, actor, filters=filters)

        self._start(work, self._counts_arrived, self._counts_failed)

    def _counts_arrived(self, result: Any) -> None:
        generation, counts = result
        if generation != self._count_generation:
            return
        self.counts = counts
        self.views.show_counts(counts)
        self._update_status()
        self.counts_changed.emit(counts)

    def _counts_failed(self, error: object) -> None:
        self._say(self.tr("Counts unavailable: {error}").format(error=error), error=True)

    def _exported(self, path: object) -> None:
        self.export_button.setEnabled(True)
        self._say(self.tr("Saved {name}.").format(name=Path(str(path)).name))
        self.exported.emit(str(path))

    def _export_failed(self, error: object) -> None:
        self.export_button.setEnabled(True)
        self._say(self.tr("Export failed."), error=True)
        if isinstance(error, CareCoordError):
            show_problem(self, error, self.tr("Export failed"))
        else:
            QMessageBox.warning(
                self, self.tr("Export failed"), f"The file could not be written: {error}"
            )

    def _start(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        # on_done/on_error are bound methods of this page, so Qt queues them to the GUI thread.
        thread = run_in_thread(self, work, on_done, on_error)
        self._threads.add(thread)
        thread.finished.connect(self._thread_finished)

    def _thread_finished(self) -> None:
        sender = self.sender()
        self._threads = {t for t in self._threads if t is not sender}

    def wait_for_threads(self) -> None:
        """Let running counts and exports finish (before the page goes away)."""
        for thread in list(self._threads):
            with contextlib.suppress(RuntimeError):  # already finished and deleted by Qt
                # run_in_thread's own quit is queued to this (blocked) thread: ask directly.
                thread.quit()
            wait_for_thread(thread)
        self._threads.clear()

    # ------------------------------------------------------------ persistence
    def _restore(self) -> None:
        widths = (175, 100, 165, 185, 68, 82, 90, 90, 100, 100)
        remember_columns(self.table, "referrals/worklistHeader", widths)
        last = str(store().value("referrals/view", V.OVERDUE.value))
        view = WorklistView(last) if last in set(WorklistView) else V.OVERDUE
        self.views.setCurrentRow(VIEW_ORDER.index(view))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wait_for_threads()
        super().closeEvent(event)
