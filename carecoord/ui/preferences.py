"""What the desktop app remembers per user (Qt's QSettings), in one place.

:func:`store` is the only place the organisation and application names are written, so
every screen reads and writes the same per-user settings file. :func:`remember_columns`
is the one rule for tables that keep their column layout: restore what was saved (else
the default widths) and save again whenever a column is resized or moved.
:func:`last_folder` and :func:`remember_folder` are the one rule for file dialogs that
start in the folder used last time; :func:`ask_open_file` and :func:`ask_save_file` are
the whole dialog for the screens that need nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QFileDialog, QHeaderView, QTableView, QWidget

ORGANISATION = "CareCoord"
APPLICATION = "CareCoord"


def store() -> QSettings:
    """The per-user settings every window and table remembers its layout in."""
    return QSettings(ORGANISATION, APPLICATION)


def remember_columns(
    table: QTableView, key: str, default_widths: Sequence[int] | None = None
) -> None:
    """Give ``table`` the column layout saved under ``key`` (else ``default_widths``, one
    per column from the left) and save the layout each time a column is resized or moved.

    Saving as it changes (not when the screen closes) keeps the layout even when the
    window is never closed properly; the header, not the table, holds the connections, so
    nothing outlives it.
    """
    header = table.horizontalHeader()
    saved = store().value(key)
    if not (isinstance(saved, QByteArray) and not saved.isEmpty() and header.restoreState(saved)):
        for column, width in enumerate(default_widths or ()):
            header.resizeSection(column, width)
    header.sectionResized.connect(lambda *_: _save_header(header, key))
    header.sectionMoved.connect(lambda *_: _save_header(header, key))


def _save_header(header: QHeaderView, key: str) -> None:
    store().setValue(key, header.saveState())


def last_folder(key: str, fallback: str = "") -> str:
    """The folder saved under ``key``, or ``fallback`` when none was saved or it is gone.

    A folder deleted or unmounted since (a USB stick, a network share) would leave the
    dialog somewhere arbitrary, so it counts as never saved. ``fallback`` "" lets Qt pick.
    """
    folder = str(store().value(key, "") or "")
    return folder if folder and Path(folder).is_dir() else fallback


def remember_folder(key: str, chosen_path: str | Path) -> None:
    """Save under ``key`` the folder of ``chosen_path``: the path itself when it is a
    folder, else the folder the file is (or will be) in."""
    path = Path(chosen_path)
    store().setValue(key, str(path if path.is_dir() else path.parent))


def start_path(key: str, suggested: str, fallback: str = "") -> str:
    """Where a save dialog opens: ``suggested`` (a file name) in the folder used last time
    (else in ``fallback``; with neither, the bare name, so Qt picks the folder)."""
    folder = last_folder(key, fallback)
    return str(Path(folder) / suggested) if folder else suggested


def ask_open_file(
    parent: QWidget | None, key: str, title: str, file_filter: str, fallback: str = ""
) -> str | None:
    """The Qt open dialog in the folder remembered under ``key``; the chosen file's folder
    is remembered for next time. None when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, last_folder(key, fallback), file_filter)
    if not path:
        return None
    remember_folder(key, path)
    return path


def ask_save_file(
    parent: QWidget | None,
    key: str,
    title: str,
    suggested: str,
    file_filter: str,
    *,
    suffix: str = "",
    fallback: str = "",
) -> str | None:
    """The Qt save dialog offering ``suggested`` in the folder remembered under ``key``;
    the chosen folder is remembered for next time. ``suffix`` (".csv") is added when the
    typed name lacks it. None when cancelled."""
    path, _ = QFileDialog.getSaveFileName(
        parent, title, start_path(key, suggested, fallback), file_filter
    )
    if not path:
        return None
    if suffix and not path.lower().endswith(suffix):
        path += suffix
    remember_folder(key, path)
    return path


__all__ = [
    "APPLICATION",
    "ORGANISATION",
    "ask_open_file",
    "ask_save_file",
    "last_folder",
    "remember_columns",
    "remember_folder",
    "start_path",
    "store",
]
