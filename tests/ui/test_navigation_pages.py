"""Every navigation entry loads its page class by an explicit import (no module strings)."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtWidgets import QWidget

from carecoord.ui.navigation import PAGES


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
