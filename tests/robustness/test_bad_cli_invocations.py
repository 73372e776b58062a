"""Every bad command-line invocation gets one clear line and a non-zero exit, never a
traceback; commands that only look never change the file they look at.

Each case runs the real ``carecoord`` in a fresh process (as a person or a scheduled job
would) against a real bad input: files that are not databases, a truncated database, a
newer schema, a closed PostgreSQL port, a read-only file system and a full disk (both
small tmpfs mounts, when this machine lets the tests mount).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from carecoord.db import Database
from carecoord.demo import fill_demo

SIGN_IN = ("--user", "drlee", "--password-stdin")
ADMIN = ("--user", "admin", "--password-stdin")
HUGE = "99999999999999999999"
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


def run(*args: str, stdin: str = "demo\n") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CARECOORD_DATABASE_URL",)}
    return subprocess.run(
        [sys.executable, "-m", "carecoord", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def clinic_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bad-cli") / "clinic.sqlite3"
    db = Database(f"sqlite:///{path}")
    fill_demo(db, patients=3, seed=5)
    db.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    return path


@dataclass
class Place:
    """Where a case runs: a folder, a good clinic database, and (maybe) small mounts."""

    folder: Path
    clinic: Path
    read_only: Path | None
    full: Path | None


def _mount(target: Path, options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def place(tmp_path: Path, clinic_template: Path) -> Iterator[Place]:
    clinic = tmp_path / "clinic.sqlite3"
    shutil.copyfile(clinic_template, clinic)
    mounts: list[Path] = []
    read_only = tmp_path / "ro"
    if _mount(read_only, "size=8m"):
        mounts.append(read_only)
        shutil.copyfile(clinic_template, read_only / "clinic.sqlite3")
        subprocess.run(["mount", "-o", "remount,ro", str(read_only)], check=True)
    full = tmp_path / "full"
    if _mount(full, "size=600k"):
        mounts.append(full)
        shutil.copyfile(clinic_template, full / "clinic.sqlite3")
        with contextlib.suppress(OSError), open(full / "filler", "wb") as handle:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
    yield Place(
        tmp_path,
        clinic,
        read_only if read_only in mounts else None,
        full if full in mounts else None,
    )
    for mount in mounts:
        subprocess.run(["umount", str(mount)], check=False)


def text_file(p: Place) -> str:
    path = p.folder / "notes.txt"
    path.write_text("Shopping list: oat milk, batteries\n")
    return str(path)


def pdf_file(p: Place) -> str:
    path = p.folder / "report.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return str(path)


def directory(p: Place) -> str:
    path = p.folder / "a-folder"
    path.mkdir()
    return str(path)


def truncated(p: Place) -> str:
    path = p.folder / "truncated.sqlite3"
    path.write_bytes(p.clinic.read_bytes()[:12288])
    return str(path)


def newer(p: Place) -> str:
    with sqlite3.connect(p.clinic) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    return str(p.clinic)


def clinic(p: Place) -> str:
    return str(p.clinic)


def on_read_only(p: Place) -> str:
    if p.read_only is None:
        pytest.skip("this machine does not let the tests mount a read-only file system")
    return str(p.read_only / "clinic.sqlite3")


def on_full_disk(p: Place) -> str:
    if p.full is None:
        pytest.skip("this machine does not let the tests mount a small file system")
    return str(p.full / "clinic.sqlite3")


def unreachable(p: Place) -> str:
    return UNREACHABLE


Make = Callable[[Place], str]

CASES: list[tuple[str, Make, tuple[str, ...], str]] = [
    # (id, database, command, what the one line must say)
    ("huge referral id", clinic, (*SIGN_IN, "letter", HUGE, "--output", "{out}"), "not found"),
    ("huge patient id", clinic, (*SIGN_IN, "plan", HUGE, "--output", "{out}"), "not found"),
    (
        "huge plan id",
        clinic,
        (*SIGN_IN, "plan", "1", "--plan-id", HUGE, "--output", "{out}"),
        "not found",
    ),
    ("unreachable postgres: info", unreachable, ("info",), "cannot connect"),
    ("unreachable postgres: db current", unreachable, ("db", "current"), "cannot connect"),
    ("unreachable postgres: db upgrade", unreachable, ("db", "upgrade"), "cannot connect"),
    ("unreachable postgres: audit", unreachable, ("audit", "verify"), "cannot connect"),
    (
        "unreachable postgres: letter",
        unreachable,
        (*SIGN_IN, "letter", "1", "--output", "{out}"),
        "cannot connect",
    ),
    ("unreachable postgres: demo", unreachable, ("demo",), "cannot connect"),
    ("text file: info", text_file, ("info",), "not a SQLite database"),
    ("text file: db current", text_file, ("db", "current"), "not a SQLite database"),
    ("text file: db upgrade", text_file, ("db", "upgrade"), "not a SQLite database"),
    ("text file: audit verify", text_file, ("audit", "verify"), "not a SQLite database"),
    (
        "text file: letter",
        text_file,
        (*SIGN_IN, "letter", "1", "--output", "{out}"),
        "not a SQLite database",
    ),
    ("text file: backup", text_file, ("backup", "{out}"), "not a SQLite database"),
    ("pdf file: info", pdf_file, ("info",), "not a SQLite database"),
    ("pdf file: demo", pdf_file, ("demo",), "not a SQLite database"),
    (
        "pdf file: user add",
        pdf_file,
        ("user", "add", "ann", "--full-name", "Ann", "--role", "administrator", "--password-stdin"),
        "not a SQLite database",
    ),
    ("directory: info", directory, ("info",), "cannot open"),
    ("directory: db current", directory, ("db", "current"), "cannot open"),
    ("directory: db upgrade", directory, ("db", "upgrade"), "cannot open"),
    ("directory: audit verify", directory, ("audit", "verify"), "cannot open"),
    ("directory: backup", directory, ("backup", "{out}"), "no database"),
    ("truncated: info", truncated, ("info",), "damaged"),
    ("truncated: audit verify", truncated, ("audit", "verify"), "damaged"),
    ("truncated: db upgrade", truncated, ("db", "upgrade"), "damaged"),
    ("truncated: letter", truncated, (*SIGN_IN, "letter", "1", "--output", "{out}"), "damaged"),
    ("truncated: backup", truncated, (*ADMIN, "backup", "{out}"), "damaged"),
    ("newer schema: info", newer, ("info",), "older than the database"),
    ("newer schema: db current", newer, ("db", "current"), "older than the database"),
    ("newer schema: db upgrade", newer, ("db", "upgrade"), "older than the database"),
    ("newer schema: audit verify", newer, ("audit", "verify"), "older than the database"),
    ("newer schema: demo", newer, ("demo",), "older than the database"),
    ("newer schema: demo check", newer, ("demo", "--check"), "older than the database"),
    (
        "newer schema: letter",
        newer,
        (*SIGN_IN, "letter", "1", "--output", "{out}"),
        "older than the database",
    ),
    (
        "read-only medium: letter",
        on_read_only,
        (*SIGN_IN, "letter", "1", "--output", "{out}"),
        "read-only",
    ),
    ("read-only medium: db upgrade", on_read_only, ("db", "upgrade"), "read-only"),
    (
        "read-only medium: backup target",
        clinic,
        (*ADMIN, "backup", "{ro}/copy.sqlite3"),
        "Read-only",
    ),
    ("full disk: backup target", clinic, (*ADMIN, "backup", "{full}/copy.sqlite3"), "disk is full"),
    (
        "full disk: letter output",
        clinic,
        (*SIGN_IN, "letter", "1", "--output", "{full}/l.pdf"),
        "No space left",
    ),
    ("full disk: demo", on_full_disk, ("demo", "--patients", "200"), "full"),
    (
        "backup over the live WAL",
        clinic,
        (*ADMIN, "backup", "{db}-wal", "--force"),
        "live database",
    ),
    ("backup over the database", clinic, (*ADMIN, "backup", "{db}", "--force"), "live database"),
    (
        "restore a text file",
        clinic,
        (*ADMIN, "restore", "{text}", "--yes"),
        "not a SQLite database",
    ),
]


@pytest.mark.parametrize(
    ("make", "command", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_one_clear_line_and_a_non_zero_exit(
    place: Place, make: Make, command: tuple[str, ...], says: str
) -> None:
    database = make(place)
    values = {
        "out": str(place.folder / f"out-{uuid.uuid4().hex[:6]}.pdf"),
        "db": database,
        "ro": str(place.read_only or place.folder / "no-ro-mount"),
        "full": str(place.full or place.folder / "no-full-mount"),
        "text": text_file(place) if "{text}" in command else "",
    }
    if any("{ro}" in c for c in command) and place.read_only is None:
        pytest.skip("this machine does not let the tests mount a read-only file system")
    if any("{full}" in c for c in command) and place.full is None:
        pytest.skip("this machine does not let the tests mount a small file system")
    before = Path(database).read_bytes() if Path(database).is_file() else None
    argv = [part.format(**values) for part in command]
    result = run("--database", database, *argv)
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    assert lines[0].startswith("carecoord: ") and says in lines[0], lines[0]
    looking = argv[0] in ("info", "audit") or argv[:2] == ["db", "current"]
    if looking and before is not None:
        assert Path(database).read_bytes() == before  # looking never changes the file
    assert not Path(values["out"]).exists()


def test_info_never_adds_tables_to_another_programs_database(tmp_path: Path) -> None:
    foreign = tmp_path / "recipes.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    before = foreign.read_bytes()
    for command in (("info",), ("db", "current"), ("audit", "verify")):
        result = run("--database", str(foreign), *command)
        assert "Traceback" not in result.stderr
    result = run("--database", str(foreign), "info")
    assert result.returncode == 1 and "not a CareCoord database" in result.stderr
    assert foreign.read_bytes() == before
    with sqlite3.connect(foreign) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master")]
    assert tables == ["recipes"]


def test_looking_at_a_database_on_a_read_only_medium_works(place: Place) -> None:
    database = on_read_only(place)
    info = run("--database", database, "info")
    assert info.returncode == 0 and "3 patients" in info.stdout, info.stderr
    current = run("--database", database, "db", "current")
    assert current.returncode == 0 and "up to date" in current.stdout, current.stderr
    verify = run("--database", database, "audit", "verify")
    assert verify.returncode == 0 and "Audit trail intact" in verify.stdout, verify.stderr


def test_database_errors_never_carry_patient_data(tmp_path: Path) -> None:
    """Errors are logged with their traceback: the SQL parameters must not be in them."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with pytest.raises(IntegrityError) as error, db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO settings (key, value) VALUES (:k, :v)"), {"k": "a", "v": "x"}
        )
        conn.execute(
            text("INSERT INTO settings (key, value) VALUES (:k, :v)"), {"k": "a", "v": "Zoë"}
        )
    assert "Zoë" not in str(error.value) and "hidden due to hide_parameters" in str(error.value)
    db.dispose()
