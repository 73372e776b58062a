"""docs/permissions.md is the permission matrix as the code has it, regenerated."""

from __future__ import annotations

from pathlib import Path

from carecoord.tools import permissions_doc

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_the_committed_permissions_document_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == permissions_doc.render(), (
        "docs/permissions.md is stale: run python -m carecoord.tools.permissions_doc"
    )


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "permissions.md"
    stale.write_text("# Permissions\n\nout of date\n", encoding="utf-8")
    assert permissions_doc.main(["--check", "--output", str(stale)]) == 1
    assert permissions_doc.main(["--output", str(stale)]) == 0
    assert permissions_doc.main(["--check", "--output", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
