"""A small form dialog whose OK runs a service call and shows refusals beside the fields
(every chart tab's add/edit dialogs build on it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import ValidationError
from carecoord.ui import forms, style
from carecoord.ui.context import AppContext
from carecoord.ui.kit.dialog_buttons import ok_cancel_buttons
from carecoord.ui.screen_fit import fit_dialog


class ServiceDialog(QDialog):
    """A small form dialog whose OK runs a service call; refusals are shown beside fields.

    Subclasses fill ``self.form`` through ``self.errors.add_row`` and implement ``save``,
    which calls :meth:`attempt`. ``reload`` runs when the person chooses to reload after a
    conflict (the dialog then closes: the record it edited has changed). A dialog whose
    title, object name or OK text never change says them as :attr:`TITLE`, :attr:`NAME`
    and :attr:`OK_TEXT` instead of passing them.
    """

    TITLE = ""
    NAME = ""
    OK_TEXT = ""

    def __init__(
        self,
        *,
        context: AppContext,
        title: str = "",
        name: str = "",
        ok_text: str = "",
        parent: QWidget | None = None,
        reload: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.reload = reload
        name = name or self.NAME
        ok_text = ok_text or self.OK_TEXT
        self.setObjectName(name)
        self.setWindowTitle(title or self.TITLE)
        self.errors = forms.FieldErrors(grows=self)
        self.intro = style.hint("")
        self.intro.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.buttons = ok_cancel_buttons(self, self.save, name, ok_text)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        fit_dialog(self)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.show()

    def save(self) -> None:
        raise NotImplementedError

    def reroute(self, error: ValidationError) -> ValidationError:
        """An error wrapped under another field ("frequency: max_doses_per_day: ...") goes
        to the field it names, when this form has that field."""
        inner, _, message = error.message.partition(": ")
        if message and inner in self.errors.labels:
            return ValidationError(inner, message)
        return error

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run ``action``; True when it succeeded (then the dialog is accepted).

        A refusal shows as every form shows one (:func:`~carecoord.ui.forms.service_call`),
        a rule wrapped under another field rerouted to it; a temporary failure offers Retry;
        choosing to reload after a conflict closes the dialog."""
        self.errors.clear()
        if not forms.service_call(
            self,
            self.errors,
            action,
            self.windowTitle(),
            reload=self._reload_and_close,
            explain=self.reroute,
            retry=True,
        ):
            return False
        self.accept()
        return True

    def _reload_and_close(self) -> None:
        if self.reload is not None:
            self.reload()
        self.reject()


# ---------------------------------------------------------------------- medications


class DatedChangeDialog(ServiceDialog):
    """Asks the one date a change to a record takes effect (a membership's last day, a
    medication's stop date), today by default, under a sentence saying what changes.

    A subclass builds the dialog as any :class:`ServiceDialog`, then calls
    :meth:`ask_date`.
    """

    on: forms.DateField
    change: Callable[[date | None], object]

    def ask_date(
        self, label: str, field: str, intro: str, change: Callable[[date | None], object]
    ) -> None:
        """Add the date row and say what changes. ``change(day)`` makes the service call
        with the date entered (None when blank, for the service to refuse); ``field`` is
        the name the service's refusal gives for the date, so it shows beside it."""
        self.change = change
        self.on = forms.date_edit(date.today())
        self.errors.add_row(self.form, label, field, self.on)
        self.set_intro(intro)

    def save(self) -> None:
        self.attempt(lambda: self.change(forms.saved_date(self.on)))
