"""The base of the main window's pages: the page protocol, written once.

The main window builds every section's page from its class with the session's context
alone (ui/navigation.py loads a ``type[Page]``), marks each showing with a read scope and,
before it closes, waits for the page's background work. A page names itself for tests
(``object_name``) and for screen readers (``accessible_name``, the section's name).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from carecoord.ui.context import AppContext


class Page(QWidget):
    """A section of the main window.

    Subclasses set ``object_name`` (found by tests with ``findChild``) and
    ``accessible_name`` (English; translated as the navigation entry of that name is, in
    the "MainWindow" context, so a screen reader names the page as the list does).
    """

    object_name: ClassVar[str]
    accessible_name: ClassVar[str]

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        # Set by the main window on each showing (ui/worker.py READ_SCOPE): the reads the
        # page makes while shown are audited once per showing.
        self.read_scope_key: Hashable | None = None
        self.setObjectName(self.object_name)
        self.setAccessibleName(QCoreApplication.translate("MainWindow", self.accessible_name))

    def wait_for_threads(self) -> None:
        """Wait for the page's background loads (the main window calls this before it
        closes, so no thread outlives its page); a page that starts none has none."""
