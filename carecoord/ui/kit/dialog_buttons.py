"""The Save / Cancel row of the product's form dialogs, made one way.

Save is the dialog's primary button (its style sheet role) and runs the dialog's own
save, which accepts only when the service stored the form; Cancel rejects. Both carry
object names (tests and style sheets find them) and accessible names.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def save_cancel_buttons(
    dialog: QDialog,
    save: Callable[[], object],
    *,
    names: tuple[str, str],
    text: str | None = None,
    accessible: str | None = None,
) -> QDialogButtonBox:
    """Save (labelled ``text``, or Qt's "Save") and Cancel for ``dialog``.

    ``names`` are the two buttons' object names; the Save button's accessible name is
    ``accessible``, else its label.
    """
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    save_button = box.button(QDialogButtonBox.StandardButton.Save)
    if text is not None:
        save_button.setText(text)
    save_button.setObjectName(names[0])
    save_button.setAccessibleName(accessible or save_button.text())
    save_button.setProperty("role", "primary")
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setObjectName(names[1])
    cancel.setAccessibleName("Cancel")
    box.accepted.connect(save)
    box.rejected.connect(dialog.reject)
    return box
