"""The chart's Pain drawing tab: mark where it hurts and how on the body diagram, one drawing
per date, and compare two dates side by side."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical import pain_map
from carecoord.clinical.pain_map import KIND_STYLES, PainKind, PainMark
from carecoord.clinical.vocabulary import DataCategory
from carecoord.errors import ValidationError
from carecoord.services import pain_drawings
from carecoord.services.common import today
from carecoord.services.pain_drawings import MAX_NOTES, PainDrawingInput, PainDrawingView
from carecoord.services.permissions import Action, allowed
from carecoord.ui.chart.body_diagram import BodyDiagram, kind_icon
from carecoord.ui.forms import (
    FieldErrors,
    date_edit,
    date_of,
    limited_text,
    set_date,
    text_of,
)
from carecoord.ui.kit.chart_tab import EditorTab
from carecoord.ui.kit.records import action_button
from carecoord.ui.style import hint, named

NEW_ITEM = "New drawing (not saved)"
NO_COMPARISON = "No comparison"
HOW_TO = (
    "Pick the kind of pain, then click on the body where it hurts (press and drag to mark an "
    "area). Right-click a mark to remove it."
)


def regions_text(marks: list[PainMark] | tuple[PainMark, ...]) -> str:
    """ "right lower back: aching; right calf: numbness" — what the drawing says, in words."""
    summary = pain_map.region_summary(marks)
    if not summary:
        return "Nothing marked yet."
    return "; ".join(f"{r.label}: {r.kinds_text}" for r in summary)


class PainDrawingTab(EditorTab):
    """Draw, save and compare the patient's pain drawings.

    ``show_problem`` and ``confirm_discard`` are attributes so tests can replace the
    message boxes (a refused save is shown by :meth:`ChartTab.store`).

    Signals:
        changed(): a drawing was saved or removed.
    """

    OBJECT_NAME = "painDrawingTab"
    ACCESSIBLE_NAME = "Pain drawing"

    def setup(self) -> None:
        self.confirm_discard = self._ask_discard
        self.can_edit = allowed(self.context.actor.role, Action.EDIT_CLINICAL, DataCategory.GENERAL)
        self.drawings: list[PainDrawingView] = []
        self.current: PainDrawingView | None = None
        self._build()
        self.reload()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.addLayout(self.title_row("Pain drawing", "painDrawingSavedAt"))

        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter, 1)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("Drawings by date"))
        self.dates = named(QListWidget(), "painDrawingDates", "Pain drawings by date")
        self.dates.currentRowChanged.connect(self._date_picked)
        side_layout.addWidget(self.dates, 1)
        self.new_button = action_button(
            "New drawing", "newPainDrawing", self.new_drawing, accessible="New pain drawing"
        )
        self.delete_button = action_button(
            "Delete drawing…",
            "deletePainDrawing",
            self.delete_current,
            accessible="Delete this pain drawing",
        )
        for button in (self.new_button, self.delete_button):
            side_layout.addWidget(button)
            button.setVisible(self.can_edit)
        side.setMinimumWidth(170)
        splitter.addWidget(side)

        editor = QWidget()
        form = QFormLayout(editor)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.errors = FieldErrors()
        self.drawn_on = date_edit(today())
        self.drawn_on.setObjectName("painDrawnOn")
        self.drawn_on.dateChanged.connect(self.edited)
        self.errors.add_row(form, "Date:", "drawn_on", self.drawn_on)
        self.kinds = QButtonGroup(self)
        self.kinds.setExclusive(True)
        legend = QWidget()
        legend.setObjectName("painKindLegend")
        legend_row = QHBoxLayout(legend)
        legend_row.setContentsMargins(0, 0, 0, 0)
        self.kind_buttons: dict[PainKind, QToolButton] = {}
        for kind in PainKind:
            kind_button = QToolButton()
            kind_button.setObjectName(f"painKind_{kind.value}")
            kind_button.setText(f"{kind.label} {KIND_STYLES[kind].glyph}")
            kind_button.setAccessibleName(f"Kind of pain: {kind.label}")
            kind_button.setIcon(kind_icon(kind))
            kind_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            kind_button.setCheckable(True)
            kind_button.setEnabled(self.can_edit)
            kind_button.clicked.connect(lambda _=False, k=kind: self.set_kind(k))
            self.kinds.addButton(kind_button)
            self.kind_buttons[kind] = kind_button
            legend_row.addWidget(kind_button)
        legend_row.addStretch(1)
        self.kind_buttons[PainKind.ACHING].setChecked(True)
        self.errors.add_row(form, "Kind of pain:", "kind", legend)
        diagrams = QWidget()
        row = QHBoxLayout(diagrams)
        row.setContentsMargins(0, 0, 0, 0)
        self.diagram = BodyDiagram(editable=self.can_edit)
        self.diagram.marks_changed.connect(self._marks_changed)
        self.diagram.refused.connect(self._refused)
        row.addWidget(self.diagram, 1)
        compare_column = QVBoxLayout()
        compare_row = QHBoxLayout()
        compare_row.addWidget(QLabel("Compare with:"))
        self.compare_combo = named(QComboBox(), "compareWith", "Compare with the drawing of")
        self.compare_combo.currentIndexChanged.connect(self._show_comparison)
        compare_row.addWidget(self.compare_combo, 1)
        compare_column.addLayout(compare_row)
        self.compare_diagram = BodyDiagram(editable=False)
        self.compare_diagram.setObjectName("compareDiagram")
        self.compare_diagram.setAccessibleName("Body diagram of the compared date")
        compare_column.addWidget(self.compare_diagram, 1)
        self.compare_label = hint("")
        self.compare_label.setObjectName("comparisonSummary")
        compare_column.addWidget(self.compare_label)
        row.addLayout(compare_column, 1)
        self.how_to = hint(HOW_TO if self.can_edit else "Read only for your role.")
        self.how_to.setObjectName("painDrawingHowTo")
        form.addRow("", self.how_to)
        diagrams.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.errors.add_row(form, "Where it hurts:", "marks", diagrams)
        self.regions_label = QLabel()
        self.regions_label.setObjectName("painRegions")
        self.regions_label.setAccessibleName("Regions marked")
        self.regions_label.setWordWrap(True)
        for label in (self.how_to, self.regions_label, self.compare_label):
            # QFormLayout grows only expanding fields: a wrapping label would stay narrow.
            label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        form.addRow("Regions:", self.regions_label)
        self.notes = limited_text(max_length=MAX_NOTES, lines=2)
        self.notes.setObjectName("painDrawingNotes")
        self.notes.setReadOnly(not self.can_edit)
        self.notes.textChanged.connect(self.edited)
        self.errors.add_row(form, "Notes:", "notes", self.notes)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.discard_button = action_button("Discard changes", "discardPainDrawing", self.discard)
        self.save_button = action_button(
            "Save drawing",
            "savePainDrawing",
            self.save,
            accessible="Save the pain drawing",
            primary=True,
        )
        for button in (self.discard_button, self.save_button):
            buttons.addWidget(button)
        form.addRow(buttons)
        for button in (self.discard_button, self.save_button):  # once they have a parent
            button.setVisible(self.can_edit)
        splitter.addWidget(editor)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([180, 900])

    # ------------------------------------------------------------------- data
    def reload(self, select_id: int | None = None) -> None:
        """Read the drawings again and show ``select_id`` (default: the newest)."""
        drawings = self.read(
            lambda: pain_drawings.list_pain_drawings(
                self.context.db, self.context.actor, self.patient_id
            )
        )
        if drawings is None:
            return
        self.drawings = drawings
        with self.filling_fields():
            self.dates.clear()
            for drawing in self.drawings:
                marked = len(drawing.regions)
                item = QListWidgetItem(
                    f"{drawing.drawn_on.isoformat()} · {marked} region{'s' if marked != 1 else ''}"
                )
                item.setData(Qt.ItemDataRole.UserRole, drawing.id)
                self.dates.addItem(item)
        index = next((i for i, d in enumerate(self.drawings) if d.id == select_id), 0)
        if self.drawings:
            self.dates.setCurrentRow(index)
            self._show(self.drawings[index])
        elif self.can_edit:
            self.new_drawing()
        else:
            self._show(None)

    def _show(self, drawing: PainDrawingView | None) -> None:
        with self.filling_fields():
            self.current = drawing
            self.errors.clear()
            set_date(self.drawn_on, drawing.drawn_on if drawing else today())
            self.diagram.set_marks(drawing.marks if drawing else ())
            self.notes.setPlainText((drawing.notes or "") if drawing else "")
        self.set_dirty(False)
        if drawing is None:
            self.saved_label.setText("No pain drawing recorded" if not self.can_edit else "")
        else:
            by = f" by {drawing.updated_by}" if drawing.updated_by else ""
            self.saved_label.setText(f"Drawing of {drawing.drawn_on.isoformat()}{by}")
        self.delete_button.setEnabled(drawing is not None)
        self._fill_comparisons()
        self._show_regions()

    def _fill_comparisons(self) -> None:
        self.compare_combo.blockSignals(True)
        self.compare_combo.clear()
        self.compare_combo.addItem(NO_COMPARISON, None)
        others = [d for d in self.drawings if self.current is None or d.id != self.current.id]
        for drawing in others:
            self.compare_combo.addItem(drawing.drawn_on.isoformat(), drawing.id)
        # Compare with the drawing before this one by default: the question is "what changed".
        shown = self.current.drawn_on if self.current else date.max
        earlier = next((d for d in others if d.drawn_on < shown), None)
        if earlier is not None:
            self.compare_combo.setCurrentIndex(self.compare_combo.findData(earlier.id))
        self.compare_combo.blockSignals(False)
        self._show_comparison()

    def compared(self) -> PainDrawingView | None:
        wanted = self.compare_combo.currentData()
        return next((d for d in self.drawings if d.id == wanted), None)

    def _show_comparison(self, *_: object) -> None:
        other = self.compared()
        self.compare_diagram.setVisible(other is not None)
        if other is None:
            self.compare_label.setText("")
            return
        self.compare_diagram.set_marks(other.marks)
        earlier, later = (
            (other.marks, self.diagram.marks)
            if other.drawn_on <= self.drawn_on_value()
            else (self.diagram.marks, other.marks)
        )
        change = pain_map.compare(earlier, later)
        first, second = sorted((other.drawn_on, self.drawn_on_value()))
        self.compare_label.setText(
            f"{other.drawn_on.isoformat()}: {regions_text(other.marks)}\n"
            f"From {first.isoformat()} to {second.isoformat()}: {change.text}."
        )

    def drawn_on_value(self) -> date:
        return date_of(self.drawn_on) or today()

    def _show_regions(self) -> None:
        self.regions_label.setText(regions_text(self.diagram.marks))

    # ---------------------------------------------------------------- editing
    def set_kind(self, kind: PainKind) -> None:
        """The kind of pain the next marks get."""
        self.diagram.kind = kind
        self.kind_buttons[kind].setChecked(True)

    def _marks_changed(self) -> None:
        self.errors.clear()
        self.edited()
        self._show_regions()
        self._show_comparison()

    def _refused(self, message: str) -> None:
        self.errors.show(ValidationError("marks", message))

    def _ask_discard(self) -> bool:
        answer = QMessageBox.question(
            self, "Unsaved pain drawing", "Discard the marks not saved yet?"
        )
        return answer == QMessageBox.StandardButton.Yes

    def _date_picked(self, row: int) -> None:
        if self.filling or not 0 <= row < len(self.drawings):
            return
        picked = self.drawings[row]
        if self.current is not None and picked.id == self.current.id:
            return
        if self.dirty and not self.confirm_discard():
            with self.filling_fields():
                self.dates.setCurrentRow(-1 if self.current is None else self._row_of(self.current))
            return
        self._show(picked)

    def _row_of(self, drawing: PainDrawingView) -> int:
        return next((i for i, d in enumerate(self.drawings) if d.id == drawing.id), -1)

    def new_drawing(self) -> None:
        """An empty diagram dated today, compared with the newest drawing."""
        if self.dirty and not self.confirm_discard():
            return
        with self.filling_fields():
            self.dates.setCurrentRow(-1)
        self._show(None)
        self.saved_label.setText(NEW_ITEM)
        self.set_dirty(self.can_edit)

    def discard(self) -> None:
        self.set_dirty(False)
        if self.current is not None:
            self._show(self.current)
        else:
            self.reload()

    def save(self) -> bool:
        """Store the drawing; a refused mark or date is shown by its field."""
        self.errors.clear()
        data = PainDrawingInput(
            self.drawn_on_value(), tuple(self.diagram.marks), text_of(self.notes)
        )
        current = self.current
        saved = self.store(
            lambda: pain_drawings.save_pain_drawing(
                self.context.db,
                self.context.actor,
                self.patient_id,
                data,
                drawing_id=current.id if current else None,
                expected_version=current.version if current else None,
            ),
            self.errors,
        )
        if saved is None:
            return False
        self.set_dirty(False)
        self.reload(saved.id)
        self.tell_chart()
        return True

    def delete_current(self) -> None:
        current = self.current
        if current is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete pain drawing",
            f"Delete the pain drawing of {current.drawn_on.isoformat()}? This cannot be undone.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if not self.apply(
            lambda: pain_drawings.delete_pain_drawing(
                self.context.db, self.context.actor, current.id, expected_version=current.version
            )
        ):
            return
        self.set_dirty(False)
        self.reload()
        self.changed.emit()


__all__ = ["PainDrawingTab", "regions_text"]
