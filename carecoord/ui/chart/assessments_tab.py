"""The chart's Assessments tab: recorded instruments, the PEG/NRS trend and how it moved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical import instruments
from carecoord.clinical import peg as peg_display
from carecoord.clinical.vocabulary import AssessmentKind
from carecoord.errors import CareCoordError
from carecoord.services import assessments
from carecoord.services.assessments import AssessmentView
from carecoord.services.permissions import Action, allowed, assessment_category
from carecoord.ui.chart.assessment_forms import (
    SELF_HARM_TEXT,
    TITLES,
    AssessmentDialog,
    format_total,
)
from carecoord.ui.chart.trend_chart import TrendChart
from carecoord.ui.kit.chart_tab import ChartTab
from carecoord.ui.kit.table import Column, ColumnTableModel, RowRole, list_table
from carecoord.ui.preferences import remember_columns, store
from carecoord.ui.style import chip, fg, hint, named

Index = QModelIndex | QPersistentModelIndex
SETTINGS_PREFIX = "chart/assessments"
RECORD_ORDER = (
    AssessmentKind.NRS,
    AssessmentKind.PEG,
    AssessmentKind.PHQ9,
    AssessmentKind.GAD7,
    AssessmentKind.ORT,
)


class AssessmentTableModel(ColumnTableModel):
    """Recorded assessments, newest first (a patient has tens, not thousands)."""

    ViewRole = RowRole

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column("Date taken", lambda r: r.taken_on.isoformat(), tooltip=_answers_text),
                Column("Instrument", lambda r: r.kind.label, tooltip=_answers_text),
                Column(
                    "Score",
                    lambda r: format_total(r.kind, r.total),
                    align=Qt.AlignmentFlag.AlignRight,
                    tooltip=_answers_text,
                ),
                Column("Band", self.band_text, tooltip=_answers_text),
                Column(
                    "Alert",
                    lambda r: SELF_HARM_TEXT if r.alert else "",
                    tooltip=_answers_text,
                    foreground=_alert_meaning,
                    bold=lambda r: r.alert,
                ),
                Column("Recorded by", lambda r: r.recorded_by, tooltip=_answers_text),
            ],
            parent=parent,
        )
        self.peg_baseline: AssessmentView | None = None

    def arrange(self, rows: list[Any]) -> list[Any]:
        pegs = sorted(
            (r for r in rows if r.kind is AssessmentKind.PEG), key=lambda r: (r.taken_on, r.id)
        )
        self.peg_baseline = pegs[0] if pegs else None
        return sorted(rows, key=lambda r: (r.taken_on, r.id), reverse=True)

    def band_text(self, row: AssessmentView) -> str:
        """The band, except for a PEG: Krebs 2009 has none, so its change from baseline."""
        if row.kind is not AssessmentKind.PEG:
            return row.band
        baseline = self.peg_baseline
        if baseline is None or baseline.id == row.id:
            return peg_display.change_from_baseline(None, row.total)
        return peg_display.change_from_baseline(baseline.total, row.total)


def _alert_meaning(row: AssessmentView) -> str | None:
    return "danger" if row.alert else None


def _answers_text(row: AssessmentView) -> str:
    """The stored answers, item by item, for a row's tooltip."""
    answers = row.answers
    if row.kind is AssessmentKind.NRS:
        return f"Pain {answers.get('value')} / 10"
    if row.kind is AssessmentKind.PEG:
        return (
            f"Pain {answers.get('pain')}, enjoyment {answers.get('enjoyment')}, "
            f"general activity {answers.get('activity')} (each / 10)"
        )
    if row.kind is AssessmentKind.ORT:
        marked = [
            text
            for field, text in zip(
                instruments.ORT_FIELDS,
                instruments.ITEM_WORDING[AssessmentKind.ORT],
                strict=True,
            )
            if answers.get(field)
        ]
        return f"Sex: {answers.get('sex')}\n" + ("\n".join(marked) or "No box marked")
    items = answers.get("items") or []
    return "Items: " + "  ".join(f"{n}:{v}" for n, v in enumerate(items, start=1))


def change_text(kind: AssessmentKind, first: float, latest: float) -> tuple[str, str]:
    """("PEG 7.0 → 4.3 (−39 %, clinically meaningful)", level) from first to latest score.

    ``level`` is "ok" for a meaningful improvement, "danger" for a meaningful worsening,
    "" otherwise.
    """
    change = instruments.meaningful_change(kind, first, latest)
    name = "PEG" if kind is AssessmentKind.PEG else "NRS"
    decimals = 1 if kind is AssessmentKind.PEG else 0
    head = f"{name} {first:.{decimals}f} → {latest:.{decimals}f}"
    if change.percent_improvement is None:
        percent = ""
    else:
        moved = -change.percent_improvement
        sign = "−" if moved < 0 else "+" if moved > 0 else "±"
        percent = f"{sign}{abs(moved):.0f} %, "
    if change.meaningful:
        return f"{head} ({percent}clinically meaningful)", "ok"
    if change.worsened:
        return f"{head} ({percent}clinically meaningful worsening)", "danger"
    return f"{head} ({percent}not a meaningful change)", ""


class AssessmentsTab(ChartTab):
    """Assessments on a chart: record buttons, the PEG/NRS trend, the list with alerts.

    Signals:
        changed(): an assessment was recorded (the chart header reloads its alerts).
    """

    OBJECT_NAME = "assessmentsTab"
    ACCESSIBLE_NAME = "Assessments"

    def setup(self) -> None:
        self.dialog: AssessmentDialog | None = None
        self._build()
        self._restore_settings()
        self.refresh()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.record_buttons: dict[AssessmentKind, QPushButton] = {}
        role = self.context.actor.role
        kinds = [
            k
            for k in RECORD_ORDER
            if allowed(role, Action.EDIT_CLINICAL, assessment_category(k.value))
        ]
        if kinds:
            bar = QHBoxLayout()
            bar.addWidget(QLabel("Record:"))
            for kind in kinds:
                button = QPushButton(f"{kind.label}…")
                name = kind.value.capitalize()
                button.setObjectName(f"record{name}")
                button.setAccessibleName(f"Record {kind.label}")
                button.setToolTip(TITLES[kind])
                button.clicked.connect(lambda _=False, k=kind: self.record(k))
                bar.addWidget(button)
                self.record_buttons[kind] = button
            bar.addStretch(1)
            outer.addLayout(bar)

        self.alert = chip(SELF_HARM_TEXT, "danger")
        self.alert.setObjectName("selfHarmBanner")
        self.alert.hide()
        outer.addWidget(self.alert, 0, Qt.AlignmentFlag.AlignLeft)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("assessmentsSplitter")
        self.splitter.setChildrenCollapsible(False)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.chart = TrendChart()
        top_layout.addWidget(self.chart, 1)
        changes = QHBoxLayout()
        self.peg_change = named(QLabel(), "pegChange", "PEG change since the first score")
        self.nrs_change = named(QLabel(), "nrsChange", "NRS change since the first score")
        changes.addWidget(self.peg_change)
        changes.addSpacing(24)
        changes.addWidget(self.nrs_change)
        changes.addStretch(1)
        top_layout.addLayout(changes)
        self.splitter.addWidget(top)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        self.model = AssessmentTableModel(self)
        self.table = list_table(self.model, "assessmentsTable", "Recorded assessments")
        # the band column also holds a PEG's change from baseline (Krebs 2009 has no bands)
        widths = (100, 90, 80, 440, 220)
        remember_columns(self.table, f"{SETTINGS_PREFIX}/columns", widths)
        bottom_layout.addWidget(self.table, 1)
        self.empty = hint(
            "No assessments recorded yet — use the Record buttons above."
            if self.record_buttons
            else "No assessments recorded yet."
        )
        self.empty.setObjectName("assessmentsEmpty")
        bottom_layout.addWidget(self.empty)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer.addWidget(self.splitter, 1)

    # ------------------------------------------------------------------- data
    def refresh(self) -> None:
        """Reload the assessments from the service and redraw table, chart and changes."""
        rows = self.read(
            lambda: assessments.list_assessments(
                self.context.db, self.context.actor, self.patient_id
            )
        )
        if rows is None:
            return
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        peg = [(r.taken_on, r.total) for r in rows if r.kind is AssessmentKind.PEG]
        nrs = [(r.taken_on, r.total) for r in rows if r.kind is AssessmentKind.NRS]
        self.chart.set_scores(peg, nrs)
        self._show_change(self.peg_change, AssessmentKind.PEG, rows)
        self._show_change(self.nrs_change, AssessmentKind.NRS, rows)
        phq = assessments.latest(rows, AssessmentKind.PHQ9)
        self.alert.setVisible(phq is not None and phq.alert)
        if phq is not None and phq.alert:
            self.alert.setText(f"{SELF_HARM_TEXT} (PHQ-9 of {phq.taken_on.isoformat()})")

    def _show_change(self, label: QLabel, kind: AssessmentKind, rows: list[AssessmentView]) -> None:
        series = [r for r in rows if r.kind is kind]  # the service lists oldest first
        name = "PEG" if kind is AssessmentKind.PEG else "NRS"
        if not series:
            label.setText(f"{name}: no scores yet")
            label.setStyleSheet("")
            label.setToolTip("")
            return
        first, last = series[0], series[-1]
        if len(series) == 1:
            decimals = 1 if kind is AssessmentKind.PEG else 0
            label.setText(f"{name} {first.total:.{decimals}f} (one score so far)")
            label.setStyleSheet("")
            label.setToolTip(f"Taken on {first.taken_on.isoformat()}")
            return
        text, level = change_text(kind, first.total, last.total)
        label.setText(text)
        colour = {"ok": fg("ok"), "danger": fg("danger")}.get(level)
        label.setStyleSheet(f"font-weight: 600; color: {colour};" if colour else "")
        label.setToolTip(
            f"First {first.taken_on.isoformat()}, latest {last.taken_on.isoformat()}; "
            + (
                "≥ 2 points or ≥ 30 % is clinically meaningful (Farrar 2001)"
                if kind is AssessmentKind.NRS
                else "≥ 30 % is clinically meaningful (Krebs 2009)"
            )
        )

    # ----------------------------------------------------------------- record
    def record(self, kind: AssessmentKind) -> AssessmentDialog | None:
        """Open the entry form for ``kind`` (window-modal, not blocking) and return it."""
        try:
            dialog = AssessmentDialog(chart=self.chart_scope, kind=kind, parent=self)
        except CareCoordError as error:
            self.problem(error)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, _view: AssessmentView) -> None:
        self.saved()

    # --------------------------------------------------------------- settings
    def _restore_settings(self) -> None:
        state = store().value(f"{SETTINGS_PREFIX}/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

    def hideEvent(self, event: QHideEvent) -> None:
        store().setValue(f"{SETTINGS_PREFIX}/splitter", self.splitter.saveState())
        super().hideEvent(event)


__all__ = ["AssessmentTableModel", "AssessmentsTab", "change_text"]
