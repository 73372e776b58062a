"""The PyInstaller bundle of carecoord.spec works on its own: built once per run into a
temporary folder, then its console and windowed executables are run as a clinic would.

Why: a frozen app finds its migrations, resources and the data files of its dependencies
differently from a checkout (a first manual bundle failed at ``db upgrade`` with
``ModuleNotFoundError: carecoord._migrations``), and nothing else in the suite runs the
frozen program. Every run uses its own HOME and XDG folders, so nothing touches the
tester's files. (The folder is tests/bundle, not tests/dist: pytest never collects a
folder named dist or build.)
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from carecoord import __version__
from carecoord.db import head_revision

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "carecoord.spec"
SUFFIX = ".exe" if sys.platform == "win32" else ""
BUILD_TIMEOUT = 900  # seconds; a build on a 2-core machine takes about one minute

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None,
        reason="PyInstaller is not installed (the lock's `dist` extra; `make` installs it)",
    ),
]


def clean_environment(home: Path) -> dict[str, str]:
    """This process's environment with every per-user folder below ``home`` and nothing
    that would point CareCoord at another database or settings file."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CARECOORD_", "COV_CORE_", "COVERAGE_", "PG"))
    }
    for variable, folder in (
        ("HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("APPDATA", "appdata"),
        ("LOCALAPPDATA", "localappdata"),
    ):
        (home / folder).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / folder)
    env["CARECOORD_MACHINE_CONFIG"] = str(home / "machine" / "carecoord.toml")
    env["CARECOORD_CHECKPOINT_KEY"] = str(home / "key" / "audit-checkpoint.key")
    env["PYINSTALLER_CONFIG_DIR"] = str(home / "pyinstaller")  # its cache, not ~/.cache
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/carecoord/ built from the committed spec into a temporary folder."""
    work = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(SPEC),
        ],
        cwd=ROOT,
        env=clean_environment(work / "user"),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    print(f"bundle built in {time.monotonic() - started:.0f} s")
    return work / "dist" / "carecoord"


@pytest.fixture
def user(tmp_path: Path) -> dict[str, str]:
    """A fresh user (home and XDG folders) for one test."""
    return clean_environment(tmp_path / "user")


def run(
    bundle: Path, program: str, *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """One of the bundle's executables, run from outside the checkout."""
    return subprocess.run(
        [str(bundle / f"{program}{SUFFIX}"), *args],
        cwd=Path(env["HOME"]),
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_database(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated and filled with 20 demo patients by the bundle's CLI."""
    folder = tmp_path_factory.mktemp("bundle-db")
    env = clean_environment(folder / "user")
    database = folder / "clinic.sqlite3"
    upgrade = run(bundle, "carecoord-cli", "--database", str(database), "db", "upgrade", env=env)
    assert upgrade.returncode == 0, upgrade.stderr
    assert f"at revision {head_revision()} (head)" in upgrade.stdout
    demo = run(
        bundle, "carecoord-cli", "--database", str(database), "demo", "--patients", "20", env=env
    )
    assert demo.returncode == 0, demo.stderr
    assert re.search(r"Done in .*: 20 patients", demo.stdout), demo.stdout
    return database


def test_the_folder_holds_both_executables_and_the_data_files(bundle: Path) -> None:
    internal = bundle / "_internal"
    for program in ("carecoord", "carecoord-cli"):
        assert os.access(bundle / f"{program}{SUFFIX}", os.X_OK), program
    migrations = internal / "carecoord" / "_migrations"
    assert (migrations / "env.py").is_file()
    shipped = sorted(p.name for p in (migrations / "versions").glob("[0-9]*.py"))
    assert shipped == sorted(p.name for p in (ROOT / "migrations" / "versions").glob("[0-9]*.py"))
    resources = internal / "carecoord" / "_resources"
    for name in (
        "fonts/DejaVuSans.ttf",
        "icons/carecoord.svg",
        "body_map.json",
        "translations/carecoord_es.qm",  # the Spanish screens
    ):
        assert (resources / name).is_file(), name
    # The ICD-10-CM tables the diagnosis picker reads, byte for byte as installed.
    spec = importlib.util.find_spec("simple_icd_10_cm")
    assert spec is not None and spec.origin is not None
    installed = Path(spec.origin).parent / "data"
    data = sorted(p.name for p in installed.iterdir() if p.is_file() and p.suffix != ".py")
    assert data, installed
    for name in data:
        bundled = internal / "simple_icd_10_cm" / "data" / name
        assert bundled.stat().st_size == (installed / name).stat().st_size, name
    assert any((internal / "reportlab" / "fonts").glob("*.afm"))
    assert not (internal / "carecoord" / "tools").exists()  # developer tools stay out


def test_cli_says_its_version(bundle: Path, user: dict[str, str]) -> None:
    result = run(bundle, "carecoord-cli", "--version", env=user)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"CareCoord {__version__}"


def test_cli_writes_a_referral_letter_pdf(
    bundle: Path, demo_database: Path, user: dict[str, str], tmp_path: Path
) -> None:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    pdf = tmp_path / "letter-1.pdf"
    result = run(
        bundle,
        "carecoord-cli",
        "--database",
        str(demo_database),
        "--user",
        "drlee",
        "--password-stdin",
        "letter",
        "1",
        "--output",
        str(pdf),
        env=user,
        stdin="demo\n",
    )
    assert result.returncode == 0, result.stderr
    assert f"to {pdf}" in result.stdout
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Our reference:" in text
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    fonts: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        page_fonts = resources["/Font"].get_object()
        assert isinstance(page_fonts, DictionaryObject)
        for font in page_fonts.values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # The bundled DejaVu font (resources/fonts), embedded, so every name prints.
    assert any("DejaVuSans" in name for name in fonts), fonts


def test_desktop_app_reaches_the_sign_in_window_offscreen(
    bundle: Path, demo_database: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "clinic.sqlite3"  # the app may write to the database it opens
    shutil.copy(demo_database, copy)
    env = clean_environment(tmp_path / "user")
    env.update(QT_QPA_PLATFORM="offscreen", CARECOORD_EXIT_WHEN_READY="1")
    result = run(bundle, "carecoord", "--database", str(copy), env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "sign-in-ready" in lines, result.stdout
    # The ready line is followed by the modules loaded by then (tests/ui/test_quick_sign_in.py).
    assert lines[-1].startswith("modules: "), result.stdout
