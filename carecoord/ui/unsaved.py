"""Unsaved work: one small protocol every editing window or tab speaks, and one question.

A widget holding edits not stored yet answers :meth:`UnsavedWork.has_unsaved_work` and can
store them with :meth:`UnsavedWork.save_unsaved_work` (False when the service refused;
its errors are then shown beside the fields). Closing a chart or referral window,
quitting and switching user walk every widget of the windows concerned
(:func:`unsaved_parts`) and ask once (:func:`settle`): save, discard or cancel. A window
settled that way closes without asking again.

The question is :func:`ask` (a real message box); each window holds it as an attribute
(``ask_unsaved``) that tests replace, and tests/ui/conftest.py makes the default answer
"discard" so a window left dirty at a test's teardown never waits for a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from typing import Protocol, runtime_checkable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

SETTLED = "unsavedWorkSettled"  # property set on a window whose unsaved work was decided


@runtime_checkable
class UnsavedWork(Protocol):
    def has_unsaved_work(self) -> bool:
        """Whether edits here are not stored yet."""
        ...

    def save_unsaved_work(self) -> bool:
        """Store them; False when they could not be (the reason is shown)."""
        ...


class Choice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


Ask = Callable[[list[str]], Choice]


def unsaved_parts(window: QWidget) -> list[UnsavedWork]:
    """``window`` and every widget in it (its open dialogs too) holding unsaved work."""
    found: list[UnsavedWork] = []
    for widget in (window, *window.findChildren(QWidget)):
        if isinstance(widget, UnsavedWork) and widget.has_unsaved_work():
            found.append(widget)
    return found


def settle(windows: Iterable[QWidget], ask: Ask) -> bool:
    """Ask once about the unsaved work in ``windows``; True when they may close.

    Save stores every part (stopping at the first refusal: nothing closes then); Discard
    marks the windows settled so their own close does not ask again; Cancel keeps all.
    """
    given = list(windows)
    outer = [w for w in given if not any(_inside(w, other) for other in given)]
    pending = [(w, unsaved_parts(w)) for w in outer if not w.property(SETTLED)]
    pending = [(w, parts) for w, parts in pending if parts]
    if not pending:
        return True
    choice = ask([w.windowTitle() or "a window" for w, _ in pending])
    if choice is Choice.CANCEL:
        return False
    if choice is Choice.SAVE:
        return all(part.save_unsaved_work() for _, parts in pending for part in parts)
    for window in given:
        window.setProperty(SETTLED, True)
    return True


def field_values(root: QWidget) -> list[object]:
    """What a person can type or pick in ``root``'s fields, in widget order (compared
    with an earlier call, it tells whether anything was changed)."""
    values: list[object] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            values.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            values.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            values.append(widget.currentIndex())
        elif isinstance(widget, QAbstractSpinBox):
            values.append(widget.text())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            values.append(widget.isChecked())
    return values


class FormDialog(QDialog):
    """A dialog whose unsaved work is any field changed since it was first shown.

    Subclasses implement ``save`` (True when stored, the dialog then closes); windows
    find the open dialog through :func:`unsaved_parts` and ask before discarding it.
    """

    _shown_values: list[object] | None = None

    def showEvent(self, event: QShowEvent) -> None:
        if self._shown_values is None:  # the initial values: pre-filled, not typed
            self._shown_values = field_values(self)
        super().showEvent(event)

    def has_unsaved_work(self) -> bool:
        return (
            self.isVisible()
            and self._shown_values is not None
            and field_values(self) != self._shown_values
        )

    def save_unsaved_work(self) -> bool:
        return self.save()

    def save(self) -> bool:
        raise NotImplementedError


def _inside(window: QWidget, other: QWidget) -> bool:
    """Whether ``window`` (a dialog, say) belongs to ``other``: its work is asked about
    and saved once, as ``other``'s."""
    parent = window.parentWidget()
    while parent is not None:
        if parent is other:
            return True
        parent = parent.parentWidget()
    return False


def ask(
    parent: QWidget | None, where: list[str], *, can_save: bool = True, text: str = ""
) -> Choice:
    """Save / Discard / Cancel (without Save when another person would be saving)."""
    buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
    if can_save:
        buttons |= QMessageBox.StandardButton.Save
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes", "", buttons, parent)
    box.setObjectName("unsavedWorkQuestion")
    box.setText(text or "Some changes are not saved yet.")
    if not text:
        box.setInformativeText("In: " + "; ".join(where))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return Choice.SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return Choice.DISCARD
    return Choice.CANCEL


def asker(parent: QWidget, *, can_save: bool = True) -> Ask:
    """The window's question; :func:`ask` is looked up when asked (tests replace it)."""
    return lambda where: ask(parent, where, can_save=can_save)
