"""The head of the plan tab: which plan (a chooser, shown when a patient has several),
its title with status and review chips, and the plan's own buttons."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import PlanStatus
from carecoord.services.plans import PlanView
from carecoord.ui.style import chip, hint

STATUS_LEVEL = {
    PlanStatus.ACTIVE: "ok",
    PlanStatus.DRAFT: "info",
    PlanStatus.COMPLETED: "info",
    PlanStatus.DISCONTINUED: "warning",
}
"""The chip colour of each plan status."""


def plan_button(text: str, name: str, accessible: str, tip: str = "") -> QPushButton:
    """A button of the plan tab, named for tests and screen readers."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    if tip:
        button.setToolTip(tip)
    return button


def review_overdue(plan: PlanView, today: date) -> bool:
    """A plan still in force whose review date has passed."""
    return (
        plan.review_on is not None
        and plan.review_on < today
        and plan.status in (PlanStatus.ACTIVE, PlanStatus.DRAFT)
    )


class PlanHeader(QWidget):
    """The chooser row above the title bar; the tab connects the buttons.

    Signals:
        plan_chosen(object): the id of the plan chosen in the chooser (None: none).
    """

    plan_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planHeader")
        chooser_label = QLabel("Plan:")
        self.chooser = QComboBox()
        self.chooser.setObjectName("planChooser")
        self.chooser.setAccessibleName("Choose the treatment plan")
        self.chooser.setMinimumWidth(420)
        self.chooser.currentIndexChanged.connect(
            lambda _index: self.plan_chosen.emit(self.chooser.currentData())
        )
        chooser_label.setBuddy(self.chooser)
        self.new_plan_button = plan_button("New plan…", "newPlan", "New treatment plan")
        self.edit_plan_button = plan_button(
            "Edit plan…", "editPlan", "Edit the plan", "Title, status, dates and notes"
        )
        self.pdf_button = plan_button(
            "Plan PDF…", "planPdf", "Plan PDF", "Preview, print or save the plan summary"
        )
        self.pdf_button.setProperty("role", "primary")
        self.title = QLabel()
        self.title.setObjectName("planTitle")
        self.title.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.title.setMaximumWidth(460)
        self.chips = QHBoxLayout()
        self.subtitle = hint("")
        self.subtitle.setObjectName("planSubtitle")
        self.subtitle.setWordWrap(False)
        self.subtitle.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.chooser_row = QWidget()
        self.chooser_row.setObjectName("planChooserRow")
        choose = QHBoxLayout(self.chooser_row)
        choose.setContentsMargins(0, 0, 0, 0)
        choose.addWidget(chooser_label)
        choose.addWidget(self.chooser)
        self.plan_count = hint("")
        self.plan_count.setObjectName("planCount")
        choose.addWidget(self.plan_count, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addLayout(self.chips)
        bar.addSpacing(8)
        bar.addWidget(self.subtitle, 1)
        for button in (self.new_plan_button, self.edit_plan_button, self.pdf_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chooser_row)
        layout.addLayout(bar)

    def list_plans(self, plans: list[PlanView], current: int | None) -> None:
        """Offer ``plans`` in the chooser with plan ``current`` chosen (no signal)."""
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for p in plans:
            self.chooser.addItem(
                f"{p.title} — {p.status.label.lower()}, from {p.started_on.isoformat()}", p.id
            )
        self.chooser.setCurrentIndex(max(self.chooser.findData(current), 0))
        self.chooser.blockSignals(False)
        self.chooser_row.setVisible(len(plans) > 1)
        self.plan_count.setText(f"{len(plans)} plans for this patient; the active one opens first.")

    def show_plan(self, plan: PlanView | None) -> None:
        """Title, chips and subtitle of ``plan``; without one, "New plan…" is the main action."""
        button = self.new_plan_button
        button.setProperty("role", "" if plan is not None else "primary")
        button.style().unpolish(button)
        button.style().polish(button)
        while self.chips.count():
            item = self.chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if plan is None:
            self.title.setText("Treatment plan")
            self.title.setToolTip("")
            self.subtitle.setText("")
            return
        metrics = self.title.fontMetrics()
        self.title.setText(metrics.elidedText(plan.title, Qt.TextElideMode.ElideRight, 450))
        self.title.setToolTip(plan.title)
        status = chip(plan.status.label, STATUS_LEVEL[plan.status])
        status.setObjectName("planStatusChip")
        self.chips.addWidget(status)
        if review_overdue(plan, date.today()):
            assert plan.review_on is not None
            overdue = chip(f"Review overdue since {plan.review_on.isoformat()}", "danger")
            overdue.setObjectName("reviewOverdueChip")
            self.chips.addWidget(overdue)
        review = plan.review_on.isoformat() if plan.review_on else "not set"
        self.subtitle.setText(f"Started {plan.started_on.isoformat()} · review {review}")
        self.subtitle.setToolTip(plan.notes or "")
