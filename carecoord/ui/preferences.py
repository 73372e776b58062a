"""What the desktop app remembers per user (Qt's QSettings), in one place.

:func:`store` is the only place the organisation and application names are written, so
every screen reads and writes the same per-user settings file. :func:`remember_columns`
is the one rule for tables that keep their column layout: restore what was saved (else
the default widths) and save again whenever a column is resized or moved.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QTableView

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


__all__ = ["APPLICATION", "ORGANISATION", "remember_columns", "store"]
