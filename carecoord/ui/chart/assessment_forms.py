"""Record one outcome instrument (NRS, PEG, PHQ-9, GAD-7, ORT) with its published wording."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical import instruments, suggestions
from carecoord.clinical.vocabulary import AdministrativeSex, AssessmentKind
from carecoord.services import assessments, patients
from carecoord.services.assessments import AssessmentView
from carecoord.ui.context import ChartScope
from carecoord.ui.forms import FieldErrors, date_edit, error_style, saved_date, service_result
from carecoord.ui.kit.dialog_buttons import accept_cancel_buttons
from carecoord.ui.kit.scroll import borderless_scroll
from carecoord.ui.screen_fit import remember_geometry, restore_geometry
from carecoord.ui.style import chip, fg, hint
from carecoord.ui.unsaved import FormDialog

SELF_HARM_TEXT = (
    "Item 9 positive: same-day safety assessment today · "
    "988 Suicide & Crisis Lifeline: call or text 988"
)
MAXIMUM: dict[AssessmentKind, int] = {
    AssessmentKind.NRS: 10,
    AssessmentKind.PEG: 10,
    AssessmentKind.PHQ9: 27,
    AssessmentKind.GAD7: 21,
    AssessmentKind.ORT: 26,
}
TITLES: dict[AssessmentKind, str] = {
    AssessmentKind.NRS: "NRS — pain numeric rating scale",
    AssessmentKind.PEG: "PEG — pain, enjoyment of life, general activity",
    AssessmentKind.PHQ9: "PHQ-9 — Patient Health Questionnaire (depression)",
    AssessmentKind.GAD7: "GAD-7 — Generalized Anxiety Disorder scale",
    AssessmentKind.ORT: "ORT — Opioid Risk Tool",
}
PEG_KEYS = ("pain", "enjoyment", "activity")
SCALE_ANCHORS: dict[AssessmentKind, tuple[tuple[str, str], ...]] = {
    AssessmentKind.NRS: (("no pain", "worst pain imaginable"),),
    AssessmentKind.PEG: (
        ("no pain", "pain as bad as you can imagine"),
        ("does not interfere", "completely interferes"),
        ("does not interfere", "completely interferes"),
    ),
}


def format_total(kind: AssessmentKind, total: float) -> str:
    """A score with its range ("4.3 / 10", "12 / 27"), the way every screen shows it."""
    value = f"{total:.1f}" if kind is AssessmentKind.PEG else f"{total:g}"
    return f"{value} / {MAXIMUM[kind]}"


@dataclass
class _Item:
    """One question on the form: its answer control(s), its error line, its service field."""

    number: int
    field: str
    error: QLabel
    group: QButtonGroup | None = None
    checkbox: QCheckBox | None = None

    def value(self) -> int | bool | None:
        if self.checkbox is not None:
            return self.checkbox.isChecked()
        assert self.group is not None
        checked = self.group.checkedId()
        return None if checked < 0 else checked


class AssessmentDialog(FormDialog):
    """Enter one instrument's answers, see the live total and band, save through the service.

    Answer controls are named ``<kind>_item_<n>_<value>`` (radio buttons, in the button
    group ``<kind>_item_<n>_group``) and ``ort_item_<n>`` (ORT check boxes), n from 1.

    Signals:
        saved(object): the stored :class:`AssessmentView`.
    """

    saved = Signal(object)

    def __init__(
        self, *, chart: ChartScope, kind: AssessmentKind, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = chart.context
        self.patient_id = chart.patient_id
        self.kind = AssessmentKind(kind)
        self.stored: AssessmentView | None = None
        self.items: list[_Item] = []
        self.sex = AdministrativeSex.UNKNOWN
        self.age = 0
        self.setObjectName(f"assessmentDialog_{self.kind.value}")
        self.setWindowTitle(f"Record {self.kind.label}")
        self.setAccessibleName(f"Record {self.kind.label}")
        self.setModal(True)
        if self.kind is AssessmentKind.ORT:
            patient = patients.get_patient(self.context.db, self.context.actor, self.patient_id)
            self.sex = patient.sex
            self.age = patient.age()
        self._build()
        for item in self.items:
            self.field_errors.register(item.field, item.error)
        self._update_total()
        width = 760 if self.kind in (AssessmentKind.PHQ9, AssessmentKind.GAD7) else 680
        restore_geometry(self, self._settings_key(), width, 640)

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        heading = QLabel(TITLES[self.kind])
        heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        outer.addWidget(heading)
        instructions = QLabel(instruments.INSTRUCTIONS[self.kind])
        instructions.setObjectName("instructions")
        instructions.setWordWrap(True)
        instructions.setStyleSheet("font-style: italic;")
        outer.addWidget(instructions)

        self.field_errors = FieldErrors()
        form = QFormLayout()
        self.taken_on = date_edit(date.today())
        self.taken_on.setMaximumDate(QDate.currentDate())
        self.taken_on.setMaximumWidth(160)
        self.field_errors.add_row(form, "Date taken:", "taken_on", self.taken_on)
        if self.kind is AssessmentKind.ORT:
            sex = QLabel(f"{self.sex.label} (from the patient's record)")
            sex.setObjectName("ortSex")
            form.addRow("Sex:", sex)
        outer.addLayout(form)

        body = QWidget()
        body.setObjectName("assessmentItems")
        if self.kind in (AssessmentKind.NRS, AssessmentKind.PEG):
            self._build_scales(body)
        elif self.kind is AssessmentKind.ORT:
            self._build_ort(body)
        else:
            self._build_frequency(body)
        outer.addWidget(borderless_scroll(body), 1)

        self.alert = chip(SELF_HARM_TEXT, "danger")
        self.alert.setObjectName("selfHarmAlert")
        self.alert.hide()
        outer.addWidget(self.alert, 0, Qt.AlignmentFlag.AlignLeft)
        self.total_label = QLabel()
        self.total_label.setObjectName("liveTotal")
        self.total_label.setAccessibleName("Total and band")
        self.total_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        outer.addWidget(self.total_label)
        self.advice_label = hint("")
        self.advice_label.setObjectName("liveAdvice")
        outer.addWidget(self.advice_label)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setStyleSheet(error_style() + " font-size: 13px;")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)

        buttons = accept_cancel_buttons(
            self,
            self.save,
            names=("saveAssessment", "cancelAssessment"),
            accessible="Save assessment",
        )
        buttons.setObjectName("assessmentButtons")
        outer.addWidget(buttons)

    def _error_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"{name}_error")
        label.setStyleSheet(error_style())
        label.setWordWrap(True)
        label.hide()
        return label

    def _question(self, number: int, text: str) -> QLabel:
        label = QLabel(f"<b>{number}.</b> {text}")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    def _build_scales(self, body: QWidget) -> None:
        column = QVBoxLayout(body)
        wording = instruments.ITEM_WORDING[self.kind]
        for number, (text, (low, high)) in enumerate(
            zip(wording, SCALE_ANCHORS[self.kind], strict=True), start=1
        ):
            name = f"{self.kind.value}_item_{number}"
            field = (
                "nrs value" if self.kind is AssessmentKind.NRS else f"peg {PEG_KEYS[number - 1]}"
            )
            column.addWidget(self._question(number, text))
            row = QWidget()
            row.setObjectName(name)
            row.setAccessibleName(f"Question {number}")
            buttons = QHBoxLayout(row)
            buttons.setContentsMargins(12, 0, 0, 0)
            group = QButtonGroup(self)
            group.setObjectName(f"{name}_group")
            for value in range(11):
                radio = QRadioButton(str(value))
                radio.setObjectName(f"{name}_{value}")
                anchor = {0: f" — {low}", 10: f" — {high}"}.get(value, "")
                radio.setAccessibleName(f"Question {number}: {value}{anchor}")
                group.addButton(radio, value)
                buttons.addWidget(radio)
            buttons.addStretch(1)
            group.idToggled.connect(self._answer_changed)
            column.addWidget(row)
            anchors = QLabel(f"0 = {low}  …  10 = {high}")
            anchors.setStyleSheet(f"color: {fg('muted')}; margin-left: 12px;")
            column.addWidget(anchors)
            error = self._error_label(name)
            column.addWidget(error)
            column.addSpacing(10)
            self.items.append(_Item(number, field, error, group=group))
        column.addStretch(1)

    def _build_frequency(self, body: QWidget) -> None:
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        for column, response in enumerate(instruments.FREQUENCY_RESPONSES, start=1):
            header = QLabel(f"{response}\n({column - 1})")
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            header.setWordWrap(True)
            header.setFixedWidth(96)
            header.setStyleSheet("font-weight: 600;")
            grid.addWidget(header, 0, column, Qt.AlignmentFlag.AlignBottom)
        row = 1
        for number, text in enumerate(instruments.ITEM_WORDING[self.kind], start=1):
            name = f"{self.kind.value}_item_{number}"
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setStyleSheet("color: palette(mid);")
            grid.addWidget(line, row, 0, 1, 5)
            grid.addWidget(self._question(number, text), row + 1, 0)
            group = QButtonGroup(self)
            group.setObjectName(f"{name}_group")
            for value, response in enumerate(instruments.FREQUENCY_RESPONSES):
                radio = QRadioButton()
                radio.setObjectName(f"{name}_{value}")
                radio.setAccessibleName(f"Question {number}: {response}")
                radio.setToolTip(f"{response} ({value})")
                group.addButton(radio, value)
                grid.addWidget(radio, row + 1, value + 1, Qt.AlignmentFlag.AlignCenter)
            group.idToggled.connect(self._answer_changed)
            error = self._error_label(name)
            grid.addWidget(error, row + 2, 0, 1, 5)
            self.items.append(_Item(number, f"{self.kind.value} item {number}", error, group=group))
            row += 3
        grid.setRowStretch(row, 1)

    def _build_ort(self, body: QWidget) -> None:
        grid = QGridLayout(body)
        grid.setColumnStretch(0, 1)
        header = QLabel("Points")
        header.setStyleSheet("font-weight: 600;")
        grid.addWidget(header, 0, 1, Qt.AlignmentFlag.AlignRight)
        for number, (field, text) in enumerate(
            zip(instruments.ORT_FIELDS, instruments.ITEM_WORDING[self.kind], strict=True),
            start=1,
        ):
            box = QCheckBox(textwrap.fill(text, 72))  # a check box cannot word-wrap itself
            box.setObjectName(f"ort_item_{number}")
            box.setAccessibleName(text)
            if field == "age_16_to_45":
                box.setChecked(16 <= self.age <= 45)
                box.setToolTip("Pre-filled from the date of birth")
            box.toggled.connect(self._answer_changed)
            grid.addWidget(box, 2 * number - 1, 0)
            points = QLabel(self._ort_points(field))
            points.setStyleSheet(f"color: {fg('muted')};")
            grid.addWidget(points, 2 * number - 1, 1, Qt.AlignmentFlag.AlignRight)
            error = self._error_label(f"ort_item_{number}")
            grid.addWidget(error, 2 * number, 0, 1, 2)
            self.items.append(_Item(number, f"ort {field}", error, checkbox=box))
        grid.setRowStretch(2 * len(self.items) + 1, 1)

    def _ort_points(self, field: str) -> str:
        female, male = instruments.ORT_POINTS[field]
        if self.sex is AdministrativeSex.FEMALE:
            return f"+{female}"
        if self.sex is AdministrativeSex.MALE:
            return f"+{male}"
        return f"+{female} F / +{male} M"

    # ------------------------------------------------------------------ state
    def unanswered(self) -> list[int]:
        """Numbers of the questions still without an answer (ORT boxes always count)."""
        return [item.number for item in self.items if item.value() is None]

    def answers(self) -> dict[str, object]:
        """The answers in the shape the service stores (see instruments.score)."""
        values = [item.value() for item in self.items]
        if self.kind is AssessmentKind.NRS:
            return {"value": values[0]}
        if self.kind is AssessmentKind.PEG:
            return dict(zip(PEG_KEYS, values, strict=True))
        if self.kind is AssessmentKind.ORT:
            boxes: dict[str, object] = {"sex": self.sex.value}
            boxes.update(zip(instruments.ORT_FIELDS, values, strict=True))
            return boxes
        return {"items": values}

    def current_result(self) -> instruments.AssessmentResult | None:
        """The score of the answers so far, or None until every question is answered."""
        if self.unanswered():
            return None
        return instruments.score(self.kind, self.answers())

    def _answer_changed(self, *_: object) -> None:
        sender = self.sender()
        for item in self.items:
            if item.group is sender or item.checkbox is sender:
                item.error.hide()
        self._update_total()

    def _update_total(self) -> None:
        missing = self.unanswered()
        result = self.current_result()
        if result is None:
            answered = len(self.items) - len(missing)
            self.total_label.setText(
                f"Answered {answered} of {len(self.items)} — the total appears when every "
                "question is answered"
            )
            self.total_label.setStyleSheet(f"font-size: 13px; color: {fg('muted')};")
        else:
            band = result.band
            if self.kind is AssessmentKind.PEG:
                # Krebs 2009 publishes no PEG bands (docs/clinical-reference.md §4 "PEG")
                band = "no severity bands: compare with the baseline (≥ 30 % lower = meaningful)"
            self.total_label.setText(
                f"Total {format_total(self.kind, float(result.total))} · {band}"
            )
            self.total_label.setStyleSheet("font-size: 15px; font-weight: 600;")
            if not self.message.isHidden() and self.message.property("kind") == "missing":
                self.message.hide()
        item9 = self.kind is AssessmentKind.PHQ9 and (self.items[8].value() or 0) > 0
        self.alert.setVisible(bool(item9))
        self.advice_label.setText(_advice(result))
        self.advice_label.setVisible(bool(self.advice_label.text()))

    # ------------------------------------------------------------------- save
    def save(self) -> bool:
        """Validate, store through the service and close; False (with messages) when refused."""
        self.field_errors.clear()  # the questions' error lines too
        self.message.hide()
        missing = self.unanswered()
        if missing:
            for item in self.items:
                if item.number in missing:
                    item.error.setText("Please choose an answer.")
                    item.error.show()
            listed = ", ".join(str(n) for n in missing)
            plural = "s" if len(missing) > 1 else ""
            self._show_message(
                f"Answer every question before saving: question{plural} {listed} "
                f"{'are' if len(missing) > 1 else 'is'} unanswered.",
                "missing",
            )
            return False
        self.message.setProperty("kind", "service")  # from here on it says why not stored
        stored = service_result(
            self,
            self.field_errors,
            lambda: assessments.record_assessment(
                self.context.db,
                self.context.actor,
                self.patient_id,
                self.kind,
                self.answers(),
                taken_on=saved_date(self.taken_on),
            ),
            message=self.message,
        )
        if stored is None:
            return False
        self.stored = stored
        self.saved.emit(stored)
        self.accept()
        return True

    def _show_message(self, text: str, kind: str) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", kind)
        self.message.show()

    # --------------------------------------------------------------- settings
    def _settings_key(self) -> str:
        return f"assessmentDialog/{self.kind.value}/geometry"

    def done(self, code: int) -> None:
        remember_geometry(self, self._settings_key())
        super().done(code)

    def closeEvent(self, event: QCloseEvent) -> None:
        remember_geometry(self, self._settings_key())
        super().closeEvent(event)


def _advice(result: instruments.AssessmentResult | None) -> str:
    """What the score suggests, in the words of docs/clinical-reference.md §4."""
    if isinstance(result, instruments.Phq9Result):
        parts = []
        if result.suggest_psychiatry:
            parts.append("Suggests a psychiatry referral.")
        if result.phq2_positive:
            parts.append(f"PHQ-2 {result.phq2_total} / 6: positive screen.")
        return " ".join(parts)
    if isinstance(result, instruments.Gad7Result) and result.further_evaluation:
        return "Total ≥ 10: suggests further evaluation for anxiety."
    if isinstance(result, instruments.OrtResult):
        column = result.scored_as.label.lower()
        scored = f"Scored on the {column} column."
        if result.sex not in (AdministrativeSex.FEMALE, AdministrativeSex.MALE):
            scored = f"Sex {result.sex.value}: both columns scored, the higher ({column}) kept."
        if result.suggest_rehabilitation:
            return f"{suggestions.ORT_HIGH_REASON}. {scored}"
        return scored
    return ""


__all__ = ["SELF_HARM_TEXT", "AssessmentDialog", "format_total"]
