"""The worklist's filter bar: discipline, priority, recipient and a date range.

It builds the fields and reads them; the page decides when to reload. Its texts keep the
page's translation context ("ReferralsPage"), so moving them here changed no translation.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from carecoord.clinical.vocabulary import Discipline, Priority
from carecoord.services.team import MemberView
from carecoord.services.worklist import WorklistFilter
from carecoord.ui import vocabulary
from carecoord.ui.flow_layout import FlowLayout
from carecoord.ui.forms import date_edit, date_of, error_style
from carecoord.ui.translation import translate


class WorklistFilterBar(QWidget):
    """The filter fields, wrapping onto a second row on a narrow screen instead of widening
    the window. ``error`` (the date-range problem) is laid out by the page, under the bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("worklistFilters")
        self.discipline_filter = QComboBox()
        self.discipline_filter.addItem(translate("ReferralsPage", "All disciplines"), None)
        for discipline in Discipline:
            self.discipline_filter.addItem(vocabulary.label(discipline), discipline)
        self.priority_filter = QComboBox()
        self.priority_filter.addItem(translate("ReferralsPage", "Any priority"), None)
        for priority in Priority:
            self.priority_filter.addItem(vocabulary.label(priority), priority)
        self.recipient_filter = QComboBox()
        self.recipient_filter.setMinimumContentsLength(18)
        self.recipient_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.from_filter = date_edit(optional=True)
        self.to_filter = date_edit(optional=True)
        self.from_label = QLabel(translate("ReferralsPage", "Sent from:"))
        to_label = QLabel(translate("ReferralsPage", "to:"))
        self.clear_button = QPushButton(translate("ReferralsPage", "Clear filters"))
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setAccessibleName(translate("ReferralsPage", "Clear filters"))
        filters = FlowLayout()
        for name, label, widget in (
            (
                "filterDiscipline",
                translate("ReferralsPage", "Filter by discipline"),
                self.discipline_filter,
            ),
            (
                "filterPriority",
                translate("ReferralsPage", "Filter by priority"),
                self.priority_filter,
            ),
            (
                "filterRecipient",
                translate("ReferralsPage", "Filter by recipient"),
                self.recipient_filter,
            ),
        ):
            widget.setObjectName(name)
            widget.setAccessibleName(label)
            filters.addWidget(widget)
        for name, label, edit, text in (
            (
                "filterFrom",
                translate("ReferralsPage", "From date"),
                self.from_filter,
                self.from_label,
            ),
            ("filterTo", translate("ReferralsPage", "To date"), self.to_filter, to_label),
        ):
            edit.setObjectName(name)
            edit.setAccessibleName(label)
            text.setBuddy(edit)
            pair = QWidget()  # a label stays on the same row as its date field
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            pair_layout.addWidget(text)
            pair_layout.addWidget(edit)
            filters.addWidget(pair)
        filters.addWidget(self.clear_button)
        self.setLayout(filters)
        self.error = QLabel()
        self.error.setObjectName("filterError")
        self.error.setStyleSheet(error_style())
        self.error.hide()

    def set_recipients(self, members: Sequence[MemberView]) -> bool:
        """List ``members`` (inactive ones marked) after "Any recipient", keeping the chosen
        one; True when the chosen recipient is no longer listed (the filter changed)."""
        box = self.recipient_filter
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(translate("ReferralsPage", "Any recipient"), None)
        for member in members:
            suffix = "" if member.active else translate("ReferralsPage", " (inactive)")
            box.addItem(member.display_name + suffix, member.id)
        index = box.findData(current) if current is not None else 0
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)
        return current is not None and index < 0

    def chosen(self) -> WorklistFilter | None:
        """The filters as chosen; None (with the reason shown) when the dates clash."""
        start, end = date_of(self.from_filter), date_of(self.to_filter)
        if start and end and end < start:
            self.error.setText(translate("ReferralsPage", "The end date is before the start date."))
            self.error.show()
            return None
        self.error.hide()
        return WorklistFilter(
            discipline=self.discipline_filter.currentData(),
            priority=self.priority_filter.currentData(),
            recipient_member_id=self.recipient_filter.currentData(),
            date_from=start,
            date_to=end,
        )

    def reset(self) -> None:
        """Every filter back to "any", without a signal per field."""
        for box in (self.discipline_filter, self.priority_filter, self.recipient_filter):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        for edit in (self.from_filter, self.to_filter):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)

    def descriptions(self) -> tuple[str, ...]:
        """The filters that narrow the view, as "Discipline: Psychiatry" lines."""
        chosen: list[tuple[str, str]] = []
        for label, box in (
            (translate("ReferralsPage", "Discipline"), self.discipline_filter),
            (translate("ReferralsPage", "Priority"), self.priority_filter),
            (translate("ReferralsPage", "Recipient"), self.recipient_filter),
        ):
            if box.currentIndex() > 0:
                chosen.append((label, box.currentText()))
        start, end = date_of(self.from_filter), date_of(self.to_filter)
        if start or end:
            chosen.append(
                (
                    self.from_label.text().rstrip(":"),
                    f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}",
                )
            )
        return tuple(f"{label}: {value}" for label, value in chosen)
