"""The base of the dialogs that set a password typed twice (changing one's own, an
administrator's reset): one form, one check that the two agree, one way a save ends."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import QFormLayout, QVBoxLayout, QWidget

from carecoord.ui.context import AppContext
from carecoord.ui.forms import password_edit, require_same
from carecoord.ui.kit.dialog_buttons import save_cancel_buttons
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import hint


class PasswordRow(NamedTuple):
    """A password field: its object name, its label, the service's name for it and, for
    the repetition, the refusal shown under it when it differs from the new password."""

    name: str
    label: str
    field: str
    differs: str = ""


class NewPasswordDialog(ServiceFormDialog):
    """A new password and its repetition (:attr:`new`, :attr:`repeat`) under ``intro``.

    A subclass names the two rows (:attr:`NEW`, :attr:`REPEAT`, which says the refusal
    when the two differ), the save button (:attr:`SAVE`) and the title of a problem box
    (:attr:`PROBLEM_TITLE`); it may add rows above the new password
    (:meth:`add_rows_above`) and makes its service call in :meth:`store`.
    """

    NEW: PasswordRow
    REPEAT: PasswordRow
    SAVE: tuple[str, str]  # the buttons' object-name prefix, the save button's text
    PROBLEM_TITLE = "CareCoord"

    def __init__(
        self,
        *,
        context: AppContext,
        intro: str,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context=context, parent=parent, title=title)
        self.setMinimumWidth(420)
        form = QFormLayout()
        self.add_rows_above(form)
        self.new = password_edit(self.NEW.name)
        self.repeat = password_edit(self.REPEAT.name)
        self.errors.add_row(form, self.NEW.label, self.NEW.field, self.new)
        self.errors.add_row(form, self.REPEAT.label, self.REPEAT.field, self.repeat)
        buttons = save_cancel_buttons(self, self.save, *self.SAVE)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(intro))
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_dialog(self)

    def add_rows_above(self, form: QFormLayout) -> None:
        """Rows the form asks before the new password (none here)."""

    def save(self) -> bool:
        """Store the new password; True (and accepted) when the service took it."""
        return self.save_and_accept(self._store, self.PROBLEM_TITLE)

    def _store(self) -> None:
        """The service call of :meth:`save`, once the two passwords agree."""
        require_same(self.new, self.repeat, self.REPEAT.field, self.REPEAT.differs)
        self.store(self.new.text())

    def store(self, password: str) -> None:
        """The subclass's service call with the new ``password``."""
        raise NotImplementedError
