"""The accept / Cancel row of the product's dialogs (Save or OK, then Cancel), made one way.

The accept button runs ``accept`` (a form's own save, which accepts only when the
service stored it, or the dialog's accept); Cancel rejects. Both carry object names
(tests and style sheets find them) and accessible names; a Save is the dialog's primary
button (its style sheet role).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox

Standard = QDialogButtonBox.StandardButton


def accept_cancel_buttons(
    dialog: QDialog,
    accept: Callable[[], object],
    *,
    names: tuple[str, str],
    text: str | None = None,
    accessible: str | None = None,
    button: QDialogButtonBox.StandardButton = Standard.Save,
    primary: bool = True,
) -> QDialogButtonBox:
    """``button`` (labelled ``text``, or Qt's label) and Cancel for ``dialog``.

    ``names`` are the two buttons' object names; the accept button's accessible name is
    ``accessible``, else ``text``, else Qt's label without its mnemonic.
    """
    box = QDialogButtonBox(button | Standard.Cancel)
    accept_button = box.button(button)
    if text is not None:
        accept_button.setText(text)
    accept_button.setObjectName(names[0])
    accept_button.setAccessibleName(accessible or text or accept_button.text().replace("&", ""))
    if primary:
        accept_button.setProperty("role", "primary")
    cancel = box.button(Standard.Cancel)
    cancel.setObjectName(names[1])
    cancel.setAccessibleName("Cancel")
    box.accepted.connect(accept)
    box.rejected.connect(dialog.reject)
    return box


def ok_cancel_buttons(
    dialog: QDialog,
    accept: Callable[[], object],
    prefix: str,
    text: str | None = None,
    accessible: str | None = None,
) -> QDialogButtonBox:
    """OK (labelled ``text``, not primary) and Cancel, named ``<prefix>Ok`` and
    ``<prefix>Cancel``: the row of the small question and service dialogs."""
    return accept_cancel_buttons(
        dialog,
        accept,
        names=(f"{prefix}Ok", f"{prefix}Cancel"),
        text=text,
        accessible=accessible,
        button=Standard.Ok,
        primary=False,
    )


def save_cancel_buttons(
    dialog: QDialog, accept: Callable[[], object], prefix: str, text: str
) -> QDialogButtonBox:
    """Save (labelled ``text``, primary) and Cancel, named ``<prefix>Save`` and
    ``<prefix>Cancel``: the row of the account and password dialogs."""
    return accept_cancel_buttons(
        dialog, accept, names=(f"{prefix}Save", f"{prefix}Cancel"), text=text
    )
