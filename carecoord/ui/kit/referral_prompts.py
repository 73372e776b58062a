"""Small modal questions of the referral workflow: why, how and when it was sent, which date.

In the kit so that the letter preview (which asks how a letter left) and the referral
screens use them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import DeliveryMethod
from carecoord.ui.forms import combo, date_edit, date_of
from carecoord.ui.kit.dialog_buttons import ok_cancel_buttons
from carecoord.ui.screen_fit import fit_dialog


@dataclass(frozen=True)
class SendDetails:
    """How and when a referral left the clinic."""

    method: DeliveryMethod
    sent_on: date


class _Prompt(QDialog):
    """A small modal question with OK/Cancel; OK stays disabled until the answer is usable."""

    def __init__(self, title: str, object_name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.buttons = ok_cancel_buttons(self, self.accept, "prompt", accessible="OK")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        fit_dialog(self)


class ReasonDialog(_Prompt):
    """Asks why (declining, cancelling, holding, a note); a blank answer cannot be confirmed."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(title, "reasonDialog", parent)
        self.text = QPlainTextEdit()
        self.text.setObjectName("reasonText")
        self.text.setAccessibleName(prompt)
        self.text.setTabChangesFocus(True)
        self.text.setMinimumSize(380, 90)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.form.addRow(label)
        self.form.addRow(self.text)
        self.text.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.answer()))

    def answer(self) -> str | None:
        return self.text.toPlainText().strip() or None


class SendDialog(_Prompt):
    """Asks how the referral was sent (print, fax, e-mail, portal, by hand) and on which day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Mark sent", "sendDialog", parent)
        self.method = combo([("Choose…", None)] + [(m.label, m) for m in DeliveryMethod])
        self.method.setObjectName("sendMethod")
        self.method.setAccessibleName("Sent by")
        self.sent_on = date_edit(date.today())
        self.sent_on.setObjectName("sentOn")
        self.sent_on.setAccessibleName("Sent on")
        self.sent_on.setMaximumDate(QDate.currentDate())
        self.form.addRow("Sent by:", self.method)
        self.form.addRow("Sent on:", self.sent_on)
        self.method.currentIndexChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.method.currentData()))

    def answer(self) -> SendDetails | None:
        method = self.method.currentData()
        sent_on = date_of(self.sent_on)
        if not method or sent_on is None:
            return None
        return SendDetails(DeliveryMethod(method), sent_on)


class DateDialog(_Prompt):
    """Asks for one date (the appointment)."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(title, "dateDialog", parent)
        self.date = date_edit(date.today())
        self.date.setObjectName("promptDate")
        self.date.setAccessibleName(prompt.rstrip(":"))
        self.form.addRow(prompt, self.date)

    def answer(self) -> date | None:
        return date_of(self.date)


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    dialog = ReasonDialog(title, prompt, parent)
    return dialog.answer() if dialog.exec() else None


def ask_send(parent: QWidget | None) -> SendDetails | None:
    dialog = SendDialog(parent)
    return dialog.answer() if dialog.exec() else None


def ask_date(parent: QWidget | None, title: str, prompt: str) -> date | None:
    dialog = DateDialog(title, prompt, parent)
    return dialog.answer() if dialog.exec() else None
