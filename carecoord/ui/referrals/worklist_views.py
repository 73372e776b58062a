"""The worklist's list of views (Overdue, To send …), each with its count of referrals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from carecoord.services.worklist import COUNT_CAP, WorklistView, count_text
from carecoord.ui import vocabulary
from carecoord.ui.style import qcolor
from carecoord.ui.translation import translate

V = WorklistView
VIEW_ORDER: tuple[WorklistView, ...] = (
    V.OVERDUE,
    V.TO_SEND,
    V.AWAITING_ACCEPTANCE,
    V.TO_SCHEDULE,
    V.AWAITING_VISIT,
    V.AWAITING_REPORT,
    V.AUTH_EXPIRING,
    V.AUTH_PENDING,
    V.ON_HOLD,
    V.BOOKED_LATE,
    V.HOLD_REVIEW,
    V.CLOSED,
)


class WorklistViewList(QListWidget):
    """One row per worklist view in the desk's order; the counts arrive later."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("worklistViews")
        self.setAccessibleName(translate("ReferralsPage", "Worklist views"))
        for view in VIEW_ORDER:
            item = QListWidgetItem(vocabulary.label(view))
            item.setData(Qt.ItemDataRole.UserRole, view.value)
            self.addItem(item)
        self.setFixedWidth(205)
        self.setSpacing(2)

    def current_view(self) -> WorklistView:
        item = self.currentItem()
        return WorklistView(item.data(Qt.ItemDataRole.UserRole)) if item else V.OVERDUE

    def show_counts(self, counts: dict[WorklistView, int]) -> None:
        """Each view's count in its label (capped: "1,000+"); overdue and expiring in red."""
        for row, view in enumerate(VIEW_ORDER):
            item = self.item(row)
            count = counts.get(view, 0)
            # Counts stop at COUNT_CAP: the tab says "1,000+", never a made-up total.
            name = vocabulary.label(view)
            item.setText(f"{name} ({count_text(count)})")
            spoken = translate("ReferralsPage", "more than {cap}").format(cap=f"{COUNT_CAP:,}")
            spoken = spoken if count > COUNT_CAP else f"{count}"
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                translate("ReferralsPage", "{view}, {count} referrals").format(
                    view=name, count=spoken
                ),
            )
            alarming = view in (V.OVERDUE, V.AUTH_EXPIRING) and count > 0
            item.setForeground(QBrush(qcolor("danger")) if alarming else QBrush())
            font = item.font()
            font.setBold(alarming)
            item.setFont(font)
