"""The checklist before a letter: which sections and items go to the specialist."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import DataCategory
from carecoord.services import letters, referrals
from carecoord.services.letters import ItemChoice, LetterChoices, LetterOptions, Section
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.letters.buttons import letter_button, main_button, standard_button
from carecoord.ui.screen_fit import remember_geometry, restore_geometry
from carecoord.ui.style import chip, fg, hint, page_title

ALWAYS_PRINTED = (
    "Always printed: letterhead, date, recipient, patient identification, urgency, "
    "reason and question, and your signature."
)
SENSITIVE_NOTE = (
    "This referral is marked sensitive: only staff who may read psychiatric and "
    "substance-use information can print it. What a treating specialist needs stays "
    "ticked; outside mental-health and addiction care, psychiatric and substance-use "
    "items go only if you tick them."
)
OMITTED_NOTE = (
    "Anything left out is named in the letter (“Not included in this letter: …”), so "
    "the specialist never reads a choice as “none”."
)
SECTION_HINTS: dict[Section, str] = {
    Section.EMPHASIS: "What this discipline looks for first, drawn from the chart.",
    Section.ALLERGIES: "Every recorded allergy and intolerance.",
    Section.TREATMENTS_TRIED: "From the referral's “Treatments tried” field.",
    Section.PATIENT_TOLD: "From the referral's “Patient was told” field.",
    Section.PLAN: "The active treatment plan's goals and activities.",
    Section.PAIN_DRAWING: "The newest pain drawing: body diagram, legend and regions.",
    Section.AUTHORIZATION: "Payer, authorization number, visits and validity.",
}
CATEGORY_BADGES: dict[DataCategory, tuple[str, str]] = {
    DataCategory.PSYCHIATRIC: ("psychiatric", "warning"),
    DataCategory.SUBSTANCE_USE: ("substance use", "danger"),
}
SETTINGS_GEOMETRY = "letterChoices/geometry"


def _item_row(item: ItemChoice, name: str) -> tuple[QCheckBox, QWidget]:
    """A checkbox for one item, its detail in grey and a badge for sensitive data."""
    box = QCheckBox(item.label)
    box.setObjectName(name)
    box.setChecked(item.selected and not item.blocked)
    if item.blocked:
        box.setEnabled(False)
        box.setToolTip(item.blocked)
    badge = CATEGORY_BADGES.get(item.category)
    box.setAccessibleName(f"{item.label}, {item.detail}" + (f", {badge[0]}" if badge else ""))
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.setSpacing(8)
    line.addWidget(box)
    detail = QLabel(item.detail)
    detail.setStyleSheet(f"color: {fg('muted')};")
    line.addWidget(detail)
    if badge is not None:
        label = chip(badge[0], badge[1])
        label.setObjectName(f"{name}Badge")
        line.addWidget(label)
    if item.blocked:
        blocked = chip("Part 2: no consent", "danger")
        blocked.setObjectName(f"{name}Blocked")
        blocked.setToolTip(item.blocked)
        line.addWidget(blocked)
    line.addStretch(1)
    return box, row


class _ItemGroup:
    """One list section: its items' checkboxes with All / None.

    The section prints when at least one item is ticked: a section switched on with
    nothing ticked would print "None recorded." and mislead the specialist. A list with
    nothing on the chart gets one checkbox instead (there "None recorded." is true).
    """

    def __init__(self, title: str, name: str, on: bool, items: tuple[ItemChoice, ...]) -> None:
        self.box = QGroupBox(title)
        self.box.setObjectName(f"section_{name}")
        self.box.setAccessibleName(title)
        self.items: dict[int, QCheckBox] = {}
        self.empty_check: QCheckBox | None = None
        layout = QVBoxLayout(self.box)
        layout.setSpacing(2)
        if not items:
            self.empty_check = QCheckBox("Include the section: nothing is recorded on the chart")
            self.empty_check.setObjectName(f"include_{name}")
            self.empty_check.setAccessibleName(f"Include {title} (nothing recorded)")
            self.empty_check.setChecked(on)
            layout.addWidget(self.empty_check)
            return
        head = QHBoxLayout()
        self.all_button = self._link("All", f"selectAll_{name}", f"Tick every item in {title}")
        self.none_button = self._link("None", f"selectNone_{name}", f"Untick all of {title}")
        self.all_button.clicked.connect(lambda: self.select_all(True))
        self.none_button.clicked.connect(lambda: self.select_all(False))
        self.count = QLabel()
        self.count.setObjectName(f"count_{name}")
        self.count.setStyleSheet(f"color: {fg('muted')};")
        head.addWidget(QLabel("Select:"))
        head.addWidget(self.all_button)
        head.addWidget(self.none_button)
        head.addStretch(1)
        head.addWidget(self.count)
        layout.addLayout(head)
        for item in items:
            check, row = _item_row(item, f"item_{name}_{item.id}")
            check.setChecked(on and item.selected and not item.blocked)
            check.toggled.connect(self._update_count)
            self.items[item.id] = check
            layout.addWidget(row)
        self._update_count()

    @staticmethod
    def _link(text: str, name: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setProperty("role", "link")
        return button

    def _update_count(self) -> None:
        ticked = len(self.ticked())
        self.count.setText(
            f"{ticked} of {len(self.items)} ticked" if ticked else "Left out of the letter"
        )

    def select_all(self, on: bool) -> None:
        for check in self.items.values():
            check.setChecked(on and check.isEnabled())

    def ticked(self) -> frozenset[int]:
        return frozenset(i for i, check in self.items.items() if check.isChecked())

    def is_on(self) -> bool:
        if self.empty_check is not None:
            return self.empty_check.isChecked()
        return bool(self.ticked())


class LetterChoicesDialog(QDialog):
    """The referrer ticks what the letter carries; OK returns the options to print.

    Pre-selected by the recipient's discipline (``services.letters.default_options``);
    a Part 2 diagnosis without the patient's consent is shown but cannot be ticked until
    a consent is recorded (Part 2 consent…). Only items the user may send are listed.
    After ``exec()`` returns Accepted, read :meth:`options` and :attr:`packet` (also
    available before, for tests and scripts).

    Raises:
        NotFound, PermissionDenied: from the service, when the letter may not be printed.
    """

    def __init__(
        self, *, context: AppContext, referral_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.referral_id = referral_id
        self.choices: LetterChoices = letters.default_options(
            context.db, context.actor, referral_id
        )
        view = referrals.get_referral(context.db, context.actor, referral_id)
        self.setObjectName("letterChoicesDialog")
        self.setWindowTitle(f"Letter contents — {view.patient_name}")
        self.setSizeGripEnabled(True)
        self.groups: dict[Section, _ItemGroup] = {}
        self.section_checks: dict[Section, QCheckBox] = {}
        self.document_checks: dict[int, QCheckBox] = {}
        # Shows the consent form; an attribute so tests answer it.
        self.run_consent_dialog: Callable[[QDialog], bool] = lambda form: bool(form.exec())
        self._build(view.patient_name, view.discipline.label, view.recipient_name)
        self._restore()

    # ------------------------------------------------------------------ layout
    def _build(self, patient: str, discipline: str, recipient: str | None) -> None:
        title = page_title("What goes in the letter")
        to = f"To {recipient} ({discipline})" if recipient else f"To {discipline}"
        reference = f" · Ref. {self.choices.reference}" if self.choices.reference else ""
        subtitle = QLabel(f"{to} · about {patient}{reference}")
        subtitle.setObjectName("choicesSubtitle")
        top = QVBoxLayout()
        top.addWidget(title)
        top.addWidget(subtitle)
        if self.choices.sensitive:
            row = QHBoxLayout()
            badge = chip("Sensitive referral", "warning")
            badge.setObjectName("sensitiveChip")
            row.addWidget(badge)
            note = hint(SENSITIVE_NOTE)
            note.setObjectName("sensitiveNote")
            row.addWidget(note, 1)
            top.addLayout(row)
        always = hint(f"{ALWAYS_PRINTED} {OMITTED_NOTE}")
        always.setObjectName("alwaysPrinted")
        top.addWidget(always)
        if self._has_part2():
            top.addLayout(self._build_consent())

        body = QWidget()
        body.setObjectName("choicesBody")
        column = QVBoxLayout(body)
        simple = QGroupBox("Sections")
        simple.setObjectName("simpleSections")
        grid = QGridLayout(simple)
        grid.setColumnStretch(1, 1)
        for choice in self.choices.sections:
            name = choice.section.value
            if choice.section in (
                Section.DIAGNOSES,
                Section.MEDICATIONS,
                Section.SCORES,
                Section.RESULTS,
            ):
                group = _ItemGroup(choice.title, name, choice.selected, choice.items)
                self.groups[choice.section] = group
                column.addWidget(group.box)
                continue
            check = QCheckBox(choice.title)
            check.setObjectName(f"section_{name}")
            check.setAccessibleName(choice.title)
            check.setChecked(choice.selected)
            self.section_checks[choice.section] = check
            line = grid.rowCount()
            grid.addWidget(check, line, 0)
            grid.addWidget(hint(SECTION_HINTS.get(choice.section, "")), line, 1)
        column.insertWidget(0, simple)
        column.addWidget(self._build_packet())
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("choicesScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        buttons = QDialogButtonBox()
        self.preview_button = main_button(
            buttons,
            "Preview letter",
            QDialogButtonBox.ButtonRole.AcceptRole,
            "previewLetter",
            "Preview the letter",
        )
        standard_button(buttons, QDialogButtonBox.StandardButton.Cancel, "cancelChoices", "Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)

    def _has_part2(self) -> bool:
        diagnoses = self.choices.section(Section.DIAGNOSES)
        return diagnoses is not None and any("Part 2" in item.detail for item in diagnoses.items)

    def _build_consent(self) -> QHBoxLayout:
        """The patient's 42 CFR Part 2 consent for this recipient, and a way to record it."""
        row = QHBoxLayout()
        consent = self.choices.part2_consent
        self.consent_label = hint(
            f"Part 2 consent in force: {consent}"
            if consent
            else "No 42 CFR Part 2 consent on file for this recipient: diagnoses from a "
            "Part 2 program cannot go in this letter."
        )
        self.consent_label.setObjectName("part2ConsentStatus")
        self.consent_button = letter_button(
            "Part 2 consent…",
            "recordPart2Consent",
            "Record the patient's Part 2 consent",
            self.record_consent,
        )
        row.addWidget(self.consent_label, 1)
        row.addWidget(self.consent_button)
        return row

    def record_consent(self) -> bool:
        """Record a consent, then unlock the Part 2 items it covers; True when recorded."""
        from carecoord.ui.letters.consent_dialog import Part2ConsentDialog

        view = referrals.get_referral(self.context.db, self.context.actor, self.referral_id)
        dialog = Part2ConsentDialog(
            chart=ChartScope(self.context, view.patient_id),
            recipient_member_id=view.recipient_member_id,
            recipient_name=view.recipient_name,
            parent=self,
        )
        if not self.run_consent_dialog(dialog):
            return False
        self.choices = letters.default_options(
            self.context.db, self.context.actor, self.referral_id
        )
        group = self.groups.get(Section.DIAGNOSES)
        section = self.choices.section(Section.DIAGNOSES)
        if group is not None and section is not None:
            for item in section.items:
                check = group.items.get(item.id)
                if check is not None and not item.blocked and not check.isEnabled():
                    check.setEnabled(True)
                    check.setToolTip("")
                    check.setChecked(item.selected)
                    badge = self.findChild(QLabel, f"item_diagnoses_{item.id}Blocked")
                    if badge is not None:
                        badge.hide()
        if self.choices.part2_consent:
            self.consent_label.setText(f"Part 2 consent in force: {self.choices.part2_consent}")
        return True

    def _build_packet(self) -> QWidget:
        box = QGroupBox("Referral packet")
        box.setObjectName("packetGroup")
        layout = QVBoxLayout(box)
        self.packet_check = QCheckBox("Build packet: the letter followed by the documents ticked")
        self.packet_check.setObjectName("buildPacket")
        self.packet_check.setAccessibleName("Build a referral packet with attached documents")
        layout.addWidget(self.packet_check)
        documents = QWidget()
        documents.setObjectName("packetDocuments")
        rows = QVBoxLayout(documents)
        rows.setContentsMargins(22, 0, 0, 0)
        rows.setSpacing(2)
        for item in self.choices.documents:
            check, row = _item_row(item, f"document_{item.id}")
            self.document_checks[item.id] = check
            rows.addWidget(row)
        layout.addWidget(documents)
        if self.choices.documents:
            layout.addWidget(hint("PDFs are appended page for page; images become one page each."))
            self.packet_check.setChecked(any(d.selected for d in self.choices.documents))
        else:
            self.packet_check.setEnabled(False)
            layout.addWidget(hint("No documents on this patient's chart to attach."))
        self.packet_check.toggled.connect(documents.setEnabled)
        documents.setEnabled(self.packet_check.isChecked())
        return box

    # ------------------------------------------------------------------ results
    @property
    def packet(self) -> bool:
        """Whether to append the ticked documents after the letter."""
        return self.packet_check.isChecked() and bool(self.document_ids())

    def document_ids(self) -> frozenset[int]:
        return frozenset(i for i, check in self.document_checks.items() if check.isChecked())

    def section_on(self, section: Section) -> bool:
        if section in self.groups:
            return self.groups[section].is_on()
        check = self.section_checks.get(section)
        return check is not None and check.isChecked()

    def options(self) -> LetterOptions:
        """What is ticked now, as the service's options."""

        def ticked(section: Section) -> frozenset[int]:
            group = self.groups.get(section)
            return group.ticked() if group is not None else frozenset()

        return LetterOptions(
            sections=frozenset(
                s.section for s in self.choices.sections if self.section_on(s.section)
            ),
            diagnosis_ids=ticked(Section.DIAGNOSES),
            medication_ids=ticked(Section.MEDICATIONS),
            assessment_ids=ticked(Section.SCORES),
            result_ids=ticked(Section.RESULTS),
            document_ids=self.document_ids() if self.packet_check.isChecked() else frozenset(),
        )

    def item_check(self, section: Section, item_id: int) -> QCheckBox:
        """The checkbox of one diagnosis, medication or score (for scripts and tests)."""
        return self.groups[section].items[item_id]

    # ------------------------------------------------------------------ geometry
    def _restore(self) -> None:
        restore_geometry(self, SETTINGS_GEOMETRY, 720, 720)

    def done(self, result: int) -> None:
        remember_geometry(self, SETTINGS_GEOMETRY)
        super().done(result)
