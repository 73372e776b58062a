"""Buttons the letter screens share, each with the object name tests and the style sheet
find it by and the name a screen reader says, built in one place."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from carecoord.ui.kit.records import action_button


def letter_button(
    text: str,
    name: str,
    accessible: str,
    slot: Callable[[], object],
    *,
    tip: str = "",
    hidden: bool = False,
) -> QPushButton:
    """:func:`action_button` with a longer spoken name and a tool tip; ``hidden`` for a
    button that appears only once there is something to do with it."""
    button = action_button(text, name, slot)
    button.setAccessibleName(accessible)
    button.setToolTip(tip)
    if hidden:
        button.hide()
    return button


def main_button(
    box: QDialogButtonBox, text: str, role: QDialogButtonBox.ButtonRole, name: str, spoken: str
) -> QPushButton:
    """The dialog's main button: drawn as primary and pressed by Enter."""
    button = box.addButton(text, role)
    button.setObjectName(name)
    button.setAccessibleName(spoken)
    button.setProperty("role", "primary")
    button.setDefault(True)
    return button


def standard_button(
    box: QDialogButtonBox, which: QDialogButtonBox.StandardButton, name: str, spoken: str
) -> QPushButton:
    """A standard button (Close, Cancel) with its object name and spoken name."""
    button = box.addButton(which)
    button.setObjectName(name)
    button.setAccessibleName(spoken)
    return button
