"""The chart's Results tab: opioid-therapy monitoring (drug screens, PDMP checks, liver and
kidney tests, vitals) as a table per kind, small trend plots of the numbers, the flags
(unexpected screen, overdue PDMP) and a form to record a result (docs/clinical-reference.md
§5.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical import monitoring as rules
from carecoord.clinical.monitoring import PdmpResult, ResultKind, ScreenResult
from carecoord.errors import ValidationError
from carecoord.services import monitoring
from carecoord.services.monitoring import MonitoringOverview, ResultEntry, ResultView, ScreenEntry
from carecoord.services.permissions import Action, allowed
from carecoord.ui.flow_layout import FlowLayout
from carecoord.ui.forms import (
    FieldErrors,
    combo,
    date_edit,
    line_edit,
    saved_date,
    text_of,
)
from carecoord.ui.keyboard import tab_leaves
from carecoord.ui.kit.chart_tab import ChartTab
from carecoord.ui.kit.records import action_button
from carecoord.ui.kit.scroll import borderless_scroll
from carecoord.ui.style import OKABE_ITO, chip, hint, qcolor, scheme

NOT_TESTED = ""
EMPTY_KIND = "None recorded."


# --------------------------------------------------------------------------- plots
@dataclass(frozen=True)
class PlotSeries:
    name: str
    points: tuple[tuple[date, float], ...]
    colour: str
    reference: tuple[float | None, float | None] = (None, None)


class TrendPlot(QWidget):
    """A small line plot of one quantity over time (two for blood pressure), painted with
    QPainter: the reference range shaded, points outside it drawn as hollow red squares,
    the latest value written beside the title."""

    def __init__(self, title: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.unit = unit
        self.series: tuple[PlotSeries, ...] = ()
        self.setObjectName(f"plot_{title.replace(' ', '_').lower()}")
        self.setAccessibleName(f"{title} trend")
        self.setMinimumSize(210, 136)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(240, 136)

    def set_series(self, series: tuple[PlotSeries, ...]) -> None:
        self.series = tuple(s for s in series if s.points)
        latest = [f"{s.name} {s.points[-1][1]:g}" for s in self.series]
        self.setToolTip(f"{self.title}: " + (", ".join(latest) or "no values"))
        self.update()

    def _ranges(self) -> tuple[date, date, float, float]:
        days = [d for s in self.series for d, _ in s.points]
        values = [v for s in self.series for _, v in s.points]
        for s in self.series:  # the reference range stays in view
            values += [b for b in s.reference if b is not None]
        low, high = min(values), max(values)
        pad = (high - low) * 0.12 or max(abs(high) * 0.1, 1.0)
        return min(days), max(days), low - pad, high + pad

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().windowText().color()
        muted = qcolor("muted")
        painter.fillRect(self.rect(), self.palette().base())
        painter.setPen(QPen(QColor(scheme().grid), 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(QPointF(8, 16), f"{self.title} ({self.unit})")
        painter.setFont(self.font())
        if not self.series:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No values yet")
            painter.end()
            return
        latest = " / ".join(f"{s.points[-1][1]:g}" for s in self.series)
        painter.setPen(muted)
        painter.drawText(  # its own line: a long title never runs into it
            QRectF(0, 20, self.width() - 8, 14), Qt.AlignmentFlag.AlignRight, f"latest {latest}"
        )
        plot = QRectF(40, 36, self.width() - 52, self.height() - 56)
        first, last, low, high = self._ranges()
        span_days = max((last - first).days, 1)

        def x(day: date) -> float:
            if first == last:
                return plot.center().x()
            return plot.left() + plot.width() * (day - first).days / span_days

        def y(value: float) -> float:
            return plot.bottom() - plot.height() * (value - low) / (high - low)

        for s in self.series:  # the reference band first, under everything
            ref_low, ref_high = s.reference
            if ref_low is None and ref_high is None:
                continue
            top = y(ref_high) if ref_high is not None else plot.top()
            bottom = y(ref_low) if ref_low is not None else plot.bottom()
            band = qcolor("ok")
            band.setAlpha(28)
            painter.fillRect(QRectF(plot.left(), top, plot.width(), bottom - top), band)
        painter.setPen(QPen(muted, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() - 2))
        painter.setFont(small)
        for value in (low, high):
            painter.drawText(
                QRectF(0, y(value) - 7, 36, 14),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:.0f}" if abs(high - low) > 10 else f"{value:.1f}",
            )
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 2, 80, 14),
            Qt.AlignmentFlag.AlignLeft,
            first.isoformat(),
        )
        if last != first:
            painter.drawText(
                QRectF(plot.right() - 80, plot.bottom() + 2, 80, 14),
                Qt.AlignmentFlag.AlignRight,
                last.isoformat(),
            )
        for s in self.series:
            colour = QColor(s.colour)
            painter.setPen(QPen(colour, 1.8))
            line = QPolygonF([QPointF(x(d), y(v)) for d, v in s.points])
            painter.drawPolyline(line)
            for d, v in s.points:
                point = QPointF(x(d), y(v))
                if rules.out_of_range(v, *s.reference):
                    painter.setPen(QPen(qcolor("danger"), 1.8))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(QRectF(point.x() - 3.5, point.y() - 3.5, 7, 7))
                else:
                    painter.setPen(QPen(colour, 1))
                    painter.setBrush(colour)
                    painter.drawEllipse(point, 3, 3)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.end()


def plots_for(kind: ResultKind) -> list[tuple[str, str, tuple[str, ...]]]:
    """(title, unit, analyte codes) of each plot of a numeric kind; BP shares one plot."""
    if kind == ResultKind.VITALS:
        return [
            ("Blood pressure", "mmHg", ("systolic", "diastolic")),
            ("Weight", "kg", ("weight",)),
            ("BMI", "kg/m²", ("bmi",)),
        ]
    return [(a.label, a.unit, (a.code,)) for a in rules.analytes_of(kind)]


# --------------------------------------------------------------------------- the tab
class ResultsTab(ChartTab):
    """Monitoring results of one patient.

    Signals:
        changed(): a result was recorded or removed (the chart header's flags change).
    """

    PROBLEM_TITLE = "Results"
    OBJECT_NAME = "resultsTab"
    ACCESSIBLE_NAME = "Results"

    def setup(self) -> None:
        self.overview: MonitoringOverview | None = None
        role = self.context.actor.role
        self.kinds_editable = [
            k for k in ResultKind if allowed(role, Action.EDIT_CLINICAL, monitoring.category_of(k))
        ]
        self.tables: dict[ResultKind, QTableWidget] = {}
        self.plots: dict[ResultKind, list[tuple[TrendPlot, tuple[str, ...]]]] = {}
        self.errors = FieldErrors()
        self._build()
        self.refresh()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        flags_holder = QWidget()
        flags_holder.setObjectName("resultFlags")
        self.flags_row = FlowLayout(flags_holder)
        column.addWidget(flags_holder)
        self.flag_chips: list[QLabel] = []
        self.pdmp_line = hint("")
        self.pdmp_line.setObjectName("pdmpStatus")
        column.addWidget(self.pdmp_line)
        for kind in ResultKind:
            column.addWidget(self._kind_box(kind))
        column.addStretch(1)
        outer.addWidget(borderless_scroll(left, "resultsScroll"), 3)
        if self.kinds_editable:
            outer.addWidget(self._form(), 2)

    def _kind_box(self, kind: ResultKind) -> QGroupBox:
        box = QGroupBox(kind.label)
        box.setObjectName(f"box_{kind.value}")
        layout = QVBoxLayout(box)
        if kind in rules.NUMERIC_KINDS:
            row = QHBoxLayout()
            plots = []
            for title, unit, codes in plots_for(kind):
                plot = TrendPlot(title, unit)
                plots.append((plot, codes))
                row.addWidget(plot)
            self.plots[kind] = plots
            layout.addLayout(row)
        table = QTableWidget(0, len(self._headers(kind)))
        tab_leaves(table)  # Tab moves on; arrows move between cells
        table.setObjectName(f"table_{kind.value}")
        table.setAccessibleName(f"{kind.label} results")
        table.setHorizontalHeaderLabels(self._headers(kind))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        # Fixed height (set when filled): the box keeps to its rows, the page scrolls.
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.tables[kind] = table
        layout.addWidget(table)
        return box

    @staticmethod
    def _headers(kind: ResultKind) -> list[str]:
        if kind == ResultKind.DRUG_SCREEN:
            return ["Date", "Positive", "Unexpected", "Tested", "Recorded by"]
        if kind == ResultKind.PDMP:
            return ["Date", "Result", "Checked by", "Note"]
        return [
            "Date",
            *(f"{a.label} ({a.unit})" for a in rules.analytes_of(kind)),
            "Recorded by",
        ]

    def _form(self) -> QGroupBox:
        box = QGroupBox("Record a result")
        box.setObjectName("resultForm")
        box.setMinimumWidth(330)
        box.setMaximumWidth(440)
        layout = QVBoxLayout(box)
        form = QFormLayout()
        self.kind = combo([(k.label, k) for k in self.kinds_editable])
        self.kind.setObjectName("resultKind")
        self.taken_on = date_edit()
        self.taken_on.setObjectName("takenOn")
        self.errors.add_row(form, "Kind:", "kind", self.kind)
        self.errors.add_row(form, "Date:", "taken_on", self.taken_on)
        layout.addLayout(form)
        self.pages = QStackedWidget()
        self.pages.setObjectName("resultPages")
        self.page_of: dict[ResultKind, int] = {}
        self.value_edits: dict[str, QLineEdit] = {}
        self.screen_boxes: dict[str, tuple[QComboBox, QCheckBox]] = {}
        for kind in self.kinds_editable:
            self.page_of[kind] = self.pages.addWidget(self._page(kind))
        layout.addWidget(self.pages)
        note_form = QFormLayout()
        self.note = line_edit(max_length=400)
        self.note.setObjectName("resultNote")
        self.errors.add_row(note_form, "Note:", "note", self.note)
        layout.addLayout(note_form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.saved_label = hint("")
        self.saved_label.setObjectName("resultSaved")
        buttons.addWidget(self.saved_label)
        self.save_button = action_button("Save result", "saveResult", self.save, primary=True)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        return box

    def _page(self, kind: ResultKind) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        if kind == ResultKind.DRUG_SCREEN:
            grid_holder = QWidget()
            grid = QGridLayout(grid_holder)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.addWidget(QLabel("<b>Substance</b>"), 0, 0)
            grid.addWidget(QLabel("<b>Result</b>"), 0, 1)
            grid.addWidget(QLabel("<b>Prescribed</b>"), 0, 2)
            for row, (code, label) in enumerate(rules.DRUG_PANEL.items(), start=1):
                outcomes: list[tuple[str, object]] = [("not tested", NOT_TESTED)]
                result = combo(outcomes + [(r.label, r.value) for r in ScreenResult])
                result.setObjectName(f"screen_{code}")
                result.setAccessibleName(f"{label} result")
                expected = QCheckBox()
                expected.setObjectName(f"expected_{code}")
                expected.setAccessibleName(f"{label} expected (prescribed)")
                grid.addWidget(QLabel(label), row, 0)
                grid.addWidget(result, row, 1)
                grid.addWidget(expected, row, 2, Qt.AlignmentFlag.AlignCenter)
                self.screen_boxes[code] = (result, expected)
            self.errors.add_row(
                form, "Panel:", "screens", grid_holder, aliases=("substance", *rules.DRUG_PANEL)
            )
            form.addRow(hint("Tick “Prescribed” for what the patient should test positive for."))
        elif kind == ResultKind.PDMP:
            choices: list[tuple[str, object]] = [("", "")]
            self.pdmp_result = combo(choices + [(r.label, r.value) for r in PdmpResult])
            self.pdmp_result.setObjectName("pdmpResult")
            self.performed_by = line_edit(
                placeholder=self.context.actor.display_name, max_length=120
            )
            self.performed_by.setObjectName("performedBy")
            self.errors.add_row(form, "Result:", "pdmp_result", self.pdmp_result)
            self.errors.add_row(form, "Checked by:", "performed_by", self.performed_by)
        else:
            for analyte in rules.analytes_of(kind):
                edit = line_edit(placeholder=rules.reference_text(analyte.reference))
                edit.setObjectName(f"value_{analyte.code}")
                self.value_edits[analyte.code] = edit
                self.errors.add_row(form, f"{analyte.label} ({analyte.unit}):", analyte.code, edit)
            if kind == ResultKind.LIVER:
                form.addRow(hint("Leave a value empty when it was not measured."))
            form.addRow(hint("Reference ranges are typical adult ranges (shown greyed)."))
        return page

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        if kind in self.page_of:
            self.pages.setCurrentIndex(self.page_of[kind])
        self.errors.clear()

    # ----------------------------------------------------------------- data
    def refresh(self) -> None:
        overview = self.read(
            lambda: monitoring.list_results(self.context.db, self.context.actor, self.patient_id)
        )
        if overview is not None:
            self.show_overview(overview)

    def show_overview(self, overview: MonitoringOverview) -> None:
        self.overview = overview
        for chip_label in self.flag_chips:
            self.flags_row.removeWidget(chip_label)
            chip_label.deleteLater()
        self.flag_chips = []
        for code, level, text in overview.alerts:
            label = chip(text, level)
            label.setObjectName(f"flag_{code}")
            self.flag_chips.append(label)
            self.flags_row.addWidget(label)
        overdue = overview.pdmp is not None and overview.pdmp.overdue
        self.pdmp_line.setText(self._pdmp_text(overview))
        self.pdmp_line.setVisible(not overdue)  # the flag above says it already
        for kind, table in self.tables.items():
            self._fill(table, kind, overview.of_kind(kind))
        for kind, plots in self.plots.items():
            oldest_first = list(reversed(overview.of_kind(kind)))
            for plot, codes in plots:
                plot.set_series(tuple(self._series(oldest_first, codes)))

    @staticmethod
    def _pdmp_text(overview: MonitoringOverview) -> str:
        status = overview.pdmp
        if status is None:
            return "Not on opioids: no PDMP check is due."
        if status.overdue:
            return status.text
        return (
            f"Last PDMP check {status.last_check.isoformat() if status.last_check else ''}, "
            f"{status.days_since} days ago (due every {status.interval_days} days)."
        )

    @staticmethod
    def _series(results: list[ResultView], codes: tuple[str, ...]) -> list[PlotSeries]:
        out = []
        for index, code in enumerate(codes):
            points = tuple(
                (r.taken_on, v.value)
                for r in results
                for v in r.values
                if v.analyte == code and v.value is not None
            )
            analyte = rules.ANALYTES[code]
            colour = (OKABE_ITO[0], OKABE_ITO[5])[index % 2]
            out.append(PlotSeries(analyte.label, points, colour, analyte.reference))
        return out

    def _fill(self, table: QTableWidget, kind: ResultKind, results: tuple[ResultView, ...]) -> None:
        table.setRowCount(0)
        if not results:
            table.setRowCount(1)
            item = QTableWidgetItem(EMPTY_KIND)
            item.setForeground(qcolor("muted"))
            table.setItem(0, 0, item)
            table.setSpan(0, 0, 1, table.columnCount())
            table.setFixedHeight(table.horizontalHeader().height() + table.rowHeight(0) + 6)
            return
        table.clearSpans()
        table.setRowCount(len(results))
        for row, result in enumerate(results):
            for column, (text, flagged) in enumerate(self._cells(kind, result)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, result.id)
                if flagged:
                    item.setForeground(qcolor("danger" if kind != ResultKind.PDMP else "warning"))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, column, item)
        visible = min(len(results), 6)
        height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(visible))
        table.setFixedHeight(height + 6)

    @staticmethod
    def _cells(kind: ResultKind, result: ResultView) -> list[tuple[str, bool]]:
        day = (result.taken_on.isoformat(), False)
        if kind == ResultKind.DRUG_SCREEN:
            positive = [v.label for v in result.values if v.outcome == ScreenResult.POSITIVE]
            flags = [f.replace(": ", " ") for f in result.flags]
            return [
                day,
                (", ".join(positive) or "none", False),
                ("; ".join(flags) or "—", bool(flags)),
                (str(len(result.values)), False),
                (result.recorded_by, False),
            ]
        if kind == ResultKind.PDMP:
            value = result.values[0]
            return [
                day,
                (value.shown, value.flag is not None),
                (result.performed_by or "", False),
                (result.note or "", False),
            ]
        by_code = {v.analyte: v for v in result.values}
        cells = [day]
        for analyte in rules.analytes_of(kind):
            found = by_code.get(analyte.code)
            if found is None or found.value is None:
                cells.append(("", False))
                continue
            arrow = {"high": " ↑", "low": " ↓"}.get(found.flag or "", "")
            cells.append((f"{found.value:.{analyte.decimals}f}{arrow}", found.flag is not None))
        cells.append((result.recorded_by, False))
        return cells

    # ----------------------------------------------------------------- saving
    def entry(self) -> ResultEntry:
        """The form as the service's input (numbers parsed; anything else passed on for the
        service to refuse by field)."""
        kind: ResultKind = self.kind.currentData()
        note = text_of(self.note)
        taken_on = saved_date(self.taken_on)
        if kind == ResultKind.DRUG_SCREEN:
            screens = tuple(
                ScreenEntry(code, result.currentData(), expected.isChecked())
                for code, (result, expected) in self.screen_boxes.items()
                if result.currentData() != NOT_TESTED
            )
            return ResultEntry(kind, taken_on, screens=screens, note=note)
        if kind == ResultKind.PDMP:
            return ResultEntry(
                kind,
                taken_on,
                pdmp_result=self.pdmp_result.currentData() or None,
                performed_by=text_of(self.performed_by),
                note=note,
            )
        values: dict[str, float | int | None] = {}
        for analyte in rules.analytes_of(kind):
            raw = self.value_edits[analyte.code].text().strip().replace(",", ".")
            if not raw:
                continue
            try:
                values[analyte.code] = float(raw)
            except ValueError:
                raise ValidationError(analyte.code, "must be a number") from None
        return ResultEntry(kind, taken_on, values=values, note=note)

    def save(self) -> bool:
        self.errors.clear()
        self.saved_label.setText("")
        view = self.store(
            lambda: monitoring.record_result(
                self.context.db, self.context.actor, self.patient_id, self.entry()
            ),
            self.errors,
        )
        if view is None:
            return False
        self._clear_form()
        self.saved_label.setText(f"{view.kind.label} of {view.taken_on.isoformat()} saved.")
        self.refresh()
        self.changed.emit()
        return True

    def _clear_form(self) -> None:
        for edit in self.value_edits.values():
            edit.clear()
        for result, expected in self.screen_boxes.values():
            result.setCurrentIndex(0)
            expected.setChecked(False)
        if hasattr(self, "pdmp_result"):
            self.pdmp_result.setCurrentIndex(0)
            self.performed_by.clear()
        self.note.clear()
