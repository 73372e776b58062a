""" "Add to calendar…": ask where to save the .ics a service made, and write it whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from carecoord.errors import CareCoordError
from carecoord.ui.errors import show_problem
from carecoord.ui.pdf_preview import write_atomically
from carecoord.ui.preferences import remember_folder, start_path

SETTINGS_FOLDER = "calendar/folder"
Chooser = Callable[[str], str | None]


def ask_ics_path(parent: QWidget | None, suggested: str) -> str | None:
    """The Qt save dialog, in the folder used last time."""
    path, _ = QFileDialog.getSaveFileName(
        parent, "Add to calendar", suggested, "Calendar files (*.ics)"
    )
    return path or None


def save_calendar_file(
    parent: QWidget | None,
    make: Callable[[], tuple[str, bytes]],
    choose: Chooser | None = None,
) -> Path | None:
    """Make the file (an audited service call), ask where, write it atomically.

    Returns:
        The file written, or None when cancelled or refused (the reason is shown).
    """
    try:
        name, data = make()
    except CareCoordError as error:
        show_problem(parent, error, "No calendar file")
        return None
    start = start_path(SETTINGS_FOLDER, name, str(Path.home()))
    chosen = (choose or (lambda s: ask_ics_path(parent, s)))(start)
    if not chosen:
        return None
    target = Path(chosen if chosen.lower().endswith(".ics") else f"{chosen}.ics")
    try:
        write_atomically(target, data)
    except OSError as error:
        show_problem(parent, CareCoordError(f"The calendar file could not be written: {error}"))
        return None
    remember_folder(SETTINGS_FOLDER, target)
    return target
