"""The built wheel carries resources/ and migrations/ and works from outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (built,) = out.glob("carecoord-*.whl")
    return built


def test_wheel_contains_migrations_resources_and_entry_point(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "carecoord/_migrations/env.py" in names
    assert any(n.startswith("carecoord/_migrations/versions/0001") for n in names)
    assert "carecoord/_migrations/script.py.mako" in names
    assert "carecoord/_resources/fonts/DejaVuSans.ttf" in names
    assert "carecoord/_resources/icons/carecoord.svg" in names
    assert "carecoord/_resources/icons/carecoord.ico" in names
    assert "carecoord/_resources/body_map.json" in names
    assert "carecoord/_resources/translations/carecoord_es.qm" in names  # Spanish screens
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    declared = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "carecoord = carecoord.cli:main" in declared
    # The desktop app without a console window (Windows' pythonw launcher).
    assert "[gui_scripts]\ncarecoord-gui = carecoord.cli:main" in declared


def test_installed_wheel_migrates_a_database_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("CARECOORD_DATABASE_URL", None)
    database = tmp_path / "installed.sqlite3"
    script = (
        "import carecoord.paths as p, sys; "
        "assert 'site' in str(p.migrations_dir()), p.migrations_dir(); "
        "assert p.resource('fonts', 'DejaVuSans.ttf').is_file(); "
        "from carecoord.cli import main; "
        f"sys.exit(main(['--database', {str(database)!r}, 'db', 'upgrade']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "(head)" in result.stdout
    assert database.exists()
