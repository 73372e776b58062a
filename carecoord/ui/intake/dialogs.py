"""The questions the Intake page asks: accept (priority and coordinating physician), a
reason, a date, and whether a look-alike chart is the referred patient.

Each is a plain function returning the answer (None: cancelled), so the page holds them
as attributes that tests replace; none is opened by a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import Priority
from carecoord.services.patients import PatientSummary
from carecoord.services.team import MemberView
from carecoord.ui import forms, style

LinkAnswer = Literal["link", "new", "cancel"]


@dataclass(frozen=True)
class Acceptance:
    priority: Priority
    coordinating_member_id: int | None


def _dialog(parent: QWidget | None, title: str, name: str) -> tuple[QDialog, QFormLayout]:
    dialog = QDialog(parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    form = QFormLayout()
    layout.addLayout(form)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return dialog, form


def ask_acceptance(
    parent: QWidget | None, requested: Priority, physicians: list[MemberView]
) -> Acceptance | None:
    """The triaged priority (the requested one preselected) and the coordinating physician."""
    dialog, form = _dialog(parent, "Accept the referral", "acceptDialog")
    priority = forms.combo([(p.label, p.value) for p in Priority], requested.value)
    members = forms.combo([("Choose…", None)] + [(m.display_name, m.id) for m in physicians], None)
    form.addRow("Priority", priority)
    form.addRow("Coordinating physician", members)
    form.addRow("", style.hint("The physician joins the patient's care team."))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return Acceptance(Priority(priority.currentData()), members.currentData())


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    """A reason (declining, asking for information, withdrawal), at most 1,000 characters."""
    dialog, form = _dialog(parent, title, "reasonDialog")
    text = forms.limited_text(max_length=1000, lines=4)
    form.addRow(prompt, text)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return forms.text_of(text) or ""


def ask_date(parent: QWidget | None, title: str, prompt: str) -> date | None:
    """One date (the first visit, the day the patient was seen); today preselected."""
    dialog, form = _dialog(parent, title, "dateDialog")
    field = forms.date_edit(date.today())
    form.addRow(prompt, field)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return forms.date_of(field)


def ask_link(parent: QWidget | None, matches: list[PatientSummary]) -> LinkAnswer:
    """Whether the registered look-alike is the referred patient (link), another person
    of the same name (register a new chart), or to stop."""
    listed = "\n".join(
        f"• {m.display_name}, born {m.date_of_birth.isoformat()}, MRN {m.mrn}" for m in matches[:8]
    )
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Is this the referred patient?",
        "A registered patient has the same name and date of birth:",
        parent=parent,
    )
    box.setObjectName("linkPatientDialog")
    box.setInformativeText(
        f"{listed}\n\nLink the referral to this chart only if it is the same person."
    )
    link = box.addButton("Link to this chart", QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton("Register a different person", QMessageBox.ButtonRole.ActionRole)
    back = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    if len(matches) > 1:
        link.setEnabled(False)  # several look-alikes: open the charts and check first
    box.exec()
    if box.clickedButton() is link:
        return "link"
    return "new" if box.clickedButton() is new else "cancel"
