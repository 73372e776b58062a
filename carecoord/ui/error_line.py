"""The look of the red error line under a field.

Its own small module below both :mod:`carecoord.ui.forms` and
:mod:`carecoord.ui.date_field`: the date field draws its own error line, and the form
helpers build on the date field, so the shared style cannot live in either of them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from carecoord.ui.style import fg


def error_style() -> str:
    """The style of an error line beside a field (red that reads on this palette)."""
    return f"color: {fg('danger')}; font-size: 11px;"


def refusal_line(name: str) -> QLabel:
    """The hidden red line (object name ``name``) under a sign-in or unlock form that says
    why it was refused; shown with the reason."""
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(f"color: {fg('danger')};")
    label.setWordWrap(True)
    label.hide()
    return label
