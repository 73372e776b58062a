"""The referral editor's History tab: every change with who made it, when and why, a note
button, "Entered in error…", and the stored copy of each letter that left."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecoord.services.referral_views import ENTERED_IN_ERROR, NOTE, EventView, ReferralView
from carecoord.ui.context import AppContext
from carecoord.ui.openers import open_sent_copy
from carecoord.ui.referrals.editor_widgets import labelled_button
from carecoord.ui.style import hint

EVENT_WHAT = {
    "created": "Created",
    "updated": "Edited",
    "authorization": "Authorisation",
    "note": "Note",
    "letter": "Letter",
}


def local_time(moment: datetime) -> str:
    """A stored UTC timestamp in the workstation's time zone, YYYY-MM-DD HH:MM."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


def describe_event(event: EventView) -> str:
    """What happened, in words: "Sent → Accepted", "Created (Draft)", "Note"."""
    if event.kind == "transition" and event.from_state and event.to_state:
        return f"{event.from_state.label} → {event.to_state.label}"
    if event.kind == "created":
        return "Created (Draft)"
    return EVENT_WHAT.get(event.kind, event.kind.replace("_", " ").capitalize())


class HistoryPanel(QWidget):
    """The referral's events, newest first. Double-clicking a letter's event opens the copy
    kept when it was sent (:attr:`sent_copy_window`).

    ``add_note`` and ``mark_entered_in_error`` are the editor's; the buttons show only
    when the referral allows them.
    """

    def __init__(
        self,
        *,
        context: AppContext,
        add_note: Callable[[], object],
        mark_entered_in_error: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.sent_copy_window: QDialog | None = None
        self.tree = QTreeWidget()
        self.tree.setObjectName("historyList")
        self.tree.setAccessibleName("Referral history")
        self.tree.setHeaderLabels(["When", "Who", "What", "Why"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setStyleSheet("QTreeWidget::item { padding: 3px 8px 3px 0; }")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemDoubleClicked.connect(self.open_copy)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.note_button = labelled_button(
            "Add note…",
            "addNote",
            "Add a note to the history",
            add_note,
            tip="Record a phone call, a chase or anything worth keeping",
        )
        self.error_button = labelled_button(
            "Entered in error…",
            "markEnteredInError",
            "Mark this referral as entered in error",
            mark_entered_in_error,
            tip="Created by mistake (wrong patient, duplicate): kept in the record with its "
            "history, removed from every worklist; cannot be taken back",
        )
        self.error_button.setProperty("role", "danger")
        row = QHBoxLayout()
        row.addWidget(hint("Every change, with who made it, when, and why."), 1)
        row.addWidget(self.note_button)
        row.addWidget(self.error_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.tree)

    def show_view(self, view: ReferralView | None) -> None:
        """List the referral's events (none for a new one) and offer what it allows."""
        self.tree.clear()
        self.note_button.setVisible(view is not None and view.may(NOTE))
        self.error_button.setVisible(view is not None and view.may(ENTERED_IN_ERROR))
        events = view.events if view is not None else ()
        for event in sorted(events, key=lambda e: (e.at, e.id), reverse=True):
            item = QTreeWidgetItem(
                [local_time(event.at), event.username, describe_event(event), event.reason or ""]
            )
            item.setToolTip(3, event.reason or "")
            if event.document_id is not None:
                # The stored copy of the letter that left: double-click opens it.
                item.setData(0, Qt.ItemDataRole.UserRole, event.document_id)
                item.setText(2, f"{item.text(2)} · open copy")
                item.setToolTip(2, "Double-click to open the copy of the letter as it was sent")
            self.tree.addTopLevelItem(item)

    def open_copy(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        """Open the copy of the letter an event kept (other events have none)."""
        document_id = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(document_id, int):
            self.sent_copy_window = open_sent_copy(
                context=self.context, document_id=document_id, parent=self.window()
            )
