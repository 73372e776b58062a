"""Every navigation entry loads its page class by an explicit import (no module strings)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from carecoord.ui.context import AppContext
from carecoord.ui.kit.page import Page
from carecoord.ui.navigation import PAGES, PageSpec


def test_every_navigation_entry_loads_a_page_widget_named_for_it() -> None:
    loaded = {spec.key: spec.load() for spec in PAGES}
    assert list(loaded) == [
        "dashboard",
        "patients",
        "referrals",
        "intake",
        "review",
        "my_patients",
        "team",
        "settings",
        "audit",
    ]
    for key, page in loaded.items():
        assert issubclass(page, QWidget), key
    assert loaded["patients"].__name__ == "PatientsPage"
    assert loaded["audit"].__module__ == "carecoord.ui.audit_viewer"


@pytest.mark.parametrize("spec", PAGES, ids=[spec.key for spec in PAGES])
def test_every_navigation_entry_builds_a_page_from_the_context_alone(
    qtbot: QtBot, context: AppContext, spec: PageSpec
) -> None:
    """The main window builds each section as ``spec.load()(context=...)``: every loader
    gives a Page, named for tests and for screen readers, holding the session's context."""
    page_class = spec.load()
    assert issubclass(page_class, Page)
    page = page_class(context=context)
    qtbot.addWidget(page)
    assert page.context is context
    assert page.objectName() == page_class.object_name
    assert page.accessibleName() == page_class.accessible_name
    assert page.read_scope_key is None  # the main window sets it on each showing
    page.wait_for_threads()


def test_every_page_has_a_name_of_its_own() -> None:
    """Tests find pages by name (``auditPage`` in the main window, ``teamPage`` …)."""
    names = [spec.load().object_name for spec in PAGES]
    assert len(set(names)) == len(PAGES)
    assert {"auditPage", "myPatientsPage", "teamPage"} <= set(names)


def test_reading_the_navigation_imports_no_page_module() -> None:
    """Start-up builds the list from PAGES; the pages' modules load on first showing."""
    code = (
        "import sys; import carecoord.ui.navigation as n; "
        "print(sorted(m for m in sys.modules if m.startswith('carecoord.ui.') "
        "and m.endswith(('page', 'audit_viewer', 'dashboard'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"
