"""The chart's Headache profile tab: ICHD-3 type, frequency, medication days per drug class
with the medication-overuse risk, and the SNNOOP10 red-flag screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical import headache as headache_rules
from carecoord.clinical.headache import AcuteDrugClass, RedFlag
from carecoord.clinical.vocabulary import DataCategory, HeadacheType
from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import record
from carecoord.services.permissions import Action, allowed
from carecoord.services.record import HeadacheView
from carecoord.ui.forms import FieldErrors, combo, line_edit, text_edit, text_of
from carecoord.ui.kit.chart_tab import EditorTab
from carecoord.ui.kit.records import action_button
from carecoord.ui.kit.scroll import borderless_scroll
from carecoord.ui.style import bg, chip_fg, scheme

EMPTY_TEXT = "No headache profile — fill it in for neurology referrals"
RISK_LEVEL = {"none": "ok", "possible": "warning", "likely": "danger"}
RISK_EXPLANATION = (
    "ICHD-3 8.2: ≥10 days a month for triptans, ergots, opioids or combination "
    "analgesics, or for several classes together; ≥15 days for simple analgesics / "
    "NSAIDs; medication-overuse headache also needs headache on ≥15 days."
)
NOT_RECORDED = "not recorded"
RED_FLAG_NONE = "No red flags found (SNNOOP10 screen)."
RED_FLAG_NOT_SCREENED = "Red flags not screened yet (SNNOOP10)."


def risk_summary(
    days: int,
    days_by_class: dict[AcuteDrugClass, int | None] | None = None,
    headache_days: int = 0,
) -> tuple[str, str]:
    """(headline, level) for ``days`` of acute medication a month, by class when known."""
    risk = headache_rules.overuse_risk(days, days_by_class or {}, headache_days)
    return f"Medication-overuse risk: {risk.level}", RISK_LEVEL[risk.level]


class HeadacheTab(EditorTab):
    """Edit the patient's headache profile; the overuse risk updates while typing.

    A refused save is shown by :meth:`ChartTab.store` (beside its field, a conflict with
    the offer to reload, anything else in a box).

    Signals:
        changed(): the profile was saved.
    """

    OBJECT_NAME = "headacheTab"
    ACCESSIBLE_NAME = "Headache profile"

    def setup(self) -> None:
        self.profile: HeadacheView | None = None
        self.can_edit = allowed(self.context.actor.role, Action.EDIT_CLINICAL, DataCategory.GENERAL)
        self._build()
        self.reload()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.stack = QStackedWidget()
        self.stack.setObjectName("headacheStack")
        outer.addWidget(self.stack)

        empty = QWidget()
        empty.setObjectName("headacheEmpty")
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        message = QLabel(EMPTY_TEXT if self.can_edit else "No headache profile recorded.")
        message.setObjectName("headacheEmptyMessage")
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.setStyleSheet("font-size: 15px;")
        empty_layout.addWidget(message)
        if self.can_edit:
            start = action_button(
                "Fill in headache profile", "startHeadacheProfile", self.start_profile, primary=True
            )
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(start)
            row.addStretch(1)
            empty_layout.addLayout(row)
        empty_layout.addStretch(2)
        self.stack.addWidget(empty)
        self.empty_page = empty

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(self.title_row("Headache profile", "headacheSavedAt"))

        self.risk_frame = QFrame()
        self.risk_frame.setObjectName("overuseRiskPanel")
        risk_layout = QVBoxLayout(self.risk_frame)
        self.risk_label = QLabel()
        self.risk_label.setObjectName("overuseRisk")
        self.risk_label.setAccessibleName("Medication-overuse risk")
        risk_layout.addWidget(self.risk_label)
        self.risk_detail = QLabel(RISK_EXPLANATION)
        self.risk_detail.setObjectName("overuseRiskExplanation")
        self.risk_detail.setWordWrap(True)
        risk_layout.addWidget(self.risk_detail)
        page_layout.addWidget(self.risk_frame)
        self.flags_label = QLabel()
        self.flags_label.setObjectName("redFlagSummary")
        self.flags_label.setAccessibleName("Headache red flags")
        self.flags_label.setWordWrap(True)
        page_layout.addWidget(self.flags_label)

        form_holder = QWidget()
        holder_layout = QVBoxLayout(form_holder)
        form = QFormLayout()
        holder_layout.addLayout(form)
        holder_layout.addStretch(1)  # rows keep their height; spare room goes below
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.errors = FieldErrors()
        self.type_combo = combo([(t.label, t) for t in HeadacheType])
        self.type_combo.setObjectName("headacheType")
        self.errors.add_row(form, "ICHD-3 type:", "headache_type", self.type_combo)
        self.with_aura = QCheckBox("With aura")
        self.with_aura.setObjectName("withAura")
        self.errors.add_row(form, "Aura:", "with_aura", self.with_aura)
        self.attacks = self._spin(0, 999, " attacks")
        self.attacks.setObjectName("attacksPerMonth")
        self.errors.add_row(form, "Attacks per month:", "attacks_per_month", self.attacks)
        self.headache_days = self._spin(0, 31, " days")
        self.headache_days.setObjectName("headacheDaysPerMonth")
        self.errors.add_row(
            form, "Headache days per month:", "headache_days_per_month", self.headache_days
        )
        self.medication_days = self._spin(0, 31, " days")
        self.medication_days.setObjectName("acuteMedicationDaysPerMonth")
        self.errors.add_row(
            form,
            "Acute-medication days per month:",
            "acute_medication_days_per_month",
            self.medication_days,
        )
        self.class_days: dict[AcuteDrugClass, QSpinBox] = {}
        for drug_class in AcuteDrugClass:
            spin = self._spin(-1, 31, " days")
            spin.setSpecialValueText(NOT_RECORDED)
            spin.setObjectName(f"{drug_class.value}Days")
            spin.setAccessibleName(f"{drug_class.label}: days a month")
            self.class_days[drug_class] = spin
            self.errors.add_row(form, f"   {drug_class.label}:", drug_class.field, spin)
        self.triggers = line_edit(placeholder="e.g. sleep loss, red wine, bright light")
        self.triggers.setObjectName("headacheTriggers")
        self.errors.add_row(form, "Known triggers:", "triggers", self.triggers)
        self.notes = text_edit(lines=4)
        self.notes.setObjectName("headacheNotes")
        self.errors.add_row(form, "Notes:", "notes", self.notes)
        self.flags_box = QGroupBox("Red-flag screen (SNNOOP10)")
        self.flags_box.setObjectName("redFlagScreen")
        self.flags_box.setCheckable(True)
        self.flags_box.setToolTip(
            "Tick when the patient has been screened; any flag found makes the neurology "
            "referral suggestion urgent."
        )
        grid = QGridLayout(self.flags_box)
        self.flag_boxes: dict[RedFlag, QCheckBox] = {}
        for i, flag in enumerate(RedFlag):
            box = QCheckBox(flag.label)
            box.setObjectName(f"redFlag_{flag.value}")
            box.setAccessibleName(flag.label)
            self.flag_boxes[flag] = box
            grid.addWidget(box, i // 2, i % 2)
        # Label above, box across the full width: two columns of flags fit a narrow chart.
        flags_form = QFormLayout()
        flags_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        flags_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.errors.add_row(
            flags_form, "Red flags for a secondary headache:", "red_flags", self.flags_box
        )
        holder_layout.insertLayout(1, flags_form)
        page_layout.addWidget(borderless_scroll(form_holder), 1)

        self.type_combo.currentIndexChanged.connect(self.edited)
        self.with_aura.toggled.connect(self.edited)
        for spin in (
            self.attacks,
            self.headache_days,
            self.medication_days,
            *self.class_days.values(),
        ):
            spin.valueChanged.connect(self.edited)
        self.flags_box.toggled.connect(self.edited)
        for box in self.flag_boxes.values():
            box.toggled.connect(self.edited)
        self.triggers.textChanged.connect(self.edited)
        self.notes.textChanged.connect(self.edited)

        if self.can_edit:
            buttons = QHBoxLayout()
            buttons.addStretch(1)
            self.discard_button = action_button("Discard changes", "discardHeadache", self.reload)
            buttons.addWidget(self.discard_button)
            self.save_button = action_button(
                "Save profile",
                "saveHeadache",
                self.save,
                accessible="Save headache profile",
                primary=True,
            )
            buttons.addWidget(self.save_button)
            page_layout.addLayout(buttons)
        else:
            for widget in (
                self.type_combo,
                self.with_aura,
                self.attacks,
                self.headache_days,
                self.medication_days,
                *self.class_days.values(),
                self.flags_box,
                self.triggers,
            ):
                widget.setEnabled(False)
            self.notes.setReadOnly(True)
        self.stack.addWidget(page)
        self.form_page = page

    def _spin(self, low: int, high: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setMaximumWidth(140)
        return spin

    # ------------------------------------------------------------------- data
    def reload(self) -> None:
        """Reload the profile from the service, discarding unsaved edits."""
        try:
            self.profile = record.get_headache_profile(
                self.context.db, self.context.actor, self.patient_id
            )
        except CareCoordError as error:
            self.problem(error)
            return
        self._fill(self.profile)
        self.stack.setCurrentWidget(self.form_page if self.profile else self.empty_page)

    def _fill(self, profile: HeadacheView | None) -> None:
        with self.filling_fields():
            self.errors.clear()
            index = self.type_combo.findData(
                profile.headache_type if profile else HeadacheType.MIGRAINE
            )
            self.type_combo.setCurrentIndex(max(0, index))
            self.with_aura.setChecked(bool(profile and profile.with_aura))
            self.attacks.setValue(profile.attacks_per_month if profile else 0)
            self.headache_days.setValue(profile.headache_days_per_month if profile else 0)
            self.medication_days.setValue(profile.acute_medication_days_per_month if profile else 0)
            for drug_class, spin in self.class_days.items():
                days = profile.days_by_class.get(drug_class) if profile else None
                spin.setValue(-1 if days is None else days)
            found = profile.red_flags if profile else None
            self.flags_box.setChecked(found is not None)
            for flag, box in self.flag_boxes.items():
                box.setChecked(bool(found and flag in found))
            self.triggers.setText((profile.triggers or "") if profile else "")
            self.notes.setPlainText((profile.notes or "") if profile else "")
        self.set_dirty(False)
        if profile is not None and profile.recorded_at is not None:
            self.saved_label.setText(f"Last saved {profile.recorded_at.date().isoformat()}")
        else:
            self.saved_label.setText("Not saved yet")
        self._show_risk()

    def start_profile(self) -> None:
        """Show the empty form for a patient without a profile."""
        self._fill(None)
        self.stack.setCurrentWidget(self.form_page)
        self.set_dirty(True)
        self.type_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def edited(self, *_: object) -> None:
        """An edit also updates the overuse risk shown beside the form."""
        super().edited()
        if not self.filling:
            self._show_risk()

    def days_by_class(self) -> dict[AcuteDrugClass, int | None]:
        """The days per class as entered (None where "not recorded")."""
        return {c: (None if s.value() < 0 else s.value()) for c, s in self.class_days.items()}

    def red_flags(self) -> tuple[RedFlag, ...] | None:
        """The ticked red flags; None when the screen is not marked as done."""
        if not self.flags_box.isChecked():
            return None
        return tuple(f for f, box in self.flag_boxes.items() if box.isChecked())

    def _show_risk(self) -> None:
        days = self.medication_days.value()
        try:
            risk = headache_rules.overuse_risk(
                days, self.days_by_class(), self.headache_days.value()
            )
        except ValidationError:
            risk = headache_rules.OveruseRisk("none", ())
        headline, level = f"Medication-overuse risk: {risk.level}", RISK_LEVEL[risk.level]
        self.risk_label.setText(f"{headline[:1].upper()}{headline[1:]}")
        self.risk_frame.setStyleSheet(  # one sheet: the labels sit on the panel's colour
            f"QFrame#overuseRiskPanel {{ background: {bg(level)}; "
            f"border: 1px solid {chip_fg(level)}; border-radius: 6px; }}"
            f"QFrame#overuseRiskPanel QLabel {{ background: transparent; color: {scheme().text}; }}"
            f"QFrame#overuseRiskPanel QLabel#overuseRisk {{ color: {chip_fg(level)}; "
            "font-size: 17px; font-weight: 700; }"
        )
        reasons = " ".join(f"{r}." for r in risk.reasons)
        self.risk_detail.setText(
            f"This patient: {days} acute-medication day{'s' if days != 1 else ''} a month. "
            + (f"{reasons} " if reasons else "")
            + RISK_EXPLANATION
        )
        self._show_flags()

    def _show_flags(self) -> None:
        flags = self.red_flags()
        if flags is None:
            text, colour = RED_FLAG_NOT_SCREENED, chip_fg("warning")
        elif not flags:
            text, colour = RED_FLAG_NONE, chip_fg("ok")
        else:
            text = (
                "Red flags: "
                + "; ".join(f.label for f in flags)
                + " — urgent neurology referral suggested."
            )
            colour = chip_fg("danger")
        self.flags_label.setText(text)
        self.flags_label.setStyleSheet(f"font-weight: 600; color: {colour};")

    def overuse_risk(self) -> str:
        """The risk the panel shows ("none", "possible" or "likely")."""
        try:
            return headache_rules.overuse_risk(
                self.medication_days.value(), self.days_by_class(), self.headache_days.value()
            ).level
        except ValidationError:
            return "none"

    # ------------------------------------------------------------------- save
    def save(self) -> bool:
        """Store the profile; validation beside the field, a conflict offers a reload."""
        self.errors.clear()
        data = record.HeadacheInput(
            headache_type=self.type_combo.currentData(),
            attacks_per_month=self.attacks.value(),
            headache_days_per_month=self.headache_days.value(),
            acute_medication_days_per_month=self.medication_days.value(),
            with_aura=self.with_aura.isChecked(),
            triggers=text_of(self.triggers),
            notes=text_of(self.notes),
            **{c.field: days for c, days in self.days_by_class().items()},
            red_flags=self.red_flags(),
        )
        # Version 0 never exists: a profile someone else created meanwhile is a conflict.
        expected = self.profile.version if self.profile else 0
        saved = self.store(
            lambda: record.save_headache_profile(
                self.context.db,
                self.context.actor,
                self.patient_id,
                data,
                expected_version=expected,
            ),
            self.errors,
        )
        if saved is None:
            return False
        self.profile = saved
        self._fill(saved)
        self.tell_chart()
        return True


__all__ = ["EMPTY_TEXT", "HeadacheTab", "risk_summary"]
