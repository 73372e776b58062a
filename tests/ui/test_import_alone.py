"""The referral and letter screens each load on their own, in a fresh interpreter.

They used to import each other at module level: importing the referral actions first
failed half-way ("partially initialized module"), so which test ran first decided
whether a test file could be collected.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

FIRST_IMPORTS = [
    "carecoord.ui.kit.referral_actions",
    "carecoord.ui.referrals.editor",
    "carecoord.ui.referrals.worklist_page",
    "carecoord.ui.letters.preview",
    "carecoord.ui.letters.batch",
]


@pytest.mark.parametrize("module", FIRST_IMPORTS)
def test_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
